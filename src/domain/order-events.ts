import type { OrderRecord } from "./order.ts";

/** Where order changes are announced, after they are stored. The domain knows only this port. */
export interface OrderEvents {
  statusChanged(order: OrderRecord): void;
  /** Points were spent, earned or given back for the order's customer. */
  balanceChanged(order: OrderRecord): void;
}

export const NO_ORDER_EVENTS: OrderEvents = { statusChanged: () => {}, balanceChanged: () => {} };
