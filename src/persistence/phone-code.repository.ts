import type { PhoneCodeRecord } from "../domain/phone-code.ts";
import type { Db } from "./db.ts";
import type { PhoneCodeRepository } from "../domain/ports/phone-code-repository.port.ts";

const liveId = (shopId: string, providerInstanceId: string, phone: string) =>
  `${shopId}|${providerInstanceId}|${phone}`;
const dayId = (shopId: string, phone: string, day: string) => `${shopId}|${phone}|${day}`;
const columns = {
  codeId: true,
  shopId: true,
  phone: true,
  telegramUserId: true,
  providerInstanceId: true,
  sentAt: true,
  checks: true,
} as const;

/** Sent verification codes in Prisma: one live row per shop, provider and phone; daily counts per phone. */
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

  live(shopId: string, phone: string, providerInstanceId?: string | null): Promise<PhoneCodeRecord | null> {
    return this.db.phoneCode.findFirst({
      where: { shopId, phone, ...(providerInstanceId ? { providerInstanceId } : {}) },
      orderBy: { sentAt: "desc" },
      select: columns,
    });
  }

  async sent(record: Omit<PhoneCodeRecord, "checks">): Promise<void> {
    const id = liveId(record.shopId, record.providerInstanceId, record.phone);
    const { shopId: _s, phone: _p, providerInstanceId: _i, ...fresh } = record;
    await this.db.phoneCode.upsert({
      where: { id },
      create: { id, ...record, checks: 0 },
      update: { ...fresh, checks: 0 },
    });
  }

  async takeCheck(codeId: string, max: number): Promise<boolean> {
    const { count } = await this.db.phoneCode.updateMany({
      where: { codeId, checks: { lt: max } },
      data: { checks: { increment: 1 } },
    });
    return count === 1;
  }

  async takeDaily(shopId: string, phone: string, day: string, kind: "sends" | "checks", max: number) {
    const id = dayId(shopId, phone, day);
    await this.db.phoneDailyCount.upsert({ where: { id }, create: { id, shopId, phone, day }, update: {} });
    const { count } = await this.db.phoneDailyCount.updateMany({
      where: { id, [kind]: { lt: max } },
      data: { [kind]: { increment: 1 } },
    });
    // Earlier days' counts have done their work.
    if (kind === "sends") await this.db.phoneDailyCount.deleteMany({ where: { shopId, phone, day: { not: day } } });
    return count === 1;
  }

  async remove(codeId: string): Promise<void> {
    await this.db.phoneCode.deleteMany({ where: { codeId } });
  }
}
