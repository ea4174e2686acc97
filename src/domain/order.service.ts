import { randomUUID } from "node:crypto";
import { SCOPES } from "../auth/scopes.ts";
import { hasScope } from "../auth/viewer.ts";
import type { OrderLine, OrderPatch, OrderRecord, OrderRepository } from "../persistence/order.repository.ts";
import type { OrderProvider } from "../providers/order-port.ts";
import type { CustomerService } from "./customer.service.ts";
import { toLines } from "./cart.ts";
import type { CartPricing } from "./cart-pricing.ts";
import { AccessError, ConflictError, InvalidInputError, LoyaltyRuleError, NotFoundError, ProviderError } from "./errors.ts";
import type { CreateOrderInput } from "./order-input.ts";
import type { OrderLoyalty } from "./order-loyalty.ts";
import { assertTransition, canTransition, isOpen, type OrderStatus } from "./order-state.ts";
import type { LoyaltyService } from "./loyalty.service.ts";
import { createRequestScope, type RequestScope } from "./request-scope.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";
import { CrashPoints } from "./crash-points.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { NO_ORDER_EVENTS, type OrderEvents } from "./order-events.ts";

/**
 * Places and changes orders: the cart is priced by the loyalty provider, points are held, the order is
 * created in the shop's order system, and the purchase is committed when the provider's flow says so.
 * Each loyalty move goes through the ledger; each status change is recorded with its cause.
 */
