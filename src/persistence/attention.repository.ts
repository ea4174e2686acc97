import type { AttentionReason, AttentionRecord, NewAttention } from "../domain/order-attention.ts";
import type { Db } from "./db.ts";
import type { AttentionRepository } from "../domain/ports/attention-repository.port.ts";

type Row = Awaited<ReturnType<Db["orderAttention"]["findUniqueOrThrow"]>>;
const toRecord = (row: Row): AttentionRecord => ({ ...row, reason: row.reason as AttentionReason });

/** Attention records in Prisma. */
export class PrismaAttentionRepository implements AttentionRepository {
  constructor(private readonly db: Db) {}

  async open(record: NewAttention) {
    const { id, ...rest } = record;
    await this.db.orderAttention.upsert({ where: { id }, create: record, update: rest });
  }

  async get(id: string): Promise<AttentionRecord | null> {
    const row = await this.db.orderAttention.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async getMany(ids: readonly string[]): Promise<AttentionRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.orderAttention.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toRecord);
  }

  async discard(id: string): Promise<void> {
    await this.db.orderAttention.deleteMany({ where: { id, settledAt: null } });
  }

  async openFor(shopId: string, limit: number): Promise<AttentionRecord[]> {
    const rows = await this.db.orderAttention.findMany({
      where: { shopId, settledAt: null },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toRecord);
  }

  async forOrder(orderId: string): Promise<AttentionRecord[]> {
    const rows = await this.db.orderAttention.findMany({ where: { orderId }, orderBy: { createdAt: "asc" } });
    return rows.map(toRecord);
  }

  async due(now: Date, limit: number): Promise<AttentionRecord[]> {
    const rows = await this.db.orderAttention.findMany({
      where: { settledAt: null, nextRetryAt: { lte: now } },
      orderBy: [{ nextRetryAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toRecord);
  }

  async settle(id: string, settlement: { by: string; note: string; at: Date }): Promise<boolean> {
    const { count } = await this.db.orderAttention.updateMany({
      where: { id, settledAt: null },
      data: { settledAt: settlement.at, settledBy: settlement.by, note: settlement.note, nextRetryAt: null },
    });
    return count === 1;
  }

  async countOpen(): Promise<Array<{ reason: AttentionReason; count: number }>> {
    const groups = await this.db.orderAttention.groupBy({
      by: ["reason"],
      where: { settledAt: null },
      _count: { _all: true },
    });
    return groups.map((g) => ({ reason: g.reason as AttentionReason, count: g._count._all }));
  }
}
