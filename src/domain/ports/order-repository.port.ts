import type { OrderStatus } from "../order-state.ts";
import type { OrderEvent, OrderPatch, OrderRecord, TransitionRecord } from "../order.ts";

/** Where orders and their history are kept; every write checks the version it read. */
export interface OrderRepository {
  create(order: Omit<OrderRecord, "version" | "createdAt" | "updatedAt">, cause: string): Promise<OrderRecord>;
  get(id: string): Promise<OrderRecord | null>;
  /** Several orders in one read; unknown ids are left out. */
  getMany(ids: readonly string[]): Promise<OrderRecord[]>;
  /** Applies `patch` if the order is still at its version; `transition` also writes a history row, with `event`. */
  update(
    order: OrderRecord,
    patch: OrderPatch,
    cause: string,
    transition: boolean,
    event?: OrderEvent | null,
  ): Promise<OrderRecord>;
  transitions(orderId: string): Promise<TransitionRecord[]>;
  /** Points the gateway's ledger holds for this customer at this provider, on open orders other than `excludeOrderId`. */
  ledgerHeldPoints(providerInstanceId: string, phone: string, excludeOrderId: string): Promise<number>;
  /** The open orders of this customer at this provider whose points the gateway's ledger holds, oldest first. */
  ledgerHolds(providerInstanceId: string, phone: string): Promise<OrderRecord[]>;
  /**
   * A shop's orders in `statuses` (not yet placed: CALCULATED, BONUSES_HELD, or AWAITING_PAYMENT) whose
   * last change is older than `before`, oldest first.
   */
  unplacedSince(shopId: string, statuses: readonly OrderStatus[], before: Date, limit: number): Promise<OrderRecord[]>;
  /** Newest first, `limit + 1` rows so the caller knows whether there is a next page. */
  listFor(
    owner: { customerIds: string[]; telegramUserId: string | null },
    limit: number,
    before?: { createdAt: Date; id: string },
  ): Promise<OrderRecord[]>;
}
