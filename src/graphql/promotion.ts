import type { CouponResult, Promotion } from "../domain/ports/loyalty-provider.port.ts";
import { builder } from "./builder.ts";
import { Money, money } from "./money.ts";

const PromotionKind = builder.enumType("PromotionKind", {
  values: ["DISCOUNT", "GIFT", "POINTS_MULTIPLIER", "OTHER"] as const,
});

export const PromotionRef = builder.objectRef<{ promotion: Promotion; currency: string }>("Promotion").implement({
  description:
    "A promotion the loyalty provider applied, as data. Vendors name some of these only in words (kind OTHER).",
  fields: (t) => ({
    id: t.id({ nullable: true, description: "The vendor's id, where it gives one", resolve: (v) => v.promotion.id }),
    name: t.string({ resolve: (v) => v.promotion.name }),
    kind: t.field({ type: PromotionKind, resolve: (v) => v.promotion.kind }),
    amount: t.field({
      type: Money,
      nullable: true,
      description: "What it took off, where the vendor says",
      resolve: (v) => (v.promotion.amount == null ? null : money(v.promotion.amount, v.currency)),
    }),
    freeQuantity: t.int({
      nullable: true,
      description: "Units given free (GIFT)",
      resolve: (v) => v.promotion.freeQuantity,
    }),
  }),
});

const CouponReason = builder.enumType("CouponReason", {
  description: "Why a promo code did not apply, for the buyer's words (`reason` is for developers).",
  values: {
    CUSTOMER_REQUIRED: { description: "The provider prices promo codes for known customers only: sign in first" },
    NOT_ACCEPTED: { description: "The provider did not accept it for this cart" },
    UNCONFIRMED: { description: "The provider does not say per code whether it applied" },
  } as const,
});

/** The buyer's reason: the adapter's own where it gave one, else what `applied` says. */
export function couponReason(c: CouponResult): "CUSTOMER_REQUIRED" | "NOT_ACCEPTED" | "UNCONFIRMED" | null {
  if (c.reasonCode) return c.reasonCode;
  if (c.applied === null) return "UNCONFIRMED";
  return c.applied ? null : "NOT_ACCEPTED";
}

export const CouponResultRef = builder.objectRef<CouponResult>("CouponResult").implement({
  description: "What became of a promo code. `applied` is null where the vendor does not report it per code.",
  fields: (t) => ({
    code: t.exposeString("code"),
    applied: t.boolean({ nullable: true, resolve: (c) => c.applied }),
    reason: t.string({ nullable: true, description: "For developers", resolve: (c) => c.reason }),
    reasonCode: t.field({ type: CouponReason, nullable: true, resolve: couponReason }),
  }),
});

export const promotionsOf = (list: Promotion[] | undefined, currency: string) =>
  (list ?? []).map((promotion) => ({ promotion, currency }));
