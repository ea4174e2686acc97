import type { CustomerService } from "./customer.service.ts";
import { AccessError, NotFoundError } from "./errors.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import type { OrderRecord } from "./order.ts";
import type { RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";
import { hasScope } from "./viewer.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

/**
 * Who may read and change an order, in one place, and the lock that serialises changes to one order
 * within this process (other instances are fenced by the order's version).
 */
export class OrderAccess {
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly orders: OrderRepository,
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
  ) {}

  /**
   * A Mini App user owns the orders they placed, and the orders a service placed for the phone linked to
   * them now; orders another Telegram user placed stay theirs after a re-link.
   */
  async owns(scope: RequestScope, order: OrderRecord): Promise<boolean> {
    const { viewer } = scope;
    if (viewer.kind !== "telegram") return false;
    if (order.telegramUserId !== null) return order.telegramUserId === viewer.telegramUserId;
    return order.customerId !== null && (await this.customers.me(scope, order.shopId))?.id === order.customerId;
  }

  /** A Mini App user reads what they own; a service reads any order with `orders:read`, as the schema says. */
  async canRead(scope: RequestScope, order: OrderRecord): Promise<boolean> {
    if (scope.viewer.kind === "telegram") return this.owns(scope, order);
    return hasScope(scope.viewer, SCOPES.ordersRead);
  }

  /** Placing an order needs a signed-in Mini App user or a service with `orders:write`. */
  assertCanPlace(scope: RequestScope): void {
    if (scope.viewer.kind === "anonymous") throw new AccessError("UNAUTHENTICATED", "sign in to place an order");
    if (scope.viewer.kind === "service" && !hasScope(scope.viewer, SCOPES.ordersWrite)) {
      throw new AccessError("FORBIDDEN", `needs the ${SCOPES.ordersWrite} scope`);
    }
  }

  async read(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    const order = await this.orders.get(orderId);
    if (!order || !(await this.canRead(scope, order)))
      throw new NotFoundError("NOT_FOUND", `order ${orderId} not found`);
    return order;
  }

  /**
   * Loads the order the viewer may change, serialises changes to it, and runs `work` on a fresh read.
   * `orders:manage` work (complete, refund) is the shop's alone.
   */
  change(
    scope: RequestScope,
    orderId: string,
    work: (order: OrderRecord, shop: Shop) => Promise<OrderRecord>,
    serviceScope: string = SCOPES.ordersWrite,
  ): Promise<OrderRecord> {
    return this.locks.run(orderId, async () => {
      const order = await this.orders.get(orderId);
      const { viewer } = scope;
      const mayAct = viewer.kind === "telegram" ? order && (await this.owns(scope, order)) : viewer.kind === "service";
      if (!order || !mayAct) throw new NotFoundError("NOT_FOUND", `order ${orderId} not found`);
      if (viewer.kind === "service" && !hasScope(viewer, serviceScope)) {
        throw new AccessError("FORBIDDEN", `needs the ${serviceScope} scope`);
      }
      if (scope.viewer.kind === "telegram" && serviceScope === SCOPES.ordersManage) {
        throw new AccessError("FORBIDDEN", "only the shop may do this");
      }
      return work(order, this.shops.get(order.shopId));
    });
  }

  /** Serialises a change the gateway makes on its own account (a vendor's report). */
  locked<T>(orderId: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(orderId, work);
  }
}
