import type { PaymentRecord, PaymentRecordStatus, RefundLegRecord, RefundLegStatus } from "../payment.ts";

export type PaymentPatch = Partial<
  Pick<
    PaymentRecord,
    "status" | "pspId" | "captured" | "refunded" | "confirmationUrl" | "cancellation" | "recordedAt" | "settledAt"
  >
>;
export type RefundLegPatch = Partial<Pick<RefundLegRecord, "status" | "pspId" | "recordedAt">>;

/** Where payment records and refund legs are kept. Updates are compare-and-set on the status read. */
export interface PaymentRepository {
  create(record: Omit<PaymentRecord, "createdAt" | "updatedAt">): Promise<PaymentRecord>;
  get(id: string): Promise<PaymentRecord | null>;
  byPspId(instanceId: string, pspId: string): Promise<PaymentRecord | null>;
  /** The order's newest payment, or null. */
  latestFor(orderId: string): Promise<PaymentRecord | null>;
  /** The newest payment of each order asked. */
  latestForMany(orderIds: readonly string[]): Promise<Map<string, PaymentRecord>>;
  /** Writes `patch` if the record is still `expected`; null when it moved meanwhile. */
  update(id: string, expected: PaymentRecordStatus, patch: PaymentPatch): Promise<PaymentRecord | null>;
  /** Records in these statuses last changed before `before`, oldest first. */
  stale(statuses: readonly PaymentRecordStatus[], before: Date, limit: number): Promise<PaymentRecord[]>;

  /** Creates the leg, or returns the one with this id (a repeat of the same refund). */
  openRefund(record: Omit<RefundLegRecord, "createdAt" | "updatedAt" | "recordedAt">): Promise<RefundLegRecord>;
  refundByPspId(pspId: string): Promise<RefundLegRecord | null>;
  refundsOf(paymentId: string): Promise<RefundLegRecord[]>;
  updateRefund(id: string, expected: RefundLegStatus, patch: RefundLegPatch): Promise<RefundLegRecord | null>;
  /** Legs in these statuses last changed before `before` (and after `after`, where given), oldest first. */
  staleRefunds(
    statuses: readonly RefundLegStatus[],
    before: Date,
    limit: number,
    after?: Date,
  ): Promise<RefundLegRecord[]>;
}
