import type { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { allocate, decimalToMinor, decimalToPoints, mulDivFloor } from "../../domain/money.ts";
import type { VendorFailure } from "../http/provider-http.ts";
import type { Calculation, Cart, LoyaltyAccount, Promotion } from "../../domain/ports/loyalty-provider.port.ts";
import { type ActionWire, type BonusCalcWire, type clientWire, errorWire } from "./wire.ts";

export const POINT_VALUE_MINOR = 100;

/** The vendor counts money in whole rubles; a price with kopecks cannot be sent without rounding it. */
export function toRubles(provider: string, minor: number): number {
  if (minor % 100 !== 0) {
    throw new ProviderError("PROVIDER_REJECTED", `${provider} takes whole rubles only`, provider, {
      vendorCode: "FRACTIONAL_AMOUNT",
    });
  }
  return minor / 100;
}

/**
 * The vendor's numbers are JSON numbers. They are read from their shortest text form (what JSON.parse
 * gives back as `String(n)`), digit by digit (domain/money.ts), never multiplied as floats: money in
 * minor units, percents in basis points, points rounded down.
 */
const minor = (n: number) => decimalToMinor(n);
const basisPoints = (percent: number) => decimalToMinor(percent, 2);
export const points = (n: number) => decimalToPoints(n);
/** A position's amount: its unit price (minor units) times its quantity (read to 1/1000), rounded down. */
const amount = (price: number, qty: number) => mulDivFloor(minor(price), decimalToMinor(qty, 3), 1000);

export function toAccount(wire: z.infer<typeof clientWire>, phone: string | null): LoyaltyAccount {
  return {
    externalId: wire.id_client,
    phone: (wire.phone ?? phone ?? "").replace(/^\+/, ""),
    name: wire.name ?? null,
    balance: points(wire.balance),
    pendingBalance: 0,
    tier: null,
    nextTier: null,
    amountToNextTier: null,
    earnRateBp: basisPoints(wire.earn_percent),
    discountRateBp: null,
    maxRedeemRateBp: basisPoints(wire.redeem_limit_percent),
    redeemBlocked: wire.redemptions_blocked,
    redeemMultiple: 1,
  };
}

/** Promotions come from calculate/action (per position), points from calculate/bonus (per item). */
export function toCalculation(cart: Cart, actions: ActionWire, bonus: BonusCalcWire): Calculation {
  const subtotals = cart.lines.map((l) => l.unitPrice * l.quantity);
  // What the promotions made of each product, summed over its positions (NTH_FREE splits them).
  const promoted = new Map<string, number>();
  const names = new Map<string, string[]>();
  for (const p of actions.positions) {
    promoted.set(p.id_product, (promoted.get(p.id_product) ?? 0) + amount(p.price, p.qty));
    names.set(p.id_product, [...(names.get(p.id_product) ?? []), ...p.actions_names]);
  }
  const discountByProduct = new Map<string, number>();
  for (const [product, after] of promoted) {
    const before = cart.lines.filter((l) => l.productId === product).reduce((a, l) => a + l.unitPrice * l.quantity, 0);
    discountByProduct.set(product, Math.max(0, before - after));
  }
  const discounts = cart.lines.map(() => 0);
  for (const [product, total] of discountByProduct) {
    const idx = cart.lines.flatMap((l, i) => (l.productId === product ? [i] : []));
    allocate(
      total,
      idx.map((i) => subtotals[i]!),
    ).forEach((v, n) => {
      discounts[idx[n]!] = v;
    });
  }
  const nets = subtotals.map((s, i) => s - discounts[i]!);
  const redeemed = allocate(cart.redeemPoints * POINT_VALUE_MINOR, nets);
  const earned = points(bonus.bonus_value);
  const earns = allocate(
    earned,
    nets.map((n, i) => n - redeemed[i]!),
  );
  const byProduct = promotionsByProduct(actions);
  const lines = cart.lines.map((l, i) => ({
    lineId: l.lineId,
    productId: l.productId,
    quantity: l.quantity,
    subtotal: subtotals[i]!,
    discount: discounts[i]!,
    redeemed: redeemed[i]!,
    pointsEarned: earns[i]!,
    messages: [...new Set(names.get(l.productId) ?? [])],
    // A product's promotions go on its first line (several lines of one product share its positions).
    promotions:
      cart.lines.findIndex((x) => x.productId === l.productId) === i ? (byProduct.get(l.productId) ?? []) : [],
  }));
  const subtotal = subtotals.reduce((a, b) => a + b, 0);
  const discount = discounts.reduce((a, b) => a + b, 0);
  const redeemedTotal = cart.redeemPoints * POINT_VALUE_MINOR;
  return {
    lines,
    subtotal,
    discount,
    redeemed: redeemedTotal,
    redeemedPoints: cart.redeemPoints,
    pointsEarned: earned,
    maxRedeemablePoints: points(bonus.max_pay_bonus),
    total: subtotal - discount - redeemedTotal,
    vendorRef: null,
    promotions: [],
    // `info`: "Человекочитаемые описания применённых акций".
    messages: actions.info ?? [],
  };
}

/**
 * Each action of calculate/action's positions as a promotion of its product. The seed gives kinds only
 * by effect: a position at price 0 with a `base_price` is a free unit (NTH_FREE "может разбивать позицию
 * на несколько строк (например, бесплатные и платные позиции)"), one below its `base_price` a discount,
 * and an action that changes no price a points multiplier ("POINTS_MULTIPLIER попадает в actions, но цену
 * не меняет").
 */
function promotionsByProduct(actions: ActionWire): Map<string, Promotion[]> {
  const found = new Map<string, Map<string, { name: string; off: number; free: number; priced: boolean }>>();
  for (const p of actions.positions) {
    const product =
      found.get(p.id_product) ?? new Map<string, { name: string; off: number; free: number; priced: boolean }>();
    found.set(p.id_product, product);
    const base = p.base_price ?? null;
    p.actions.forEach((id, k) => {
      const entry = product.get(id) ?? { name: p.actions_names[k] ?? id, off: 0, free: 0, priced: false };
      if (base !== null && p.price < base) {
        entry.priced = true;
        if (p.price === 0) entry.free += decimalToPoints(p.qty);
        entry.off += Math.max(0, amount(base, p.qty) - amount(p.price, p.qty));
      }
      product.set(id, entry);
    });
  }
  return new Map(
    [...found].map(([product, byAction]) => [
      product,
      [...byAction].map(([id, a]): Promotion => ({
        id,
        name: a.name,
        kind: !a.priced ? "POINTS_MULTIPLIER" : a.free > 0 ? "GIFT" : "DISCOUNT",
        amount: a.priced ? a.off : null,
        freeQuantity: a.free > 0 ? a.free : null,
      })),
    ]),
  );
}

/** `{error, code, message, statusCode, ...}`; business errors are mostly 400 and told apart by message. */
export function mapIntegrationsError(provider: string, failure: VendorFailure): ProviderError {
  const parsed = errorWire.safeParse(failure.body);
  const code = parsed.success ? parsed.data.code : String(failure.status);
  const message = parsed.success ? (parsed.data.message ?? "") : "";
  if (failure.status === 401 || failure.status === 403) {
    return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} refused the gateway's credentials`, provider, {
      vendorCode: code,
    });
  }
  if (code === "NotFound" || /client not found/i.test(message))
    return new ProviderError("CUSTOMER_NOT_FOUND", `${provider}: client not found`, provider, { vendorCode: code });
  if (/not enough|insufficient/i.test(message))
    return new ProviderError("INSUFFICIENT_BONUSES", `${provider}: not enough points`, provider, { vendorCode: code });
  if (/exceeds max_pay_bonus/i.test(message))
    return new ProviderError("REDEEM_LIMIT_EXCEEDED", `${provider}: ${message}`, provider, { vendorCode: code });
  if (/redemptions? (are )?blocked/i.test(message))
    return new ProviderError("REDEEM_BLOCKED", `${provider}: redemptions blocked`, provider, { vendorCode: code });
  return new ProviderError("PROVIDER_REJECTED", `${provider} rejected the request (${code})`, provider, {
    vendorCode: code,
  });
}
