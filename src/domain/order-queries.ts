import DataLoader from "dataloader";
import type { CustomerService } from "./customer.service.ts";
import { AccessError, NotFoundError } from "./errors.ts";
import type { OrderAccess } from "./order-access.ts";
import type { OrderRecord, TransitionRecord } from "./order.ts";
import type { RequestScope } from "./request-scope.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

/** How long subscribers' order reads wait to be batched together. */
const WATCH_WINDOW_MS = 2;
/** Subscribers' calls in one batch (duplicates included), and distinct orders in one query. */
const WATCH_BATCH_MAX = 20_000;
const WATCH_READ_MAX = 500;

/** Reading orders: one by id, the viewer's own, and an order's history. */
export class OrderQueries {
  /**
   * Subscribers' reads, batched over WATCH_WINDOW_MS across every subscriber: a status change watched by
   * a hundred streams is one query, not a hundred. Nothing is cached: each batch is read after all its
   * callers asked, so every one of them sees the order as of its own call or later.
   */
  private readonly fresh: DataLoader<string, OrderRecord | null>;

  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly access: OrderAccess,
    private readonly orders: OrderRepository,
  ) {
    this.fresh = new DataLoader(
      async (ids) => {
        // A batch holds every subscriber's call (a hundred streams of one order are a hundred keys); the
        // distinct orders are read at most WATCH_READ_MAX to a query.
        const distinct = [...new Set(ids)];
        const found = new Map<string, OrderRecord>();
        for (let i = 0; i < distinct.length; i += WATCH_READ_MAX)
          for (const o of await orders.getMany(distinct.slice(i, i + WATCH_READ_MAX))) found.set(o.id, o);
        return ids.map((id) => found.get(id) ?? null);
      },
      // A 2 ms window rather than one event-loop turn: a storm's status changes reach the gateway as
      // separate pubsub messages, and their subscribers' reads then share a query or a few.
      { cache: false, maxBatchSize: WATCH_BATCH_MAX, batchScheduleFn: (run) => setTimeout(run, WATCH_WINDOW_MS) },
    );
  }

  get(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    return this.access.read(scope, orderId);
  }

  /** The order now, for a subscriber: the same answer as `get`, from a read shared with other subscribers. */
  async watch(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    const order = await this.fresh.load(orderId);
    if (!order || !(await this.access.canRead(scope, order)))
      throw new NotFoundError("NOT_FOUND", `order ${orderId} not found`);
    return order;
  }

  transitions(orderId: string): Promise<TransitionRecord[]> {
    return this.orders.transitions(orderId);
  }

  async list(
    scope: RequestScope,
    shopId: string,
    first: number,
    before?: { createdAt: Date; id: string },
  ): Promise<{ orders: OrderRecord[]; hasMore: boolean }> {
    const shop = this.shops.get(shopId);
    if (scope.viewer.kind !== "telegram") throw new AccessError("UNAUTHENTICATED", "myOrders needs Mini App initData");
    const me = await this.customers.me(scope, shop.id);
    const rows = await this.orders.listFor(
      { customerIds: me ? [me.id] : [], telegramUserId: scope.viewer.telegramUserId },
      first,
      before,
    );
    return { orders: rows.slice(0, first).filter((o) => o.shopId === shop.id), hasMore: rows.length > first };
  }
}
