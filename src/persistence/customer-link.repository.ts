import { randomUUID } from "node:crypto";
import type { CustomerLinkRecord } from "../domain/customer.ts";
import type { Db } from "./db.ts";
import type { CustomerLinkRepository } from "../domain/ports/customer-link-repository.port.ts";

const select = { id: true, shopId: true, phone: true, telegramUserId: true } as const;

/** Our customers: one row per shop and phone, optionally linked to a Telegram user. */
export class PrismaCustomerLinkRepository implements CustomerLinkRepository {
  constructor(private readonly db: Db) {}

  /** Finds or creates the customer for a phone; safe when two instances race (unique shop+phone). */
  async ensure(shopId: string, phone: string): Promise<CustomerLinkRecord> {
    return this.db.customerLink.upsert({
      where: { shopId_phone: { shopId, phone } },
      create: { id: `cus_${randomUUID()}`, shopId, phone },
      update: {},
      select,
    });
  }

  /** Remembers the customer's id at one provider instance (needed by providers that do not key on the phone). */
  async saveProviderRef(customerId: string, providerInstanceId: string, externalId: string): Promise<void> {
    await this.db.providerCustomerRef.upsert({
      where: { customerId_providerInstanceId: { customerId, providerInstanceId } },
      create: { customerId, providerInstanceId, externalId },
      update: { externalId },
    });
  }

  /** The customer's ids at each provider instance, by instance id. */
  async providerRefs(customerId: string): Promise<Map<string, string>> {
    const rows = await this.db.providerCustomerRef.findMany({ where: { customerId } });
    return new Map(rows.map((r) => [r.providerInstanceId, r.externalId]));
  }

  async recordConsent(customerId: string, at: Date): Promise<void> {
    await this.db.customerLink.updateMany({ where: { id: customerId, consentAt: null }, data: { consentAt: at } });
  }

  findByIds(ids: readonly string[]): Promise<CustomerLinkRecord[]> {
    return this.db.customerLink.findMany({ where: { id: { in: [...ids] } }, select });
  }

  findLinked(shopId: string, phones: readonly string[]): Promise<CustomerLinkRecord[]> {
    return this.db.customerLink.findMany({
      where: { shopId, phone: { in: [...phones] }, telegramUserId: { not: null } },
      select,
    });
  }

  findByTelegramUser(shopId: string, telegramUserId: string): Promise<CustomerLinkRecord | null> {
    return this.db.customerLink.findUnique({ where: { shopId_telegramUserId: { shopId, telegramUserId } }, select });
  }

  /** Links the Telegram user to the phone, moving the link off any other phone of the same shop. */
  async linkTelegramUser(shopId: string, phone: string, telegramUserId: string): Promise<CustomerLinkRecord> {
    return this.db.$transaction(async (tx) => {
      await tx.customerLink.updateMany({
        where: { shopId, telegramUserId, NOT: { phone } },
        data: { telegramUserId: null },
      });
      return tx.customerLink.upsert({
        where: { shopId_phone: { shopId, phone } },
        create: { id: `cus_${randomUUID()}`, shopId, phone, telegramUserId },
        update: { telegramUserId },
        select,
      });
    });
  }
}
