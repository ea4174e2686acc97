/** A verification code a provider sent for one shop, to one phone, asked for by one Telegram user. */
export interface PhoneCodeRecord {
  shopId: string;
  phone: string;
  telegramUserId: string;
  providerInstanceId: string;
  sentAt: Date;
  /** Checks made against this code so far. */
  checks: number;
}

/** Where sent codes are kept, shared by every instance, so the limits hold across them. */
export interface PhoneCodeRepository {
  /** When the latest code since `since` was sent in the shop to `phone` (by anyone) or asked for by the user (to any phone). */
  lastSent(shopId: string, phone: string, telegramUserId: string, since: Date): Promise<Date | null>;
  /** Records a code sent; it replaces the user's earlier code for the phone, with no checks yet. */
  sent(record: Omit<PhoneCodeRecord, "checks">): Promise<void>;
  get(shopId: string, phone: string, telegramUserId: string): Promise<PhoneCodeRecord | null>;
  /** Counts one more check while fewer than `max` were made, atomically; false once the limit is reached. */
  takeCheck(shopId: string, phone: string, telegramUserId: string, max: number): Promise<boolean>;
  /** The code was right: it is used up. */
  remove(shopId: string, phone: string, telegramUserId: string): Promise<void>;
}
