import { randomUUID } from "node:crypto";
import { toLines } from "./cart.ts";
import type { CartPricing } from "./cart-pricing.ts";
import type { CustomerService } from "./customer.service.ts";
import type { CustomerRegistration } from "./customer-registration.service.ts";
import type { Customer } from "./customer.service.ts";
import {
  ConflictError,
  GatewayError,
  InvalidInputError,
  LoyaltyRuleError,
  NotFoundError,
  ProviderError,
} from "./errors.ts";
import { couponsOf } from "./order-loyalty.ts";
import { providerOrder } from "./provider-order.ts";
import { assertTakesCoupons, type LoyaltyService } from "./loyalty.service.ts";
import type { OrderAccess } from "./order-access.ts";
import type { CreateOrderInput } from "./order-input.ts";
import type { OrderLoyalty } from "./order-loyalty.ts";
import { assertTransition, isOpen } from "./order-state.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { OrderLine, OrderRecord, OrderRepository } from "./order.ts";
import type { Calculation, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";

/**
 * The customer's side of an order: the cart is priced by the loyalty provider, points are held, the
 * order is created in the shop's order system, and the purchase is committed where the provider's flow
 * commits at confirmation. Each loyalty move goes through the ledger; each status change through
 * `OrderTransitions`.
 */
export class CheckoutService {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly pricing: LoyaltyService,
    private readonly cartPricing: CartPricing,
    private readonly loyalty: OrderLoyalty,
    private readonly access: OrderAccess,
    private readonly transitions: OrderTransitions,
    private readonly orders: OrderRepository,
    private readonly registration: CustomerRegistration,
  ) {}

  async create(scope: RequestScope, input: CreateOrderInput): Promise<OrderRecord> {
    const shop = this.shops.get(input.shopId);
    this.access.assertCanPlace(scope);
    const phone = await this.customers.actingPhone(scope, shop.id, input.phone, SCOPES.ordersWrite);
    const customer = phone ? await this.customers.ensure(shop.id, phone) : null;
    const provider = this.shops.loyaltyProvider(shop, input.providerId);
    const lines: OrderLine[] = toLines(await this.priceLines(scope, shop, input.lines, input.fulfilment));
    const coupons = [...new Set(input.coupons ?? [])];
    const draft: Omit<OrderRecord, "version" | "createdAt" | "updatedAt"> = {
      id: randomUUID(),
      shopId: shop.id,
      customerId: customer?.id ?? null,
      phone,
      telegramUserId: scope.viewer.kind === "telegram" ? scope.viewer.telegramUserId : null,
      status: "CALCULATED" as const,
      vendorStatus: null,
      loyaltyProviderId: provider.instanceId,
      orderProviderId: shop.orders?.instanceId ?? null,
      currency: shop.currency,
      lines,
      calculation: null,
      fulfilment: input.fulfilment,
      contact: { name: input.contact.name ?? null, phone: input.contact.phone ?? null },
      comment: input.comment ?? null,
      redeemPoints: 0,
      requestedPoints: 0,
      pointsHeld: 0,
      pointsRedeemed: 0,
      pointsEarned: 0,
      refundedAmount: 0,
      holdId: null,
      holdExpiresAt: null,
      loyaltyRef: null,
      orderRef: null,
    };
    const priced = await this.priceNew(scope, provider, draft, customer, coupons);
    return this.transitions.create(priced, priced.phone === phone ? "createOrder" : "createOrder: without loyalty");
  }

  /**
   * Prices a new order. A proved phone (linked to a Telegram user) that the provider does not know is
   * enrolled there where the provider can; where it cannot, the buyer still buys, without loyalty (the
   * order is priced and kept as anonymous to the provider), instead of being refused.
   */
  private async priceNew(
    scope: RequestScope,
    provider: LoyaltyProvider,
    draft: Omit<OrderRecord, "version" | "createdAt" | "updatedAt">,
    customer: Customer | null,
    coupons: string[],
  ) {
    const price = async (order: typeof draft) => ({
      ...order,
      calculation: await this.pricing.price(provider, this.loyalty.cart(order, 0, coupons)),
    });
    try {
      return await price(draft);
    } catch (error) {
      const unknown = error instanceof NotFoundError && error.code === "CUSTOMER_NOT_FOUND";
      // Proved: the Mini App user's own linked phone, or a phone some Telegram user proved.
      const proved = scope.viewer.kind === "telegram" || customer?.telegramUserId != null;
      if (!unknown || !customer || !proved) throw error;
      if (await this.registration.enrolForOrder(scope, provider, customer, draft.contact.name ?? null))
        return price(draft);
      return price({
        ...draft,
        phone: null,
        contact: { ...draft.contact, phone: draft.contact.phone ?? `+${customer.phone}` },
      });
    }
  }

  /** Recalculates with `points` redeemed, checks them against the provider's maximum, and holds them. */
  applyBonuses(scope: RequestScope, orderId: string, points: number): Promise<OrderRecord> {
    return this.access.change(scope, orderId, async (order, shop) => {
      if (order.status !== "CALCULATED" && order.status !== "BONUSES_HELD")
        assertTransition(order.status, "BONUSES_HELD");
      if (points > 0 && !order.phone) {
        throw new InvalidInputError("points can be redeemed only for a known customer", [
          { path: "points", message: "link a phone first" },
        ]);
      }
      if (points === order.pointsHeld && order.calculation?.redeemedPoints === points) return order;
      const provider = this.provider(shop, order);
      // Priced before anything moves, so a refusal leaves no trace. A vendor that holds natively counts
      // the old hold against the new amount; only a refusal that the old hold may explain releases it first.
      const trial = await this.pricing.price(provider, this.loyalty.cart(order, points)).catch((error: unknown) => {
        const mayFit =
          error instanceof LoyaltyRuleError &&
          order.holdId !== null &&
          provider.capabilities.hold === "NATIVE" &&
          points <= (error.maxRedeemablePoints ?? 0) + order.pointsHeld;
        if (!mayFit) throw error;
        return null;
      });
      if (trial && points === 0) {
        await this.loyalty.release(order, provider);
        return this.transitions.transition(
          order,
          "CALCULATED",
          { calculation: trial, holdId: null, pointsHeld: 0, holdExpiresAt: null, redeemPoints: 0, requestedPoints: 0 },
          "applyBonuses",
        );
      }
      if (trial && order.holdId && provider.capabilities.hold !== "NATIVE") {
        const hold = await this.holdWithin(order, provider, points, trial);
        await this.loyalty.release(order, provider);
        return this.held(order, trial, points, hold, "applyBonuses");
      }
      const current = order.holdId ? await this.releaseHold(order, provider, "applyBonuses: release") : order;
      const calculation = trial ?? (await this.pricing.price(provider, this.loyalty.cart(current, points)));
      if (points === 0) return this.transitions.amend(current, { calculation, requestedPoints: 0 }, "applyBonuses");
      const hold = await this.holdWithin(current, provider, points, calculation);
      return this.held(current, calculation, points, hold, "applyBonuses");
    });
  }

  /**
   * A changed cart: the hold is released (r_keeper: reset), the cart recalculated, and the points held
   * again. `coupons` replaces the order's promo codes; without it they stay.
   */
  updateItems(
    scope: RequestScope,
    orderId: string,
    lines: CreateOrderInput["lines"],
    newCoupons?: string[] | null,
  ): Promise<OrderRecord> {
    return this.access.change(scope, orderId, async (order, shop) => {
      if (!["CALCULATED", "BONUSES_HELD"].includes(order.status) || order.loyaltyRef || order.orderRef) {
        throw new ConflictError("INVALID_STATE", `an order that is ${order.status} can no longer change its items`);
      }
      const priced = toLines(await this.priceLines(scope, shop, lines, order.fulfilment, "lines"));
      const provider = this.provider(shop, order);
      const coupons = newCoupons ? [...new Set(newCoupons)] : couponsOf(order);
      assertTakesCoupons(provider, coupons);
      const points = order.pointsHeld;
      // What the customer asked for is held again where the new cart allows it, and capped where it
      // does not: `requestedPoints` against `pointsHeld` says so in the answer.
      const asked = Math.max(order.requestedPoints, points);
      const draft = { ...order, lines: priced };
      // The hold goes first (r_keeper: reset), but nothing is stored until the new cart is held: a
      // refused change gets the old hold back and leaves the order as it was.
      await this.loyalty.release(order, provider);
      try {
        // One vendor call when the held points still fit; a refusal says how many do.
        let keep = asked;
        const cart = (n: number) => this.loyalty.cart(draft, n, coupons);
        let calculation = await this.pricing.price(provider, cart(keep)).catch((error: unknown) => {
          if (!(error instanceof LoyaltyRuleError)) throw error;
          keep = Math.min(asked, error.maxRedeemablePoints ?? 0);
          return null;
        });
        calculation ??= await this.pricing.price(provider, cart(keep));
        const hold = keep > 0 ? await this.holdWithin({ ...draft, calculation }, provider, keep, calculation) : null;
        return await this.transitions.transition(
          order,
          hold ? "BONUSES_HELD" : "CALCULATED",
          {
            lines: priced,
            calculation,
            redeemPoints: keep,
            pointsHeld: keep,
            holdId: hold?.holdId ?? null,
            holdExpiresAt: hold?.expiresAt ?? null,
          },
          "updateOrderItems",
          { record: true },
        );
      } catch (error) {
        if (!order.holdId || points === 0) throw error;
        // Refused: the old hold comes back. Unknown (the vendor may have taken the new hold): the order
        // shows the release, and recovery compensates the new hold, so the two agree either way.
        const certain = error instanceof GatewayError && !(error instanceof ProviderError && error.uncertain);
        if (certain) await this.restoreHold(order, provider);
        else
          await this.transitions.transition(
            order,
            "CALCULATED",
            { holdId: null, pointsHeld: 0, holdExpiresAt: null, redeemPoints: 0 },
            "updateOrderItems: hold released; the new one is left to recovery",
          );
        throw error;
      }
    });
  }

  /** The old cart's hold, made again after a refused change; the order keeps (or learns) its hold id. */
  private async restoreHold(order: OrderRecord, provider: LoyaltyProvider): Promise<void> {
    const again = await this.loyalty.hold(order, provider, order.pointsHeld, "restore");
    if (again.holdId !== order.holdId) {
      await this.transitions.amend(
        order,
        { holdId: again.holdId, holdExpiresAt: again.expiresAt },
        "updateOrderItems: hold restored",
      );
    }
  }

  /** Creates the order in the shop's order system and moves loyalty to the provider's confirmation step. */
  confirm(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    return this.access.change(scope, orderId, async (order, shop) => {
      assertTransition(order.status, "PLACED");
      const provider = this.provider(shop, order);
      let current = await this.renewExpiredHold(order, provider);
      if (shop.orders && !current.orderRef) {
        const created = await shop.orders.createOrder(
          providerOrder(current, provider, await this.buyerName(current, provider)),
        );
        current = await this.transitions.transition(
          current,
          current.status,
          { orderRef: created.reference, vendorStatus: created.vendorStatus },
          "confirmOrder: order system",
        );
      }
      const { flow } = provider.behaviour;
      const commits = current.redeemPoints > 0 || !flow.commitOnlyToRedeem;
      if (flow.commitAt === "CONFIRM" && current.phone && !current.loyaltyRef && commits) {
        const receipt = await this.loyalty.commit(current, provider);
        current = await this.transitions.amend(
          current,
          {
            loyaltyRef: receipt.reference,
            pointsRedeemed: receipt.pointsRedeemed,
            pointsEarned: receipt.pointsEarned,
            pointsHeld: 0,
          },
          "confirmOrder: commit",
        );
      }
      return this.transitions.transition(current, "PLACED", {}, "confirmOrder");
    });
  }

  /** Releases held points (or refunds a purchase already committed) and cancels in the order system. */
  cancel(scope: RequestScope, orderId: string, reason: string, cause = "cancelOrder"): Promise<OrderRecord> {
    return this.access.change(scope, orderId, async (order, shop) => {
      if (!isOpen(order.status)) assertTransition(order.status, "CANCELLED");
      const provider = this.provider(shop, order);
      if (order.loyaltyRef) {
        if (provider.capabilities.refund === "NONE") {
          throw new ProviderError(
            "UNSUPPORTED_BY_PROVIDER",
            `${provider.instanceId} cannot return points already spent; the order cannot be cancelled here`,
            provider.instanceId,
          );
        }
        await this.loyalty.refund(order, provider, undefined);
      } else {
        await this.loyalty.release(order, provider);
      }
      let vendorStatus = order.vendorStatus;
      if (shop.orders && order.orderRef) vendorStatus = (await shop.orders.cancelOrder(order.id, reason)).vendorStatus;
      return this.transitions.transition(
        order,
        "CANCELLED",
        { pointsHeld: 0, holdId: null, vendorStatus },
        `${cause}: ${reason}`,
      );
    });
  }

  /** Catalog prices for the store that fulfils the order: the pickup store, or the order system's delivery store. */
  private priceLines(
    scope: RequestScope,
    shop: Shop,
    lines: CreateOrderInput["lines"],
    fulfilment: { kind: string; storeId?: string | null },
    path = "input.lines",
  ) {
    const storeId =
      fulfilment.kind === "PICKUP" ? (fulfilment.storeId ?? null) : (shop.orders?.deliveryStoreId ?? null);
    return this.cartPricing.price(scope, shop, lines, storeId, { checkStock: true, path });
  }

  /**
   * Holds the points. Where the gateway's ledger keeps the hold, the vendor does not know of it, so the
   * points held on the customer's other open orders count against the balance here (one customer at a
   * time in this process).
   */
  private holdWithin(order: OrderRecord, provider: LoyaltyProvider, points: number, calculation: Calculation) {
    if (provider.capabilities.hold === "NATIVE") return this.loyalty.hold(order, provider, points);
    return this.access.locked(`customer:${provider.instanceId}:${order.phone}`, async () => {
      const reserved = await this.orders.ledgerHeldPoints(provider.instanceId, order.phone!, order.id);
      if (reserved > 0) {
        const balance =
          calculation.balance ?? (await this.balance(provider, order.phone!)) ?? calculation.maxRedeemablePoints;
        const available = Math.max(0, Math.min(calculation.maxRedeemablePoints, balance - reserved));
        if (points > available) {
          throw new LoyaltyRuleError(
            "INSUFFICIENT_BONUSES",
            `${reserved} points are held for other open orders`,
            available,
          );
        }
      }
      return this.loyalty.hold(order, provider, points);
    });
  }

  /** The balance where the provider finds customers by phone; undefined where it cannot say. */
  private async balance(provider: LoyaltyProvider, phone: string): Promise<number | undefined> {
    if (!provider.capabilities.lookupBy.includes("PHONE")) return undefined;
    return (await provider.findCustomer({ phone }))?.balance;
  }

  private held(
    order: OrderRecord,
    calculation: Calculation,
    points: number,
    hold: { holdId: string; expiresAt: Date | null },
    cause: string,
  ): Promise<OrderRecord> {
    const patch = {
      calculation,
      redeemPoints: points,
      requestedPoints: points,
      pointsHeld: points,
      holdId: hold.holdId,
      holdExpiresAt: hold.expiresAt,
    };
    return this.transitions.transition(order, "BONUSES_HELD", patch, cause);
  }

  private async releaseHold(order: OrderRecord, provider: LoyaltyProvider, cause: string): Promise<OrderRecord> {
    await this.loyalty.release(order, provider);
    return this.transitions.transition(
      order,
      "CALCULATED",
      { holdId: null, pointsHeld: 0, holdExpiresAt: null, redeemPoints: 0 },
      cause,
    );
  }

  /** A hold that ran out before confirmation is made again, or the order answers HOLD_EXPIRED. */
  private async renewExpiredHold(order: OrderRecord, provider: LoyaltyProvider): Promise<OrderRecord> {
    if (!order.holdExpiresAt || order.holdExpiresAt.getTime() > Date.now() || order.pointsHeld === 0) return order;
    try {
      await this.loyalty.release(order, provider);
      const hold = await this.loyalty.hold(order, provider, order.pointsHeld);
      return this.transitions.amend(
        order,
        { holdId: hold.holdId, holdExpiresAt: hold.expiresAt },
        "confirmOrder: hold renewed",
      );
    } catch (error) {
      if (
        error instanceof ProviderError &&
        (error.code === "INSUFFICIENT_BONUSES" || error.code === "REDEEM_LIMIT_EXCEEDED")
      ) {
        await this.transitions.transition(
          order,
          "CALCULATED",
          { holdId: null, pointsHeld: 0, holdExpiresAt: null, redeemPoints: 0 },
          "hold expired",
        );
        throw new ConflictError(
          "HOLD_EXPIRED",
          "the points hold expired and the points are no longer available; apply bonuses again",
        );
      }
      throw error;
    }
  }

  private provider(shop: Shop, order: OrderRecord): LoyaltyProvider {
    return this.shops.loyaltyProvider(shop, order.loyaltyProviderId);
  }

  /** The buyer's name for the order system: the contact's, or else the loyalty account's, where it has one. */
  private async buyerName(order: OrderRecord, provider: LoyaltyProvider): Promise<string | null> {
    if (order.contact.name) return order.contact.name;
    if (!order.phone || !provider.capabilities.lookupBy.includes("PHONE")) return null;
    return (await provider.findCustomer({ phone: order.phone }).catch(() => null))?.name ?? null;
  }
}
