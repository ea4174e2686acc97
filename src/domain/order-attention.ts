/** Why an order waits for a person. */
export type AttentionReason = "REFUND_SHORTFALL" | "HOLD_LOST";

/** Something about an order that staff must look at; open until they settle it. */
export interface AttentionRecord {
  id: string;
  orderId: string;
  shopId: string;
  reason: AttentionReason;
  /** Points at stake, where the reason is about points. */
  points: number;
  /** What happened, for staff. */
  detail: string;
  createdAt: Date;
  settledAt: Date | null;
  settledBy: string | null;
  note: string | null;
}
