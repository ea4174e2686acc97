import { randomUUID } from "node:crypto";
import { CartChange, priceOrderLines } from "./cart-change.ts";
import { PointsHolds } from "./points-hold.ts";
import { toLines } from "./cart.ts";
import type { CartPricing } from "./cart-pricing.ts";
import type { CustomerService } from "./customer.service.ts";
import type { CustomerRegistration } from "./customer-registration.service.ts";
import type { Customer } from "./customer.service.ts";
import { InvalidInputError, LoyaltyRuleError, NotFoundError, ProviderError } from "./errors.ts";
import { providerOrder } from "./provider-order.ts";
import type { LoyaltyService } from "./loyalty.service.ts";
import type { OrderAccess } from "./order-access.ts";
import type { CreateOrderInput } from "./order-input.ts";
import type { OrderLoyalty } from "./order-loyalty.ts";
import { assertTransition, isOpen } from "./order-state.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { OrderLine, OrderRecord, OrderRepository } from "./order.ts";
import type { PointsRefund } from "./points-refund.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
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
    orders: OrderRepository,
    private readonly registration: CustomerRegistration,
    private readonly refunds: PointsRefund,
  ) {
    this.holds = new PointsHolds(loyalty, access, orders, transitions);
    this.cartChange = new CartChange(shops, pricing, cartPricing, loyalty, access, transitions, this.holds);
  }

  private readonly holds: PointsHolds;
  private readonly cartChange: CartChange;

  async create(scope: RequestScope, input: CreateOrderInput): Promise<OrderRecord> {
    const shop = this.shops.get(input.shopId);
    this.access.assertCanPlace(scope);
    const phone = await this.customers.actingPhone(scope, shop.id, input.phone, SCOPES.ordersWrite);
    const customer = phone ? await this.customers.ensure(shop.id, phone) : null;
    const provider = this.shops.loyaltyProvider(shop, input.providerId);
    const lines: OrderLine[] = toLines(
      await priceOrderLines(this.cartPricing, scope, shop, input.lines, input.fulfilment),
    );
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
      refundShortfallPoints: 0,
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
        const hold = await this.holds.hold(order, provider, points, trial);
        await this.loyalty.release(order, provider);
        return this.holds.record(order, trial, points, hold, "applyBonuses");
      }
      const current = order.holdId ? await this.holds.release(order, provider, "applyBonuses: release") : order;
      const calculation = trial ?? (await this.pricing.price(provider, this.loyalty.cart(current, points)));
      if (points === 0) return this.transitions.amend(current, { calculation, requestedPoints: 0 }, "applyBonuses");
      const hold = await this.holds.hold(current, provider, points, calculation);
      return this.holds.record(current, calculation, points, hold, "applyBonuses");
    });
  }

  /** A changed cart (CartChange): the hold is released, the cart priced again, and the points held again. */
  updateItems(
    scope: RequestScope,
    orderId: string,
    lines: CreateOrderInput["lines"],
    newCoupons?: string[] | null,
  ): Promise<OrderRecord> {
    return this.cartChange.update(scope, orderId, lines, newCoupons);
  }

  /** Creates the order in the shop's order system and moves loyalty to the provider's confirmation step. */
  confirm(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    return this.access.change(scope, orderId, async (order, shop) => {
      assertTransition(order.status, "PLACED");
      const provider = this.provider(shop, order);
      let current = await this.holds.renewIfExpired(order, provider);
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

  /**
   * Releases held points (or refunds a purchase already committed, weighed like any refund) and cancels
   * in the order system.
   */
  async cancel(scope: RequestScope, orderId: string, reason: string, cause = "cancelOrder"): Promise<OrderRecord> {
    let moved: LoyaltyProvider | null = null;
    const cancelled = await this.access.change(scope, orderId, async (order, shop) => {
      if (!isOpen(order.status)) assertTransition(order.status, "CANCELLED");
      const provider = this.provider(shop, order);
      let shortfall = 0;
      if (order.loyaltyRef) {
        if (provider.capabilities.refund === "NONE") {
          throw new ProviderError(
            "UNSUPPORTED_BY_PROVIDER",
            `${provider.instanceId} cannot return points already spent; the order cannot be cancelled here`,
            provider.instanceId,
          );
        }
        shortfall = (await this.refunds.returnPoints(shop, order, provider, undefined)).shortfall;
        moved = provider;
      } else {
        await this.loyalty.release(order, provider);
      }
      let vendorStatus = order.vendorStatus;
      if (shop.orders && order.orderRef) vendorStatus = (await shop.orders.cancelOrder(order.id, reason)).vendorStatus;
      return this.transitions.transition(
        order,
        "CANCELLED",
        {
          pointsHeld: 0,
          holdId: null,
          holdExpiresAt: null,
          vendorStatus,
          refundShortfallPoints: order.refundShortfallPoints + shortfall,
        },
        `${cause}: ${reason}`,
      );
    });
    if (moved) await this.refunds.recheckHolds(moved, cancelled);
    return cancelled;
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
