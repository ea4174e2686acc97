import type { OrderRecord } from "./order.ts";

/**
 * What the customer has paid for an order, from what the gateway moved: UNPAID (nothing yet, or all of it
 * came back), POINTS_ONLY (points were spent at the provider; the money part is paid at pickup or
 * delivery), PAID (nothing is left to pay: the points covered it all, or the sale was completed, which
 * means the shop took the rest). The gateway records no money payment it did not see.
 */
export type PaymentState = "UNPAID" | "POINTS_ONLY" | "PAID";

export function paymentState(order: OrderRecord): PaymentState {
  if (order.status === "COMPLETED" || order.status === "PARTIALLY_REFUNDED" || order.status === "REFUNDED")
    return "PAID";
  if (order.status === "CANCELLED" || order.pointsRedeemed === 0 || !order.loyaltyRef) return "UNPAID";
  return (order.calculation?.total ?? 0) === 0 ? "PAID" : "POINTS_ONLY";
}
