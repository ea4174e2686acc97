import type { CustomerLinkRecord } from "../customer.ts";

/** Our customers: one row per shop and phone, optionally linked to a Telegram user. */
export interface CustomerLinkRepository {
  /** Finds or creates the customer for a phone; safe when two instances race. */
  ensure(shopId: string, phone: string): Promise<CustomerLinkRecord>;
  /** Remembers the customer's id at one provider instance. */
  saveProviderRef(customerId: string, providerInstanceId: string, externalId: string): Promise<void>;
  /** The customer's ids at each provider instance, by instance id. */
  providerRefs(customerId: string): Promise<Map<string, string>>;
  findByIds(ids: readonly string[]): Promise<CustomerLinkRecord[]>;
  findByTelegramUser(shopId: string, telegramUserId: string): Promise<CustomerLinkRecord | null>;
  /** The shop's customers with these phones who are linked to a Telegram user. */
  findLinked(shopId: string, phones: readonly string[]): Promise<CustomerLinkRecord[]>;
  /** Notes that the customer agreed to join the loyalty programme (the first time counts). */
  recordConsent(customerId: string, at: Date): Promise<void>;
  /** Links the Telegram user to the phone, moving the link off any other phone of the same shop. */
  linkTelegramUser(shopId: string, phone: string, telegramUserId: string): Promise<CustomerLinkRecord>;
}
