import type { OrderStatus } from "./order-state.ts";
import type { Calculation } from "./ports/loyalty-provider.port.ts";

export interface OrderLine {
  lineId: string;
  productId: string;
  name: string | null;
  quantity: number;
  unitPrice: number;
  /** Money already refunded on this line. */
  refunded?: number;
  /** The list amount (unit price × quantity) already returned on this line. */
  refundedSubtotal?: number;
}

export interface Fulfilment {
  kind: "PICKUP" | "DELIVERY";
  storeId?: string | null;
  address?: { city: string; street: string; house: string; apartment?: string | null } | null;
  windowFrom?: string | null;
  windowTo?: string | null;
  recipientName?: string | null;
  recipientPhone?: string | null;
}

export interface Contact {
  name?: string | null;
  phone?: string | null;
  /** Where the shop's receipts go, when it sends them by e-mail. */
  email?: string | null;
}

export interface OrderRecord {
  id: string;
  shopId: string;
  customerId: string | null;
  phone: string | null;
  telegramUserId: string | null;
  status: OrderStatus;
  vendorStatus: string | null;
  loyaltyProviderId: string;
  orderProviderId: string | null;
  currency: string;
  lines: OrderLine[];
  calculation: Calculation | null;
  fulfilment: Fulfilment;
  contact: Contact;
  comment: string | null;
  redeemPoints: number;
  /** What the customer asked to redeem; a changed cart holds this much again, capped at its maximum. */
  requestedPoints: number;
  pointsRedeemed: number;
  pointsEarned: number;
  refundedAmount: number;
  /** Points refunds should have taken back and could not (the shop's REVOKE_AVAILABLE policy). */
  refundShortfallPoints: number;
  /** What became of a delivery, as the order system reported it, and when; null until it says. */
  deliveryStatus: DeliveryStatus | null;
  deliveryStatusAt: Date | null;
  /** The lines as placed, kept when the florist changed the order (then `lines` are what was sold). */
  placedLines: OrderLine[] | null;
  /** The points held for the order, or null. */
  hold: Hold | null;
  loyaltyRef: string | null;
  orderRef: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A move the buyer is told of by name, beside the free-text cause. */
export type OrderEvent =
  /** A refund of another order took the customer's balance below this order's held points. */
  | "HOLD_LOST"
  /** The checkout was left unplaced past the shop's checkoutTtlMinutes: points released, order cancelled. */
  | "EXPIRED"
  /** The order system reports the delivery handed over, or that it could not be. */
  | "DELIVERED"
  | "NOT_DELIVERED"
  /** The florist changed the lines or amounts before completion; the sale was recorded as sold. */
  | "SOLD_AS_CHANGED"
  /** The buyer's payment was declined or lapsed at the PSP: the order still waits; pay again or cancel. */
  | "PAYMENT_DECLINED"
  /** The money held for the order was taken (captured) at the shop's capture moment. */
  | "PAYMENT_CAPTURED";

export const DELIVERY_STATUSES = ["DELIVERED", "NOT_DELIVERED"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * An order's points hold, one value: who keeps it (the vendor, or the gateway's ledger where the vendor
 * has no hold), the vendor's reference or the ledger's key, the points, and when the vendor lets it lapse.
 */
export interface Hold {
  kind: "vendor" | "ledger";
  ref: string;
  points: number;
  expiresAt: Date | null;
}

/** What an order stores when its hold is gone: no hold, and no points to redeem. */
export const HOLD_RELEASED = { hold: null, redeemPoints: 0 } as const;

/** The points an order holds. */
export const heldPoints = (order: { hold: Hold | null }): number => order.hold?.points ?? 0;

/**
 * Where the order stands in the provider's books: points the vendor holds, the purchase recorded, money
 * and points given back, points accrued at completion, a purchase cancelled. The customer's balance at
 * the provider moved exactly when this changes (a hold the gateway's ledger keeps is not in the books).
 */
export function booksPosition(order: OrderRecord): string {
  const accrued = ["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.status);
  const cancelledPurchase = order.status === "CANCELLED" && order.loyaltyRef !== null;
  return JSON.stringify([
    order.hold?.kind === "vendor" ? order.hold.points : 0,
    order.loyaltyRef,
    order.pointsRedeemed,
    order.refundedAmount,
    accrued,
    cancelledPurchase,
  ]);
}

export interface TransitionRecord {
  from: OrderStatus | null;
  to: OrderStatus;
  cause: string;
  event: OrderEvent | null;
  vendorStatus: string | null;
  at: Date;
}

export type OrderPatch = Partial<Omit<OrderRecord, "id" | "shopId" | "version" | "createdAt" | "updatedAt">>;

/** Thrown when an order changed between read and write; the caller reads again. */
export class ConcurrentUpdateError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} changed concurrently`);
  }
}
