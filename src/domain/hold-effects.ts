import { toLines } from "./cart.ts";
import { type CartPricing, priceOrderLines } from "./cart-pricing.ts";
import { GatewayError, LoyaltyRuleError, ProviderError } from "./errors.ts";
import { assertTakesCoupons, type LoyaltyPricing } from "./loyalty-pricing.service.ts";
import type { CreateOrderInput } from "./order-input.ts";
import { couponsOf, type OrderPoints } from "./order-points.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import {
  HOLD_RELEASED,
  heldPoints,
  type OrderEvent,
  type OrderLine,
  type OrderPatch,
  type OrderRecord,
} from "./order.ts";
import type { OrderStatus } from "./order-state.ts";
import type { PointsHolds } from "./points-hold.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop } from "./shop-directory.ts";

export interface HoldEffectsOptions {
  pricing: LoyaltyPricing;
  cartPricing: CartPricing;
  loyalty: OrderPoints;
  holds: PointsHolds;
  transitions: OrderTransitions;
}

/** A changed cart, as updateItems asks for it. */
export interface NewCart {
  scope: RequestScope;
  shop: Shop;
  order: OrderRecord;
  provider: LoyaltyProvider;
  items?: CreateOrderInput["lines"];
  coupons?: string[] | null;
}

/**
 * The order process's two hold effects (order-process.ts: `holdPoints`, `holdPointsForNewCart`): each
 * prices before anything moves, then releases and holds, and stores the order as its hold left it.
 */
export class HoldEffects {
  constructor(private readonly o: HoldEffectsOptions) {}

  /**
   * applyBonuses: recalculates with the points asked, checks them against the provider's maximum, and
   * holds them. Priced before anything moves, so a refusal leaves no trace. A vendor that holds natively
   * counts the old hold against the new amount; only a refusal that the old hold may explain releases it first.
   */
  async holdPoints(order: OrderRecord, provider: LoyaltyProvider, points: number, cause: string): Promise<OrderRecord> {
    if (points === heldPoints(order) && order.calculation?.redeemedPoints === points) return order;
    const trial = await this.o.pricing.price(provider, this.o.loyalty.cart(order, points)).catch((error: unknown) => {
      const mayFit =
        error instanceof LoyaltyRuleError &&
        order.hold?.kind === "vendor" &&
        points <= (error.maxRedeemablePoints ?? 0) + heldPoints(order);
      if (!mayFit) throw error;
      return null;
    });
    if (trial && points === 0) {
      await this.o.loyalty.release(order, provider);
      return this.o.transitions.transition(
        order,
        "CALCULATED",
        { ...HOLD_RELEASED, calculation: trial, requestedPoints: 0 },
        cause,
      );
    }
    if (trial && order.hold?.kind === "ledger") {
      const hold = await this.o.holds.hold(order, provider, points, trial);
      await this.o.loyalty.release(order, provider);
      return this.o.holds.keep(order, trial, points, hold, cause);
    }
    const current = order.hold ? await this.o.holds.release(order, provider, `${cause}: release`) : order;
    const calculation = trial ?? (await this.o.pricing.price(provider, this.o.loyalty.cart(current, points)));
    if (points === 0) return this.o.transitions.amend(current, { calculation, requestedPoints: 0 }, cause);
    const hold = await this.o.holds.hold(current, provider, points, calculation);
    return this.o.holds.keep(current, calculation, points, hold, cause);
  }

  /**
   * updateItems: a new cart, priced from the shop's catalog or price list, held again as `holdAgain` says.
   */
  async holdForNewCart(change: NewCart): Promise<OrderRecord> {
    const { scope, shop, order, provider } = change;
    const items = change.items ?? [];
    const priced = toLines(await priceOrderLines(this.o.cartPricing, scope, shop, items, order.fulfilment, "lines"));
    const coupons = change.coupons ? [...new Set(change.coupons)] : couponsOf(order);
    assertTakesCoupons(provider, coupons);
    return this.holdAgain(order, provider, priced, coupons, {
      cause: "updateOrderItems",
      status: (held) => (held ? "BONUSES_HELD" : "CALCULATED"),
    });
  }

  /**
   * complete: the florist changed the order in the order system before the sale was recorded. The
   * sale follows what was sold (the order system's lines and prices), the points held again where
   * they still fit; the order keeps the lines as placed beside them and tells SOLD_AS_CHANGED.
   */
  holdForSoldLines(order: OrderRecord, provider: LoyaltyProvider, sold: OrderLine[], cause: string) {
    return this.holdAgain(order, provider, sold, couponsOf(order), {
      cause,
      status: () => order.status,
      patch: { placedLines: order.placedLines ?? order.lines },
      event: "SOLD_AS_CHANGED",
    });
  }

  /**
   * The hold goes first (r_keeper: reset), but nothing is stored until the new lines are held: a refused
   * change gets the old hold back and leaves the order as it was. What the customer asked for is held
   * again where the new lines allow it, and capped where they do not.
   */
  private async holdAgain(
    order: OrderRecord,
    provider: LoyaltyProvider,
    lines: OrderLine[],
    coupons: string[],
    how: {
      cause: string;
      status: (held: boolean) => OrderStatus;
      patch?: Pick<OrderPatch, "placedLines">;
      event?: OrderEvent;
    },
  ): Promise<OrderRecord> {
    const points = heldPoints(order);
    const asked = Math.max(order.requestedPoints, points);
    const draft = { ...order, lines };
    await this.o.loyalty.release(order, provider);
    try {
      // One vendor call when the held points still fit; a refusal says how many do.
      let keep = asked;
      const cart = (n: number) => this.o.loyalty.cart(draft, n, coupons);
      let calculation = await this.o.pricing.price(provider, cart(keep)).catch((error: unknown) => {
        if (!(error instanceof LoyaltyRuleError)) throw error;
        keep = Math.min(asked, error.maxRedeemablePoints ?? 0);
        return null;
      });
      calculation ??= await this.o.pricing.price(provider, cart(keep));
      const hold = keep > 0 ? await this.o.holds.hold({ ...draft, calculation }, provider, keep, calculation) : null;
      return await this.o.transitions.transition(
        order,
        how.status(hold !== null),
        { ...how.patch, lines, calculation, redeemPoints: keep, hold },
        how.cause,
        { inHistory: true, ...(how.event ? { event: how.event } : {}) },
      );
    } catch (error) {
      if (!order.hold || points === 0) throw error;
      // Refused: the old hold comes back. Unknown (the vendor may have taken the new hold): the order
      // shows the release, and recovery compensates the new hold, so the two agree either way.
      const certain = error instanceof GatewayError && !(error instanceof ProviderError && error.uncertain);
      if (certain) await this.o.holds.restore(order, provider);
      else
        await this.o.transitions.transition(
          order,
          how.status(false),
          HOLD_RELEASED,
          `${how.cause}: hold released; the new one is left to recovery`,
        );
      throw error;
    }
  }
}
