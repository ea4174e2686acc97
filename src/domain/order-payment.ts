import type { OrderRecord } from "./order.ts";
import type { PaymentRecord } from "./payment.ts";

/**
 * What the customer has paid for an order, from what the gateway moved and gave back: UNPAID (nothing
 * yet, or all of it came back: a cancelled or wholly refunded order), POINTS_ONLY (points were spent at
 * the provider; the money part is paid at pickup or delivery), PAID (nothing is left to pay: the points
 * covered it all, or the sale was completed, which means the shop took the rest, and not all of it came
 * back), or the buyer paid ahead through the shop's PSP (the money is held or taken). The gateway
 * records no money payment it did not see.
 */
export type PaymentState = "UNPAID" | "POINTS_ONLY" | "PAID";

export function paymentState(order: OrderRecord, payment: PaymentRecord | null = null): PaymentState {
  if (order.status === "REFUNDED" || order.status === "CANCELLED") return "UNPAID";
  if (payment?.status === "AUTHORIZED" || payment?.status === "CAPTURED") return "PAID";
  if (order.status === "COMPLETED" || order.status === "PARTIALLY_REFUNDED") return "PAID";
  if (order.pointsRedeemed === 0 || !order.loyaltyRef) return "UNPAID";
  return (order.calculation?.total ?? 0) === 0 ? "PAID" : "POINTS_ONLY";
}
