import type { AttentionReason, AttentionRecord } from "../domain/order-attention.ts";
import type { Db } from "./db.ts";
import type { AttentionRepository } from "../domain/ports/attention-repository.port.ts";

type Row = Awaited<ReturnType<Db["orderAttention"]["findUniqueOrThrow"]>>;
const toRecord = (row: Row): AttentionRecord => ({ ...row, reason: row.reason as AttentionReason });

/** Attention records in Prisma. */
export class PrismaAttentionRepository implements AttentionRepository {
  constructor(private readonly db: Db) {}

  async open(record: Pick<AttentionRecord, "id" | "orderId" | "shopId" | "reason" | "points" | "detail">) {
    const { id, ...rest } = record;
    await this.db.orderAttention.upsert({ where: { id }, create: record, update: rest });
  }

  async get(id: string): Promise<AttentionRecord | null> {
    const row = await this.db.orderAttention.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
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
}
