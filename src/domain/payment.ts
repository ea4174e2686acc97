import type { MinorUnits } from "./money.ts";

/**
 * The gateway's record of one money payment of an order at a PSP, written before each call to the PSP:
 * its id makes the call's idempotence key, so a repeat after a crash or a lost answer finds what the first
 * attempt made. CREATING: the create's answer is not in yet (the reconciler repeats it with the same key).
 */
export const PAYMENT_RECORD_STATUSES = ["CREATING", "PENDING", "AUTHORIZED", "CAPTURED", "CANCELED"] as const;
export type PaymentRecordStatus = (typeof PAYMENT_RECORD_STATUSES)[number];

export interface PaymentRecord {
  id: string;
  orderId: string;
  shopId: string;
  instanceId: string;
  status: PaymentRecordStatus;
  pspId: string | null;
  /** What the buyer pays in money (the order's total after points). */
  amount: MinorUnits;
  captured: MinorUnits;
  refunded: MinorUnits;
  confirmationUrl: string | null;
  /** Why a CANCELED payment ended, as the PSP says ("party: reason"). */
  cancellation: string | null;
  /** When the captured money was recorded in the order system. */
  recordedAt: Date | null;
  /** When the settlement receipt (54-FZ, at handover of goods paid ahead) was made at the PSP. */
  settledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A payment the buyer may still pay or the shop still capture: a new attempt waits for it. */
export const LIVE_PAYMENT: readonly PaymentRecordStatus[] = ["CREATING", "PENDING", "AUTHORIZED"];

/** The money leg of one refund. NEW: not yet answered by the PSP (repeated with the same key). */
export type RefundLegStatus = "NEW" | "PENDING" | "SUCCEEDED" | "CANCELED";

export interface RefundLegRecord {
  id: string;
  paymentId: string;
  orderId: string;
  amount: MinorUnits;
  status: RefundLegStatus;
  pspId: string | null;
  /** The lines it returns, for the receipt and for staff. */
  lines: Array<{ lineId: string; quantity: number; amount: MinorUnits }>;
  recordedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Idempotence keys, from the gateway's own records: a repeat sends the same one. */
export const paymentKeys = {
  create: (p: Pick<PaymentRecord, "id">) => `pay:${p.id}:create`,
  capture: (p: Pick<PaymentRecord, "id">) => `pay:${p.id}:capture`,
  cancel: (p: Pick<PaymentRecord, "id">) => `pay:${p.id}:cancel`,
  /** The order system's record of the captured money. */
  record: (p: Pick<PaymentRecord, "id">) => `pay:${p.id}:record`,
  /** The settlement receipt at handover. */
  settle: (p: Pick<PaymentRecord, "id">) => `pay:${p.id}:settle`,
  refund: (r: Pick<RefundLegRecord, "id">) => `refund:${r.id}`,
  /** The order system's record of the money returned. */
  refundRecord: (r: Pick<RefundLegRecord, "id">) => `refund:${r.id}:record`,
};
