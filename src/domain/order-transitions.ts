import { CrashPoints } from "./crash-points.ts";
import { NO_ORDER_EVENTS, type OrderEvents } from "./order-events.ts";
import { assertTransition, InvalidStateError, type OrderStatus } from "./order-state.ts";
import { booksPosition, type OrderEvent, type OrderPatch, type OrderRecord } from "./order.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

type Draft = Omit<OrderRecord, "version" | "createdAt" | "updatedAt">;

/**
 * The one authority over an order's status, in the manner of Vendure's `transitionToState`: every move
 * is checked against the transition table, stored with its cause, and announced after the database
 * commit. Nothing else writes `status`.
 */
export class OrderTransitions {
  constructor(
    private readonly orders: OrderRepository,
    private readonly events: OrderEvents = NO_ORDER_EVENTS,
    private readonly crash: CrashPoints = new CrashPoints(),
  ) {}

  /** Stores a new order in its first status, CALCULATED: it is stored once priced. */
  create(draft: Draft, cause: string): Promise<OrderRecord> {
    if (draft.status !== "CALCULATED") throw new InvalidStateError(draft.status, "CALCULATED");
    return this.orders.create(draft, cause);
  }

  /**
   * Moves the order to `to` with `patch`; the move goes into the order's history. Staying in the same
   * status is no move: the patch is stored, and a changed vendor status is still announced.
   */
  async transition(
    order: OrderRecord,
    to: OrderStatus,
    patch: Omit<OrderPatch, "status">,
    cause: string,
    /**
     * `inHistory`: a change worth a line in the history even where the status stays (a changed cart).
     * `event`: a move the buyer is told of by name; it is recorded and announced even where the status stays.
     */
    opts: { inHistory?: boolean; event?: OrderEvent } = {},
  ): Promise<OrderRecord> {
    const event = opts.event ?? null;
    if (to === order.status) return this.store(order, patch, cause, opts.inHistory === true || event !== null, event);
    assertTransition(order.status, to);
    return this.store(order, { ...patch, status: to }, cause, true, event);
  }

  /**
   * The order system reported `vendorStatus` (status sync or webhook): the report goes into the history
   * with the unified status it maps to, which may be the current one.
   */
  async vendorReport(order: OrderRecord, to: OrderStatus, vendorStatus: string, cause: string): Promise<OrderRecord> {
    if (to === order.status && vendorStatus === order.vendorStatus) return order;
    if (to !== order.status) assertTransition(order.status, to);
    return this.store(order, { status: to, vendorStatus }, cause, true);
  }

  /** Changes what is not the status: references, holds, lines, the calculation. */
  amend(order: OrderRecord, patch: Omit<OrderPatch, "status" | "vendorStatus">, cause: string): Promise<OrderRecord> {
    return this.store(order, patch, cause, false);
  }

  private async store(
    order: OrderRecord,
    given: OrderPatch,
    cause: string,
    history: boolean,
    event: OrderEvent | null = null,
  ): Promise<OrderRecord> {
    // A write that changes nothing is not made: it would move the order's version, and with it the
    // ledger keys that let a retried request find the outcome of its earlier attempt.
    const patch = changed(order, given);
    if (!history && Object.keys(patch).length === 0) return order;
    this.crash.reach("before-status");
    const saved = await this.orders.update(order, patch, cause, history, event);
    if (saved.status !== order.status || saved.vendorStatus !== order.vendorStatus || event)
      this.events.statusChanged(saved);
    return saved;
  }

  /**
   * Announces one change of the customer's points for a whole command: a command makes several writes
   * (a commit, then the status), and the customer hears of the balance once, when its books moved.
   */
  booksMoved(before: OrderRecord, after: OrderRecord): void {
    if (booksPosition(before) !== booksPosition(after)) this.events.balanceChanged(after);
  }
}

function changed(order: OrderRecord, patch: OrderPatch): OrderPatch {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const before = (order as unknown as Record<string, unknown>)[key];
    const same =
      value instanceof Date || before instanceof Date
        ? (value as Date | null)?.getTime?.() === (before as Date | null)?.getTime?.()
        : JSON.stringify(value) === JSON.stringify(before);
    if (!same) out[key] = value;
  }
  return out;
}
