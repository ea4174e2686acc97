import { canTransition, type OrderStatus } from "./order-state.ts";
import type { OrderAccess } from "./order-access.ts";
import { isPlaced } from "./order-process.ts";
import { captureDue } from "./order-payments.ts";
import type { OrderProcess } from "./order-process.runner.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { OrderRecord } from "./order.ts";
import { createRequestScope, type RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

/**
 * The shop's side of an order once it is placed: completion and refunds (commands of the order
 * process, order-process.ts), and the order system's own reports (status sync and webhooks).
 */
export interface FulfilmentOptions {
  shops: ShopDirectory;
  process: OrderProcess;
  access: OrderAccess;
  transitions: OrderTransitions;
  orders: OrderRepository;
  now?: () => Date;
}

export class FulfilmentService {
  private readonly now: () => Date;

  constructor(private readonly o: FulfilmentOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** The order is done: the order system is told (unless it is the one reporting it), and late flows commit. */
  complete(scope: RequestScope, orderId: string, cause?: string, reported = false): Promise<OrderRecord> {
    return this.o.process.run("complete", scope, orderId, { reported, ...(cause ? { cause } : {}) });
  }

  /** Returns the whole order (what is left of it), or some lines by quantity, where the provider can. */
  refund(
    scope: RequestScope,
    orderId: string,
    lines: Array<{ lineId: string; quantity: number }> | null | undefined,
    reported = false,
  ): Promise<OrderRecord> {
    return this.o.process.run("refund", scope, orderId, { lines: lines ?? null, reported });
  }

  /**
   * The order system reported a status (status sync or webhook): the vendor's status is recorded, and
   * the unified one follows where the lifecycle allows, with loyalty following it (completion commits,
   * cancellation releases or refunds, a return refunds). Repeating the same report changes nothing.
   */
  async applyVendorStatus(
    orderId: string,
    vendorStatus: string,
    from: { adapter: string; instanceId?: string },
    source: string,
    deliveryStatus: string | null = null,
  ): Promise<OrderRecord | null> {
    const after = await this.followStatus(orderId, vendorStatus, from, source);
    return after && deliveryStatus ? this.noteDelivery(after, deliveryStatus, source) : after;
  }

  private async followStatus(
    orderId: string,
    vendorStatus: string,
    from: { adapter: string; instanceId?: string },
    source: string,
  ): Promise<OrderRecord | null> {
    const order = await this.o.orders.get(orderId);
    if (!order) return null;
    // A report counts only from the order system that holds this order: a vendor's webhook or poller
    // never touches another vendor's (or another instance's) orders.
    const system = this.o.shops.get(order.shopId).orders;
    const ours =
      system !== null &&
      system.instanceId === order.orderProviderId &&
      system.adapter === from.adapter &&
      (from.instanceId === undefined || from.instanceId === system.instanceId);
    if (!ours) return null;
    let unified: OrderStatus | undefined = system.statusMap[vendorStatus];
    const scope = systemScope(source);
    const cause = `sync: ${source} ${vendorStatus}`;
    // Only confirmOrder places an order (it commits loyalty on the way); before that, the order system's
    // status is noted, and only a cancellation is followed.
    if (!isPlaced(order) && unified !== "CANCELLED") unified = undefined;
    const note = (o: OrderRecord) => this.noteVendor(o, vendorStatus, cause);
    if (unified === "COMPLETED" && canTransition(order.status, "COMPLETED"))
      return this.complete(scope, orderId, cause, true).then(note);
    if (unified === "CANCELLED" && canTransition(order.status, "CANCELLED")) {
      return this.o.process
        .run("cancel", scope, orderId, { reason: `${source} ${vendorStatus}`, cause: "sync" })
        .then(note);
    }
    if (unified === "REFUNDED" && canTransition(order.status, "REFUNDED"))
      return this.refund(scope, orderId, null, true).then(note);
    const moved = await this.o.access.locked(orderId, async () => {
      const fresh = (await this.o.orders.get(orderId))!;
      const to = unified && unified !== fresh.status && canTransition(fresh.status, unified) ? unified : fresh.status;
      return this.o.transitions.vendorReport(fresh, to, vendorStatus, cause);
    });
    // The shop's capture moment may have come (AT_READY): a failure is the follow-up's to retry.
    const shop = this.o.shops.get(moved.shopId);
    if (shop.payment && captureDue(shop, moved.status)) return this.o.process.run("capture", scope, orderId);
    return moved;
  }

  /** A delivery outcome the order system reported is kept with its time and told to subscribers, once. */
  private noteDelivery(order: OrderRecord, deliveryStatus: string, source: string): Promise<OrderRecord> {
    const outcome = this.o.shops.get(order.shopId).orders?.deliveryMap[deliveryStatus];
    if (!outcome || outcome === order.deliveryStatus || order.fulfilment.kind !== "DELIVERY")
      return Promise.resolve(order);
    return this.o.access.locked(order.id, async () => {
      const fresh = (await this.o.orders.get(order.id))!;
      if (fresh.deliveryStatus === outcome) return fresh;
      return this.o.transitions.transition(
        fresh,
        fresh.status,
        { deliveryStatus: outcome, deliveryStatusAt: this.now() },
        `sync: ${source} delivery ${deliveryStatus}`,
        { event: outcome },
      );
    });
  }

  private noteVendor(order: OrderRecord, vendorStatus: string, cause: string): Promise<OrderRecord> {
    if (order.vendorStatus === vendorStatus) return Promise.resolve(order);
    return this.o.access.locked(order.id, async () => {
      const fresh = (await this.o.orders.get(order.id))!;
      return this.o.transitions.vendorReport(fresh, fresh.status, vendorStatus, cause);
    });
  }
}

/** The gateway itself acting on an order system's report. */
function systemScope(source: string): RequestScope {
  return createRequestScope({
    kind: "service",
    name: `sync:${source}`,
    scopes: new Set([SCOPES.ordersRead, SCOPES.ordersWrite, SCOPES.ordersManage]),
  });
}
