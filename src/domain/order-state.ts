import { ConflictError } from "./errors.ts";

/** A new order is CALCULATED: it is stored once priced, never as a draft. */
export const ORDER_STATUSES = [
  "CALCULATED",
  "BONUSES_HELD",
  /** Confirmed in a shop that takes prepayment: waits for the buyer's payment before it is placed. */
  "AWAITING_PAYMENT",
  "PLACED",
  "READY",
  "IN_DELIVERY",
  "COMPLETED",
  "CANCELLED",
  "PARTIALLY_REFUNDED",
  "REFUNDED",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const OPEN_STATUSES: readonly OrderStatus[] = [
  "CALCULATED",
  "BONUSES_HELD",
  "AWAITING_PAYMENT",
  "PLACED",
  "READY",
  "IN_DELIVERY",
];

/** Every legal move of an order, in the manner of Vendure's order state machine. */
export const ORDER_TRANSITIONS: Record<OrderStatus, { to: OrderStatus[] }> = {
  CALCULATED: { to: ["CALCULATED", "BONUSES_HELD", "AWAITING_PAYMENT", "PLACED", "CANCELLED"] },
  BONUSES_HELD: { to: ["CALCULATED", "BONUSES_HELD", "AWAITING_PAYMENT", "PLACED", "CANCELLED"] },
  AWAITING_PAYMENT: { to: ["AWAITING_PAYMENT", "PLACED", "CANCELLED"] },
  PLACED: { to: ["PLACED", "READY", "IN_DELIVERY", "COMPLETED", "CANCELLED"] },
  READY: { to: ["IN_DELIVERY", "COMPLETED", "CANCELLED"] },
  IN_DELIVERY: { to: ["COMPLETED", "CANCELLED"] },
  COMPLETED: { to: ["PARTIALLY_REFUNDED", "REFUNDED"] },
  PARTIALLY_REFUNDED: { to: ["PARTIALLY_REFUNDED", "REFUNDED"] },
  CANCELLED: { to: [] },
  REFUNDED: { to: [] },
};

export class InvalidStateError extends ConflictError {
  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super("INVALID_STATE", `an order that is ${from} cannot become ${to}`);
  }
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return ORDER_TRANSITIONS[from].to.includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new InvalidStateError(from, to);
}

export function isOpen(status: OrderStatus): boolean {
  return OPEN_STATUSES.includes(status);
}