export class OrderService {
  private readonly locks = new KeyedMutex();

  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly pricing: LoyaltyService,
    private readonly cartPricing: CartPricing,
    private readonly loyalty: OrderLoyalty,
    private readonly orders: OrderRepository,
    private readonly crash: CrashPoints = new CrashPoints(),
    private readonly events: OrderEvents = NO_ORDER_EVENTS,
  ) {}

  async create(scope: RequestScope, input: CreateOrderInput): Promise<OrderRecord> {
    const shop = this.shops.get(input.shopId);
    if (scope.viewer.kind === "anonymous") throw new AccessError("UNAUTHENTICATED", "sign in to place an order");
    if (scope.viewer.kind === "service" && !hasScope(scope.viewer, SCOPES.ordersWrite)) throw new AccessError("FORBIDDEN", `needs the ${SCOPES.ordersWrite} scope`);
    const phone = await this.customers.actingPhone(scope, shop.id, input.phone, SCOPES.ordersWrite);
    const customer = phone ? await this.customers.ensure(shop.id, phone) : null;
    const provider = shop.loyalty[0]!;
    const lines: OrderLine[] = toLines(await this.priceLines(scope, shop, input.lines, input.fulfilment));
    const draft = {
      id: randomUUID(),
      shopId: shop.id,
      customerId: customer?.id ?? null,
      phone,
      telegramUserId: scope.viewer.kind === "telegram" ? scope.viewer.telegramUserId : null,
      status: "CALCULATED" as OrderStatus,
      vendorStatus: null,
      loyaltyProviderId: provider.instanceId,
      orderProviderId: shop.orders?.instanceId ?? null,
      currency: shop.currency,
      lines,
      calculation: null,
      fulfilment: input.fulfilment,
      contact: { name: input.contact.name ?? null, phone: input.contact.phone ?? null },
      comment: input.comment ?? null,
      redeemPoints: 0, pointsHeld: 0, pointsRedeemed: 0, pointsEarned: 0, refundedAmount: 0,
      holdId: null, holdExpiresAt: null, loyaltyRef: null, orderRef: null,
    };
    const calculation = await this.pricing.price(provider, this.loyalty.cart(draft, 0));
    return this.orders.create({ ...draft, calculation }, "createOrder");
  }

  /** Catalog prices for the store that fulfils the order: the pickup store, or the order system's delivery store. */
  private priceLines(scope: RequestScope, shop: Shop, lines: CreateOrderInput["lines"], fulfilment: { kind: string; storeId?: string | null }, path = "input.lines") {
    const storeId = fulfilment.kind === "PICKUP" ? fulfilment.storeId ?? null : shop.orders?.deliveryStoreId ?? null;
    return this.cartPricing.price(scope, shop, lines, storeId, { checkStock: true, path });
  }

  async get(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    const order = await this.orders.get(orderId);
    if (!order || !this.canRead(scope, order)) throw new NotFoundError("NOT_FOUND", `order ${orderId} not found`);
    return order;
  }

  /** Recalculates with `points` redeemed, checks them against the provider's maximum, and holds them. */
  applyBonuses(scope: RequestScope, orderId: string, points: number): Promise<OrderRecord> {
    return this.change(scope, orderId, async (order, shop) => {
      if (order.status !== "CALCULATED" && order.status !== "BONUSES_HELD") assertTransition(order.status, "BONUSES_HELD");
      if (points > 0 && !order.phone) throw new InvalidInputError("points can be redeemed only for a known customer", [{ path: "points", message: "link a phone first" }]);
      if (points === order.pointsHeld && order.calculation?.redeemedPoints === points) return order;
      const provider = this.provider(shop, order);
      // The old hold goes first: the provider would otherwise count it against the new amount.
      let current = order;
      if (order.holdId) {
        await this.loyalty.release(order, provider);
        current = await this.save(order, { holdId: null, pointsHeld: 0, holdExpiresAt: null, status: "CALCULATED", redeemPoints: 0 }, "applyBonuses: release");
      }
      const calculation = await this.pricing.price(provider, this.loyalty.cart(current, points));
      if (points === 0) return this.save(current, { calculation }, "applyBonuses");
      const hold = await this.loyalty.hold(current, provider, points);
      return this.save(current, { calculation, status: "BONUSES_HELD", redeemPoints: points, pointsHeld: points, holdId: hold.holdId, holdExpiresAt: hold.expiresAt }, "applyBonuses");
    });
  }

  /** Creates the order in the shop's order system and moves loyalty to the provider's confirmation step. */
  confirm(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    return this.change(scope, orderId, async (order, shop) => {
      assertTransition(order.status, "PLACED");
      const provider = this.provider(shop, order);
      let current = await this.renewExpiredHold(order, provider);
      if (shop.orders && !current.orderRef) {
        const created = await shop.orders.createOrder(this.providerOrder(current));
        current = await this.save(current, { orderRef: created.reference, vendorStatus: created.vendorStatus }, "confirmOrder: order system");
      }
      const flow = this.loyalty.flow(provider);
      if (flow.commitAt === "CONFIRM" && current.phone && !current.loyaltyRef && (current.redeemPoints > 0 || provider.adapter !== "posiflora")) {
        const receipt = await this.loyalty.commit(current, provider);
        current = await this.save(current, { loyaltyRef: receipt.reference, pointsRedeemed: receipt.pointsRedeemed, pointsEarned: receipt.pointsEarned, pointsHeld: 0 }, "confirmOrder: commit");
      }
      return this.save(current, { status: "PLACED" }, "confirmOrder");
    });
  }

  /** A changed cart: the hold is released (r_keeper: reset), the cart recalculated, and the points held again. */
  updateItems(scope: RequestScope, orderId: string, lines: CreateOrderInput["lines"]): Promise<OrderRecord> {
    return this.change(scope, orderId, async (order, shop) => {
      if (!["CALCULATED", "BONUSES_HELD"].includes(order.status) || order.loyaltyRef || order.orderRef) {
        throw new ConflictError("INVALID_STATE", `an order that is ${order.status} can no longer change its items`);
      }
      const priced = toLines(await this.priceLines(scope, shop, lines, order.fulfilment, "lines"));
      const provider = this.provider(shop, order);
      const points = order.pointsHeld;
      await this.loyalty.release(order, provider);
      const reset = await this.save(order, { lines: priced, holdId: null, pointsHeld: 0, holdExpiresAt: null, status: "CALCULATED", redeemPoints: 0 }, "updateOrderItems: release");
      // One vendor call when the held points still fit; a refusal says how many do.
      let keep = points;
      let calculation = await this.pricing.price(provider, this.loyalty.cart(reset, keep)).catch((error: unknown) => {
        if (!(error instanceof LoyaltyRuleError)) throw error;
        keep = Math.min(points, error.maxRedeemablePoints ?? 0);
        return null;
      });
      calculation ??= await this.pricing.price(provider, this.loyalty.cart(reset, keep));
      if (keep === 0) return this.save(reset, { calculation }, "updateOrderItems");
      const hold = await this.loyalty.hold({ ...reset, calculation }, provider, keep);
      return this.save(reset, { calculation, status: "BONUSES_HELD", redeemPoints: keep, pointsHeld: keep, holdId: hold.holdId, holdExpiresAt: hold.expiresAt }, "updateOrderItems");
    });
  }

  /** Releases held points (or refunds a purchase already committed) and cancels in the order system. */
  cancel(scope: RequestScope, orderId: string, reason: string, cause = "cancelOrder"): Promise<OrderRecord> {
    return this.change(scope, orderId, async (order, shop) => {
      if (!isOpen(order.status)) assertTransition(order.status, "CANCELLED");
      const provider = this.provider(shop, order);
      if (order.loyaltyRef) {
        if (provider.capabilities.refund === "NONE") {
          throw new ProviderError("UNSUPPORTED_BY_PROVIDER", `${provider.instanceId} cannot return points already spent; the order cannot be cancelled here`, provider.instanceId);
        }
        await this.loyalty.refund(order, provider, undefined);
      } else {
        await this.loyalty.release(order, provider);
      }
      let vendorStatus = order.vendorStatus;
      if (shop.orders && order.orderRef) vendorStatus = (await shop.orders.cancelOrder(order.id, reason)).vendorStatus;
      return this.save(order, { status: "CANCELLED", pointsHeld: 0, holdId: null, vendorStatus }, `${cause}: ${reason}`);
    });
  }

  /** The order is done: providers that held points until now record the purchase. */
  complete(scope: RequestScope, orderId: string, cause = "completeOrder"): Promise<OrderRecord> {
    return this.change(scope, orderId, async (order, shop) => {
      assertTransition(order.status, "COMPLETED");
      const provider = this.provider(shop, order);
      let current = order;
      if (this.loyalty.flow(provider).commitAt === "COMPLETE" && order.phone && !order.loyaltyRef) {
        const receipt = await this.loyalty.commit(order, provider);
        current = await this.save(order, { loyaltyRef: receipt.reference, pointsRedeemed: receipt.pointsRedeemed, pointsEarned: receipt.pointsEarned, pointsHeld: 0, holdId: null }, `${cause}: commit`);
      }
      return this.save(current, { status: "COMPLETED" }, cause);
    }, SCOPES.ordersManage);
  }

  /** Returns the whole order (what is left of it), or some lines by quantity, where the provider can. */
  refund(scope: RequestScope, orderId: string, lines: Array<{ lineId: string; quantity: number }> | null | undefined): Promise<OrderRecord> {
    return this.change(scope, orderId, async (order, shop) => {
      assertTransition(order.status, lines ? "PARTIALLY_REFUNDED" : "REFUNDED");
      const provider = this.provider(shop, order);
      const amounts = this.refundAmounts(order, lines);
      const refunded = amounts.reduce((a, l) => a + l.amount, 0);
      if (refunded === 0) throw new InvalidInputError("nothing is left to refund on these lines", [{ path: "lines", message: "already refunded" }]);
      if (order.loyaltyRef) {
        const partial = provider.capabilities.refund === "PARTIAL";
        if (provider.capabilities.refund === "NONE" || (lines && !partial)) {
          throw new ProviderError("UNSUPPORTED_BY_PROVIDER", `${provider.instanceId} cannot refund ${lines ? "part of a purchase" : "purchases"}`, provider.instanceId);
        }
        await this.loyalty.refund(order, provider, partial ? amounts : undefined);
      }
      const newLines = order.lines.map((l) => ({ ...l, refunded: (l.refunded ?? 0) + (amounts.find((a) => a.lineId === l.lineId)?.amount ?? 0) }));
      const total = order.refundedAmount + refunded;
      const all = newLines.every((l) => l.refunded >= this.linePaid(order, l.lineId));
      return this.save(order, { status: all ? "REFUNDED" : "PARTIALLY_REFUNDED", refundedAmount: total, lines: newLines }, lines ? "refund: lines" : "refund");
    }, SCOPES.ordersManage);
  }

  /**
   * The order system reported a status (status sync or webhook): the vendor's status is recorded, and
   * the unified one follows where the lifecycle allows, with loyalty following it (completion commits,
   * cancellation releases or refunds, a return refunds). Repeating the same report changes nothing.
   */
  async applyVendorStatus(orderId: string, vendorStatus: string, unified: OrderStatus | undefined, source: string): Promise<OrderRecord | null> {
    const order = await this.orders.get(orderId);
    if (!order) return null;
    const scope = systemScope(source);
    const cause = `sync: ${source} ${vendorStatus}`;
    // Only confirmOrder places an order (it commits loyalty on the way); before that, the order system's
    // status is noted, and only a cancellation is followed.
    const placed = !["DRAFT", "CALCULATED", "BONUSES_HELD"].includes(order.status);
    if (!placed && unified !== "CANCELLED") unified = undefined;
    if (unified === "COMPLETED" && canTransition(order.status, "COMPLETED")) return this.complete(scope, orderId, cause).then((o) => this.noteVendor(o, vendorStatus, cause));
    if (unified === "CANCELLED" && canTransition(order.status, "CANCELLED")) return this.cancel(scope, orderId, `${source} ${vendorStatus}`, "sync").then((o) => this.noteVendor(o, vendorStatus, cause));
    if (unified === "REFUNDED" && canTransition(order.status, "REFUNDED")) return this.refund(scope, orderId, null).then((o) => this.noteVendor(o, vendorStatus, cause));
    return this.locks.run(orderId, async () => {
      const fresh = (await this.orders.get(orderId))!;
      const to = unified && unified !== fresh.status && canTransition(fresh.status, unified) ? unified : fresh.status;
      if (to === fresh.status && fresh.vendorStatus === vendorStatus) return fresh;
      return this.save(fresh, { status: to, vendorStatus }, cause);
    });
  }

  private async noteVendor(order: OrderRecord, vendorStatus: string, cause: string): Promise<OrderRecord> {
    if (order.vendorStatus === vendorStatus) return order;
    return this.locks.run(order.id, async () => this.save((await this.orders.get(order.id))!, { vendorStatus }, cause));
  }

  transitions(orderId: string) {
    return this.orders.transitions(orderId);
  }

  async list(scope: RequestScope, shopId: string, first: number, before?: { createdAt: Date; id: string }): Promise<{ orders: OrderRecord[]; hasMore: boolean }> {
    const shop = this.shops.get(shopId);
    if (scope.viewer.kind !== "telegram") throw new AccessError("UNAUTHENTICATED", "myOrders needs Mini App initData");
    const me = await this.customers.me(scope, shop.id);
    const rows = await this.orders.listFor({ customerIds: me ? [me.id] : [], telegramUserId: scope.viewer.telegramUserId }, first, before);
    return { orders: rows.slice(0, first).filter((o) => o.shopId === shop.id), hasMore: rows.length > first };
  }

  /** What the customer paid for a line: its subtotal less discounts and redeemed points. */
  private linePaid(order: OrderRecord, lineId: string): number {
    const line = order.lines.find((l) => l.lineId === lineId)!;
    const calc = order.calculation?.lines.find((c) => c.lineId === lineId);
    return calc ? calc.subtotal - calc.discount - calc.redeemed : line.unitPrice * line.quantity;
  }

  /** Money to refund per line: the rest of every line, or a share by quantity, never more than is left. */
  private refundAmounts(order: OrderRecord, lines: Array<{ lineId: string; quantity: number }> | null | undefined) {
    const wanted = lines ?? order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
    return wanted.map(({ lineId, quantity }, i) => {
      const line = order.lines.find((l) => l.lineId === lineId);
      if (!line) throw new InvalidInputError(`no line ${lineId}`, [{ path: `lines.${i}.lineId`, message: "not a line of this order" }]);
      if (quantity > line.quantity) throw new InvalidInputError(`line ${lineId} has ${line.quantity}`, [{ path: `lines.${i}.quantity`, message: "more than was ordered" }]);
      const paid = this.linePaid(order, lineId);
      const left = paid - (line.refunded ?? 0);
      return { lineId, amount: lines ? Math.min(left, Math.floor((paid * quantity) / line.quantity)) : left };
    }).filter((a) => a.amount > 0);
  }

  /** A hold that ran out before confirmation is made again, or the order answers HOLD_EXPIRED. */
  private async renewExpiredHold(order: OrderRecord, provider: Shop["loyalty"][number]): Promise<OrderRecord> {
    if (!order.holdExpiresAt || order.holdExpiresAt.getTime() > Date.now() || order.pointsHeld === 0) return order;
    try {
      await this.loyalty.release(order, provider);
      const hold = await this.loyalty.hold(order, provider, order.pointsHeld);
      return this.save(order, { holdId: hold.holdId, holdExpiresAt: hold.expiresAt }, "confirmOrder: hold renewed");
    } catch (error) {
      if (error instanceof ProviderError && (error.code === "INSUFFICIENT_BONUSES" || error.code === "REDEEM_LIMIT_EXCEEDED")) {
        await this.save(order, { status: "CALCULATED", holdId: null, pointsHeld: 0, holdExpiresAt: null, redeemPoints: 0 }, "hold expired");
        throw new ConflictError("HOLD_EXPIRED", "the points hold expired and the points are no longer available; apply bonuses again");
      }
      throw error;
    }
  }

  private providerOrder(order: OrderRecord) {
    const f = order.fulfilment;
    return {
      id: order.id,
      lines: order.lines,
      customerPhone: order.phone,
      comment: order.comment,
      byBonuses: order.redeemPoints > 0,
      pickupStoreId: f.kind === "PICKUP" ? (f.storeId ?? null) : null,
      delivery: f.kind === "DELIVERY" && f.address
        ? { ...f.address, apartment: f.address.apartment ?? null, from: f.windowFrom ?? null, to: f.windowTo ?? null, recipientName: f.recipientName ?? null, recipientPhone: f.recipientPhone ?? null }
        : null,
    } satisfies Parameters<OrderProvider["createOrder"]>[0];
  }

  private provider(shop: Shop, order: OrderRecord) {
    return this.shops.loyaltyProvider(shop, order.loyaltyProviderId);
  }

  /** Stores the change, then (after the commit) announces a new status. */
  private async save(order: OrderRecord, patch: OrderPatch, cause: string): Promise<OrderRecord> {
    this.crash.reach("before-status");
    const saved = await this.orders.update(order, patch, cause);
    if (saved.status !== order.status || saved.vendorStatus !== order.vendorStatus) this.events.statusChanged(saved);
    if (saved.loyaltyRef !== order.loyaltyRef || saved.refundedAmount !== order.refundedAmount) this.events.balanceChanged(saved);
    return saved;
  }

  private canRead(scope: RequestScope, order: OrderRecord): boolean {
    const { viewer } = scope;
    if (viewer.kind === "telegram") return order.telegramUserId === viewer.telegramUserId;
    return hasScope(viewer, SCOPES.ordersRead) || hasScope(viewer, SCOPES.ordersWrite) || hasScope(viewer, SCOPES.ordersManage);
  }

  /** Loads the order the viewer may change, serialises changes to it, and runs `work` on a fresh read. */
  private change(scope: RequestScope, orderId: string, work: (order: OrderRecord, shop: Shop) => Promise<OrderRecord>, serviceScope: string = SCOPES.ordersWrite): Promise<OrderRecord> {
    return this.locks.run(orderId, async () => {
      const order = await this.orders.get(orderId);
      if (!order || !this.canRead(scope, order)) throw new NotFoundError("NOT_FOUND", `order ${orderId} not found`);
      if (scope.viewer.kind === "service" && !hasScope(scope.viewer, serviceScope)) throw new AccessError("FORBIDDEN", `needs the ${serviceScope} scope`);
      if (scope.viewer.kind === "telegram" && serviceScope === SCOPES.ordersManage) throw new AccessError("FORBIDDEN", "only the shop may do this");
      return work(order, this.shops.get(order.shopId));
    });
  }
}

/** The gateway itself acting on an order system's report. */
function systemScope(source: string): RequestScope {
  return createRequestScope({ kind: "service", name: `sync:${source}`, scopes: new Set([SCOPES.ordersRead, SCOPES.ordersWrite, SCOPES.ordersManage]) });
}
