import { SCOPES } from "./scopes.ts";
import type { Calculation, Cart, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { type CalculationInput, toLines } from "./cart.ts";
import type { CartPricing } from "./cart-pricing.ts";
import type { CustomerService } from "./customer.service.ts";
import { InvalidInputError, LoyaltyRuleError, NotFoundError, ProviderError } from "./errors.ts";
import { assertRedeemable, assertRepresentable } from "./redemption.ts";
import type { RequestScope } from "./request-scope.ts";
import type { ShopDirectory } from "./shop-directory.ts";

export interface PricedCart extends Calculation {
  provider: LoyaltyProvider;
  currency: string;
}

/** Prices carts through the shop's loyalty provider and turns vendor refusals into loyalty rules. */
export class LoyaltyPricing {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly cartPricing: CartPricing,
  ) {}

  async calculate(scope: RequestScope, input: CalculationInput): Promise<PricedCart> {
    const shop = this.shops.get(input.shopId);
    const lines = await this.cartPricing.price(scope, shop, input.lines, input.storeId ?? null, { checkStock: false });
    const provider = this.shops.loyaltyProvider(shop, input.providerId);
    const phone = await this.customers.actingPhone(scope, shop.id, input.phone, SCOPES.loyaltyCalculate);
    const redeemPoints = input.redeemPoints ?? 0;
    if (redeemPoints > 0 && !phone) {
      throw new InvalidInputError("points can be redeemed only for a known customer", [
        { path: "redeemPoints", message: "link a phone first" },
      ]);
    }
    const cart: Cart = {
      customer: phone ? { phone } : null,
      currency: shop.currency,
      redeemPoints,
      coupons: input.coupons ?? [],
      lines: toLines(lines).map((l) => ({ ...l, name: l.name ?? undefined })),
    };
    const result = await this.price(provider, cart);
    return { ...result, provider, currency: shop.currency };
  }

  /**
   * One vendor call in the common case; a second, without points, only to explain a refused redemption.
   * Promo codes go only to a provider that takes them (`capabilities.coupons`); elsewhere they are
   * UNSUPPORTED_BY_PROVIDER, never dropped silently.
   */
  async price(provider: LoyaltyProvider, cart: Cart): Promise<Calculation> {
    const coupons = [...new Set(cart.coupons ?? [])];
    assertTakesCoupons(provider, coupons);
    return withCoupons(coupons, await this.quote(provider, { ...cart, coupons }));
  }

  private async quote(provider: LoyaltyProvider, cart: Cart): Promise<Calculation> {
    try {
      const result = await provider.calculate(cart);
      assertRepresentable(result);
      assertRedeemable(cart, result);
      if (result.redeemedPoints > cart.redeemPoints) {
        throw new ProviderError(
          "PROVIDER_REJECTED",
          `${provider.instanceId} redeemed more points than asked`,
          provider.instanceId,
          { vendorCode: "OVER_REDEEM" },
        );
      }
      return result;
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (error.code === "CUSTOMER_NOT_FOUND")
        throw new NotFoundError("CUSTOMER_NOT_FOUND", "the provider does not know this customer");
      if (cart.redeemPoints === 0 || !isRedemptionRefusal(error)) throw error;
      const max = (await provider.calculate({ ...cart, redeemPoints: 0 })).maxRedeemablePoints;
      if (error.code === "REDEEM_BLOCKED")
        throw new LoyaltyRuleError("REDEEM_BLOCKED", "this customer may not redeem points", 0);
      if (error.code === "INSUFFICIENT_BONUSES")
        throw new LoyaltyRuleError("INSUFFICIENT_BONUSES", "not enough points on the balance", max);
      throw new LoyaltyRuleError("REDEEM_LIMIT_EXCEEDED", `at most ${max} points can be redeemed on this cart`, max);
    }
  }
}

/** Promo codes for a provider that takes none are UNSUPPORTED_BY_PROVIDER, before anything moves. */
export function assertTakesCoupons(provider: LoyaltyProvider, coupons: readonly string[]): void {
  if (coupons.length && !provider.capabilities.coupons) {
    throw new ProviderError(
      "UNSUPPORTED_BY_PROVIDER",
      `${provider.instanceId} takes no promo codes`,
      provider.instanceId,
    );
  }
}

/** One result per code sent, in order, and the lists every calculation carries (empty where the vendor names none). */
function withCoupons(codes: string[], c: Calculation): Calculation {
  return {
    ...c,
    coupons: codes.map(
      (code) =>
        c.coupons?.find((r) => r.code === code) ?? { code, applied: null, reason: "the provider said nothing of it" },
    ),
    promotions: c.promotions ?? [],
    messages: c.messages ?? [],
    lines: c.lines.map((l) => ({ ...l, promotions: l.promotions ?? [] })),
  };
}

function isRedemptionRefusal(error: ProviderError): boolean {
  return (
    error.code === "INSUFFICIENT_BONUSES" || error.code === "REDEEM_BLOCKED" || error.code === "REDEEM_LIMIT_EXCEEDED"
  );
}
