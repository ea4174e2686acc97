/** Why an order waits for a person. */
export const ATTENTION_REASONS = [
  /** A refund took back fewer earned points than it should: the customer had spent them. */
  "REFUND_SHORTFALL",
  /** Points held for a placed order are gone. */
  "HOLD_LOST",
  /** The order system reported a status the gateway could not follow (a refund the provider refuses, ...). */
  "STATUS_FOLLOW_UP",
  /** A checkout past its time could not be expired: its points may still be held at the vendor. */
  "EXPIRY_FAILED",
  /** The florist sold less than the loyalty sale recorded at placement: points were earned on more. */
  "SOLD_DIFFERS",
  /** Money the PSP holds or took for an order that no longer waits for it: cancel or refund it at the PSP. */
  "PAYMENT_ORPHANED",
  /** A capture the order's moment called for failed for good (the hold lapsed or was cancelled). */
  "PAYMENT_CAPTURE",
  /** The money leg of a refund did not go through, or went through while the points leg failed. */
  "PAYMENT_REFUND",
] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

/** Something about an order that staff must look at; open until they (or a successful retry) settle it. */
export interface AttentionRecord {
  id: string;
  orderId: string;
  shopId: string;
  reason: AttentionReason;
  /** Points at stake, where the reason is about points. */
  points: number;
  /** What happened, for staff. */
  detail: string;
  /** STATUS_FOLLOW_UP: the order system's status that could not be followed. */
  vendorStatus: string | null;
  /** The gateway error code of the last failed attempt. */
  errorCode: string | null;
  /** Attempts the gateway made. */
  attempts: number;
  /** When the gateway tries again; null: it does not, a person settles it. */
  nextRetryAt: Date | null;
  createdAt: Date;
  settledAt: Date | null;
  settledBy: string | null;
  note: string | null;
}

export type NewAttention = Pick<AttentionRecord, "id" | "orderId" | "shopId" | "reason" | "points" | "detail"> &
  Partial<Pick<AttentionRecord, "vendorStatus" | "errorCode" | "attempts" | "nextRetryAt">>;

/** What the gateway retries by itself, and how often. */
export const RETRY_RULES = {
  /** The first retry comes after this long; each next one after twice the last. */
  firstSeconds: 60,
  maxSeconds: 6 * 3600,
  /** After this many attempts the record waits for a person. */
  maxAttempts: 10,
  /** Errors no retry heals: the record waits for a person at once. */
  final: new Set(["UNSUPPORTED_BY_PROVIDER", "REFUND_SHORTFALL", "HOLD_EXPIRED", "PROVIDER_REJECTED"]),
} as const;

/** When attempt `attempts + 1` is due after a failure with `code`, or null when it waits for a person. */
export function nextRetryAt(attempts: number, code: string, now: Date): Date | null {
  if (RETRY_RULES.final.has(code) || attempts >= RETRY_RULES.maxAttempts) return null;
  const seconds = Math.min(RETRY_RULES.firstSeconds * 2 ** Math.max(0, attempts - 1), RETRY_RULES.maxSeconds);
  return new Date(now.getTime() + seconds * 1000);
}
