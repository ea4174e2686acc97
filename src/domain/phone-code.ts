/**
 * The live verification code a provider sent for one shop, provider and phone. The vendor keeps one code
 * per phone and each send replaces it, so the gateway keeps one too: a newer code voids this one for
 * every user, and only the user who asked for it (`telegramUserId`) may check it.
 */
export interface PhoneCodeRecord {
  /** Names this code: a check counts against it alone, and fails once a newer code replaced it. */
  codeId: string;
  shopId: string;
  phone: string;
  /** The Mini App user who asked for the code, the only one it can link. */
  telegramUserId: string;
  providerInstanceId: string;
  sentAt: Date;
  /** Checks made against this code so far. */
  checks: number;
}
