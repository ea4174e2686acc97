import type { PhoneCodeRecord } from "../phone-code.ts";

/** Where sent codes and the phone's daily counts are kept, shared by every instance, so the limits hold across them. */
export interface PhoneCodeRepository {
  /** When the latest code since `since` was sent in the shop to `phone` (by anyone) or asked for by the user (to any phone). */
  lastSent(shopId: string, phone: string, telegramUserId: string, since: Date): Promise<Date | null>;
  /** The phone's live code in the shop (at the provider named, or the newest of any), whoever asked for it. */
  live(shopId: string, phone: string, providerInstanceId?: string | null): Promise<PhoneCodeRecord | null>;
  /** Records a code sent; it replaces the phone's earlier code at that provider, whoever asked for that one. */
  sent(record: Omit<PhoneCodeRecord, "checks">): Promise<void>;
  /** Counts one more check of this code while fewer than `max` were made and it is still live; atomic. */
  takeCheck(codeId: string, max: number): Promise<boolean>;
  /** Counts one more send or check for the phone on `day` while fewer than `max` were made; atomic. */
  takeDaily(shopId: string, phone: string, day: string, kind: "sends" | "checks", max: number): Promise<boolean>;
  /** The code was right: it is used up. */
  remove(codeId: string): Promise<void>;
}
