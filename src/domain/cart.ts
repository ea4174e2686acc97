import { z } from "zod";
import { InvalidInputError } from "./errors.ts";

/** Bounds on what a cart may contain; a price of 0 or of 10^9 minor units and above is refused. */
export const MAX_UNIT_PRICE = 999_999_999;
export const MAX_QUANTITY = 10_000;

export const cartLineSchema = z.object({
  productId: z.string().trim().min(1, "productId is required").max(100),
  name: z.string().max(200).nullish(),
  quantity: z.number().int("quantity must be a whole number").min(1, "quantity must be at least 1").max(MAX_QUANTITY),
  /** Optional where the shop has a catalog: the gateway prices the line, and a different price is PRICE_CHANGED. */
  unitPrice: z
    .object({
      amount: z
        .number()
        .int("amounts are integer minor units")
        .min(1, "price must be positive")
        .max(MAX_UNIT_PRICE, "price must be below 10^9 minor units"),
      currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as RUB"),
    })
    .nullish(),
});

export const calculationInputSchema = z.object({
  shopId: z.string().min(1),
  storeId: z.string().min(1).nullish(),
  phone: z.string().nullish(),
  providerId: z.string().nullish(),
  lines: z.array(cartLineSchema).min(1, "a cart needs at least one line").max(200),
  redeemPoints: z.number().int().min(0, "redeemPoints cannot be negative").max(1_000_000_000).nullish(),
  coupons: z
    .array(z.string().trim().min(1, "a promo code is not empty").max(64))
    .max(10, "at most 10 promo codes")
    .transform((codes) => [...new Set(codes)])
    .nullish(),
});
export type CalculationInput = z.infer<typeof calculationInputSchema>;

export type CartLineInput = z.infer<typeof cartLineSchema>;

/** A cart line with its price settled (by the catalog, or as sent where the shop has none). */
export interface PricedLineInput {
  productId: string;
  name: string | null;
  quantity: number;
  unitPrice: number;
}

/** Every price sent is in the shop's (or the order's) currency; there is no conversion. */
export function assertCurrency(lines: CartLineInput[], currency: string): void {
  lines.forEach((l, i) => {
    if (l.unitPrice && l.unitPrice.currency !== currency) {
      throw new InvalidInputError(`prices must be in ${currency}`, [
        { path: `lines.${i}.unitPrice.currency`, message: `must be ${currency}` },
      ]);
    }
  });
}

/** Input lines as stored and priced: numbered from 1, the unit price in minor units. */
export function toLines(
  lines: PricedLineInput[],
): Array<{ lineId: string; productId: string; name: string | null; quantity: number; unitPrice: number }> {
  return lines.map((l, i) => ({
    lineId: String(i + 1),
    productId: l.productId,
    name: l.name,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
  }));
}
