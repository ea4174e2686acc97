import { calculationInputSchema, cartLineSchema } from "../domain/cart.ts";
import {
  CatalogError,
  InvalidInputError,
  LoyaltyRuleError,
  NotFoundError,
  PriceChangedError,
  ProviderError,
} from "../domain/errors.ts";
import type { PricedCart } from "../domain/loyalty-pricing.service.ts";
import type { CalculatedLine } from "../domain/ports/loyalty-provider.port.ts";
import { builder } from "./builder.ts";
import { Money, MoneyInput, money } from "./money.ts";
import { CouponResultRef, PromotionRef, promotionsOf } from "./promotion.ts";
import { LoyaltyProviderRef } from "./shop.ts";

export const CartLineInput = builder.inputType("CartLineInput", {
  fields: (t) => ({
    productId: t.id({ required: true }),
    name: t.string(),
    quantity: t.int({ required: true }),
    unitPrice: t.field({
      type: MoneyInput,
      description:
        "Optional where the shop has a catalog: the gateway prices the line, and a price that differs from the catalog's is PRICE_CHANGED. Required where it has none.",
    }),
  }),
  validate: cartLineSchema,
});

const LoyaltyCalculationInput = builder.inputType("LoyaltyCalculationInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    storeId: t.id({
      description:
        "The pickup store: its prices and what it sells apply. Without it, a price that varies by store is the highest.",
    }),
    phone: t.string({
      description: "Whose cart. A Mini App user's own linked phone is used when omitted; none means anonymous.",
    }),
    providerId: t.id({ description: "Which of the shop's loyalty providers; its first when omitted." }),
    lines: t.field({ type: [CartLineInput], required: true }),
    redeemPoints: t.int({ defaultValue: 0 }),
    coupons: t.stringList({
      description:
        "Promo codes, for providers that take them (capabilities.coupons); elsewhere UNSUPPORTED_BY_PROVIDER",
    }),
  }),
  validate: calculationInputSchema,
});

type LineView = CalculatedLine & { currency: string };

const CalculatedLineRef = builder.objectRef<LineView>("CalculatedLine").implement({
  fields: (t) => ({
    lineId: t.exposeID("lineId"),
    productId: t.exposeID("productId"),
    quantity: t.exposeInt("quantity"),
    subtotal: t.field({ type: Money, resolve: (l) => money(l.subtotal, l.currency) }),
    discount: t.field({
      type: Money,
      description: "Loyalty discount, not counting redeemed points",
      resolve: (l) => money(l.discount, l.currency),
    }),
    redeemed: t.field({
      type: Money,
      description: "Redeemed points applied to this line",
      resolve: (l) => money(l.redeemed, l.currency),
    }),
    total: t.field({ type: Money, resolve: (l) => money(l.subtotal - l.discount - l.redeemed, l.currency) }),
    pointsEarned: t.exposeInt("pointsEarned"),
    messages: t.exposeStringList("messages"),
    promotions: t.field({ type: [PromotionRef], resolve: (l) => promotionsOf(l.promotions, l.currency) }),
  }),
});

export const LoyaltyCalculationRef = builder.objectRef<PricedCart>("LoyaltyCalculation").implement({
  fields: (t) => ({
    provider: t.field({ type: LoyaltyProviderRef, resolve: (c) => c.provider }),
    lines: t.field({ type: [CalculatedLineRef], resolve: (c) => c.lines.map((l) => ({ ...l, currency: c.currency })) }),
    subtotal: t.field({ type: Money, resolve: (c) => money(c.subtotal, c.currency) }),
    discount: t.field({ type: Money, resolve: (c) => money(c.discount, c.currency) }),
    redeemedPoints: t.exposeInt("redeemedPoints"),
    redeemed: t.field({
      type: Money,
      description: "What the redeemed points pay",
      resolve: (c) => money(c.redeemed, c.currency),
    }),
    pointsEarned: t.exposeInt("pointsEarned"),
    maxRedeemablePoints: t.exposeInt("maxRedeemablePoints"),
    total: t.field({ type: Money, description: "The amount to pay", resolve: (c) => money(c.total, c.currency) }),
    coupons: t.field({
      type: [CouponResultRef],
      description: "One result per promo code sent, in order",
      resolve: (c) => c.coupons ?? [],
    }),
    promotions: t.field({
      type: [PromotionRef],
      description: "Promotions of the whole cart (a line's are on the line)",
      resolve: (c) => promotionsOf(c.promotions, c.currency),
    }),
    messages: t.stringList({
      description: "The provider's notes on the whole cart (campaigns, the bonus programme)",
      resolve: (c) => c.messages ?? [],
    }),
  }),
});

builder.queryField("loyaltyCalculation", (t) =>
  t.field({
    type: LoyaltyCalculationRef,
    description:
      "Prices a cart: line discounts, points earned, the most points redeemable and the total to pay. Moves no points.",
    errors: {
      types: [InvalidInputError, NotFoundError, ProviderError, LoyaltyRuleError, CatalogError, PriceChangedError],
    },
    args: { input: t.arg({ type: LoyaltyCalculationInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.loyalty.calculate(ctx.scope, {
        ...input,
        shopId: String(input.shopId),
        storeId: input.storeId == null ? null : String(input.storeId),
        providerId: input.providerId == null ? null : String(input.providerId),
        lines: input.lines.map((l) => ({ ...l, productId: String(l.productId) })),
      }),
  }),
);
