import type { PhoneCodeRecord, PhoneCodeRepository } from "../domain/phone-code.ts";
import type { Db } from "./db.ts";

const idOf = (shopId: string, phone: string, telegramUserId: string) => `${shopId}|${phone}|${telegramUserId}`;

/** Sent verification codes in Prisma: one row per shop, phone and Telegram user. */
export class PrismaPhoneCodeRepository implements PhoneCodeRepository {
  constructor(private readonly db: Db) {}

  async lastSent(shopId: string, phone: string, telegramUserId: string, since: Date): Promise<Date | null> {
    const row = await this.db.phoneCode.findFirst({
      where: { shopId, sentAt: { gt: since }, OR: [{ phone }, { telegramUserId }] },
      orderBy: { sentAt: "desc" },
      select: { sentAt: true },
    });
    return row?.sentAt ?? null;
  }

  async sent(record: Omit<PhoneCodeRecord, "checks">): Promise<void> {
    const id = idOf(record.shopId, record.phone, record.telegramUserId);
    await this.db.phoneCode.upsert({
      where: { id },
      create: { id, ...record, checks: 0 },
      update: { providerInstanceId: record.providerInstanceId, sentAt: record.sentAt, checks: 0 },
    });
  }

  get(shopId: string, phone: string, telegramUserId: string): Promise<PhoneCodeRecord | null> {
    return this.db.phoneCode.findUnique({
      where: { id: idOf(shopId, phone, telegramUserId) },
      select: { shopId: true, phone: true, telegramUserId: true, providerInstanceId: true, sentAt: true, checks: true },
    });
  }

  async takeCheck(shopId: string, phone: string, telegramUserId: string, max: number): Promise<boolean> {
    const { count } = await this.db.phoneCode.updateMany({
      where: { id: idOf(shopId, phone, telegramUserId), checks: { lt: max } },
      data: { checks: { increment: 1 } },
    });
    return count === 1;
  }

  async remove(shopId: string, phone: string, telegramUserId: string): Promise<void> {
    await this.db.phoneCode.deleteMany({ where: { id: idOf(shopId, phone, telegramUserId) } });
  }
}
