import { toLines } from "./cart.ts";
import type { CartPricing } from "./cart-pricing.ts";
import { ConflictError, GatewayError, LoyaltyRuleError, ProviderError } from "./errors.ts";
import { assertTakesCoupons, type LoyaltyService } from "./loyalty.service.ts";
import type { OrderAccess } from "./order-access.ts";
import type { CreateOrderInput } from "./order-input.ts";
import { couponsOf, type OrderLoyalty } from "./order-loyalty.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { OrderRecord } from "./order.ts";
import type { PointsHolds } from "./points-hold.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";

/** Catalog prices for the store that fulfils the order: the pickup store, or the order system's delivery store. */
export function priceOrderLines(
  cartPricing: CartPricing,
  scope: RequestScope,
  shop: Shop,
  lines: CreateOrderInput["lines"],
  fulfilment: { kind: string; storeId?: string | null },
  path = "input.lines",
) {
  const storeId = fulfilment.kind === "PICKUP" ? (fulfilment.storeId ?? null) : (shop.orders?.deliveryStoreId ?? null);
  return cartPricing.price(scope, shop, lines, storeId, { checkStock: true, path });
}

/** `updateOrderItems`: a new cart for an order not yet placed, its points held again where they fit. */
export class CartChange {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly pricing: LoyaltyService,
    private readonly cartPricing: CartPricing,
    private readonly loyalty: OrderLoyalty,
    private readonly access: OrderAccess,
    private readonly transitions: OrderTransitions,
    private readonly holds: PointsHolds,
  ) {}

  /**
   * A changed cart: the hold is released (r_keeper: reset), the cart recalculated, and the points held
   * again. `coupons` replaces the order's promo codes; without it they stay.
   */
  update(
    scope: RequestScope,
    orderId: string,
    lines: CreateOrderInput["lines"],
    newCoupons?: string[] | null,
  ): Promise<OrderRecord> {
    return this.access.change(scope, orderId, async (order, shop) => {
      if (!["CALCULATED", "BONUSES_HELD"].includes(order.status) || order.loyaltyRef || order.orderRef) {
        throw new ConflictError("INVALID_STATE", `an order that is ${order.status} can no longer change its items`);
      }
      const priced = toLines(await priceOrderLines(this.cartPricing, scope, shop, lines, order.fulfilment, "lines"));
      const provider = this.shops.loyaltyProvider(shop, order.loyaltyProviderId);
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
        const hold = keep > 0 ? await this.holds.hold({ ...draft, calculation }, provider, keep, calculation) : null;
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
        if (certain) await this.holds.restore(order, provider);
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
}
