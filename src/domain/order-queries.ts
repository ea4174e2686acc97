import type { CustomerService } from "./customer.service.ts";
import { AccessError } from "./errors.ts";
import type { OrderAccess } from "./order-access.ts";
import type { OrderRecord, OrderRepository, TransitionRecord } from "./order.ts";
import type { RequestScope } from "./request-scope.ts";
import type { ShopDirectory } from "./shop-directory.ts";

/** Reading orders: one by id, the viewer's own, and an order's history. */
export class OrderQueries {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly access: OrderAccess,
    private readonly orders: OrderRepository,
  ) {}

  get(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    return this.access.read(scope, orderId);
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
