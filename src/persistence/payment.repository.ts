import type { PaymentRecord, PaymentRecordStatus, RefundLegRecord, RefundLegStatus } from "../domain/payment.ts";
import type { PaymentPatch, PaymentRepository, RefundLegPatch } from "../domain/ports/payment-repository.port.ts";
import type { Db } from "./db.ts";

type PaymentRow = Awaited<ReturnType<Db["payment"]["findUniqueOrThrow"]>>;
type RefundRow = Awaited<ReturnType<Db["paymentRefund"]["findUniqueOrThrow"]>>;

const toPayment = (row: PaymentRow): PaymentRecord => ({ ...row, status: row.status as PaymentRecordStatus });
const toRefund = (row: RefundRow): RefundLegRecord => ({
  ...row,
  status: row.status as RefundLegStatus,
  lines: JSON.parse(row.lines) as RefundLegRecord["lines"],
});

/** Payment records and refund legs in Prisma. */
export class PrismaPaymentRepository implements PaymentRepository {
  constructor(private readonly db: Db) {}

  async create(record: Omit<PaymentRecord, "createdAt" | "updatedAt">): Promise<PaymentRecord> {
    return toPayment(await this.db.payment.create({ data: record }));
  }

  async get(id: string): Promise<PaymentRecord | null> {
    const row = await this.db.payment.findUnique({ where: { id } });
    return row ? toPayment(row) : null;
  }

  async byPspId(instanceId: string, pspId: string): Promise<PaymentRecord | null> {
    const row = await this.db.payment.findUnique({ where: { instanceId_pspId: { instanceId, pspId } } });
    return row ? toPayment(row) : null;
  }

  async latestFor(orderId: string): Promise<PaymentRecord | null> {
    const row = await this.db.payment.findFirst({
      where: { orderId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return row ? toPayment(row) : null;
  }

  async latestForMany(orderIds: readonly string[]): Promise<Map<string, PaymentRecord>> {
    const latest = new Map<string, PaymentRecord>();
    if (orderIds.length === 0) return latest;
    const rows = await this.db.payment.findMany({
      where: { orderId: { in: [...orderIds] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    for (const row of rows) latest.set(row.orderId, toPayment(row));
    return latest;
  }

  async update(id: string, expected: PaymentRecordStatus, patch: PaymentPatch): Promise<PaymentRecord | null> {
    const { count } = await this.db.payment.updateMany({ where: { id, status: expected }, data: patch });
    return count === 1 ? this.get(id) : null;
  }

  async stale(statuses: readonly PaymentRecordStatus[], before: Date, limit: number): Promise<PaymentRecord[]> {
    const rows = await this.db.payment.findMany({
      where: { status: { in: [...statuses] }, updatedAt: { lt: before } },
      orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toPayment);
  }

  async openRefund(record: Omit<RefundLegRecord, "createdAt" | "updatedAt" | "recordedAt">): Promise<RefundLegRecord> {
    const data = { ...record, lines: JSON.stringify(record.lines) };
    const row = await this.db.paymentRefund.upsert({ where: { id: record.id }, create: data, update: {} });
    return toRefund(row);
  }

  async refundByPspId(pspId: string): Promise<RefundLegRecord | null> {
    const row = await this.db.paymentRefund.findFirst({ where: { pspId } });
    return row ? toRefund(row) : null;
  }

  async refundsOf(paymentId: string): Promise<RefundLegRecord[]> {
    const rows = await this.db.paymentRefund.findMany({ where: { paymentId }, orderBy: { createdAt: "asc" } });
    return rows.map(toRefund);
  }

  async updateRefund(id: string, expected: RefundLegStatus, patch: RefundLegPatch): Promise<RefundLegRecord | null> {
    const { count } = await this.db.paymentRefund.updateMany({ where: { id, status: expected }, data: patch });
    if (count !== 1) return null;
    return toRefund(await this.db.paymentRefund.findUniqueOrThrow({ where: { id } }));
  }

  async staleRefunds(
    statuses: readonly RefundLegStatus[],
    before: Date,
    limit: number,
    after?: Date,
  ): Promise<RefundLegRecord[]> {
    const rows = await this.db.paymentRefund.findMany({
      where: { status: { in: [...statuses] }, updatedAt: { lt: before, ...(after ? { gt: after } : {}) } },
      orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toRefund);
  }
}
