/**
 * Proofs of a phone that Telegram signs: the Mini App's `requestContact` result, signed with the bot
 * token the same way as initData. The auth layer checks the signature and the age.
 */
export interface ContactProofs {
  /**
   * @throws VerificationError VERIFICATION_FAILED (bad signature, malformed) or VERIFICATION_EXPIRED
   * @example proofs.verify("contact=%7B%22phone_number%22...&auth_date=1764600000&hash=…")
   */
  verify(raw: string): VerifiedContact;
}

export interface VerifiedContact {
  /** The signature itself: the same proof presented twice has the same id. */
  id: string;
  telegramUserId: string;
  phone: string;
  signedAt: number;
}

/** Remembers one-time keys across instances; true the first time a key is seen. */
export interface OnceStore {
  remember(key: string): Promise<boolean>;
}
