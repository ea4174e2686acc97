import { ProviderError } from "../../domain/errors.ts";
import { allocate, decimalToMinor, decimalToPoints, minorToJsonNumber } from "../../domain/money.ts";
import type { VendorFailure } from "../http/provider-http.ts";
import type {
  Calculation,
  Cart,
  CouponResult,
  LoyaltyAccount,
  Promotion,
} from "../../domain/ports/loyalty-provider.port.ts";
import { type CalculateWire, errorWire, type OrderDto } from "./wire.ts";

export const POINT_VALUE_MINOR = 100;

/**
 * The cart as the vendor's OrderDto: `openedAt` ("Дата/время открытия заказа") is when the order was
 * opened, the same on every call for it (now, for a cart that is no order yet); `price` is the line at
 * list price, `cost` after the shop's own discount.
 */
export function toOrder(cart: Cart, now: Date): OrderDto {
  return {
    openedAt: cart.openedAt ?? now.toISOString(),
    items: cart.lines.map((l) => {
      const price = l.unitPrice * l.quantity;
      const discount = l.shopDiscount ?? 0;
      return {
        product: { code: l.productId, name: l.name ?? l.productId },
        price: minorToJsonNumber(price),
        cost: minorToJsonNumber(price - discount),
        ...(discount ? { discount: minorToJsonNumber(discount) } : {}),
        quantity: l.quantity,
      };
    }),
  };
}

/** Splits per-product-code totals over the cart lines with that code, by their amounts. */
function perLine(cart: Cart, totals: Array<{ code: string; total: string | number }>): number[] {
  const out = cart.lines.map(() => 0);
  for (const { code, total } of totals) {
    const idx = cart.lines.flatMap((l, i) => (l.productId === code ? [i] : []));
    if (!idx.length) continue;
    const parts = allocate(
      decimalToMinor(total),
      idx.map((i) => cart.lines[i]!.unitPrice * cart.lines[i]!.quantity),
    );
    idx.forEach((i, n) => {
      out[i]! += parts[n]!;
    });
  }
  return out;
}

/**
 * r_keeper quotes accrual for paying nothing (`min`) and for paying the most (`max`), not for amounts
 * in between. Its accrual is a percentage of the money paid (the guest's rank's `cashbackPercentage`), so
 * between the two quotes it falls in a straight line with the points paid: it is read there, rounded down,
 * so a customer is never promised more than r_keeper accrues.
 */
export function toCalculation(cart: Cart, wire: CalculateWire): Calculation {
  const { summary, details } = wire.loyalty;
  const max = decimalToPoints(summary.bonuses?.max.payments?.total ?? 0);
  const accrualNone = decimalToPoints(summary.bonuses?.min.accruals?.total ?? 0);
  const accrualMax = decimalToPoints(summary.bonuses?.max.accruals?.total ?? 0);
  const earned =
    cart.redeemPoints === 0 || max === 0
      ? accrualNone
      : cart.redeemPoints >= max
        ? accrualMax
        : accrualNone - Math.ceil(((accrualNone - accrualMax) * cart.redeemPoints) / max);
  const subtotals = cart.lines.map((l) => l.unitPrice * l.quantity);
  const discounts = perLine(cart, summary.discounts.totalByCode);
  const shop = cart.lines.map((l) => l.shopDiscount ?? 0);
  const maxByLine = perLine(cart, summary.bonuses?.max.payments?.totalByCode ?? []);
  const redeemed = allocate(
    cart.redeemPoints * POINT_VALUE_MINOR,
    maxByLine.some((v) => v > 0) ? maxByLine : subtotals,
  );
  const nets = subtotals.map((s, i) => Math.max(0, s - shop[i]! - discounts[i]! - redeemed[i]!));
  const earns = allocate(earned, nets);
  const messages = (code: string) =>
    details.programs
      .filter((p) => p.discounts?.totalByCode.some((d) => d.code === code))
      .flatMap((p) => [p.program.name, ...p.notifications.map((n) => n.primary)]);
  const promotions = (i: number) => linePromotions(cart, i, details.programs);
  const lines = cart.lines.map((l, i) => ({
    lineId: l.lineId,
    productId: l.productId,
    quantity: l.quantity,
    subtotal: subtotals[i]!,
    discount: shop[i]! + discounts[i]!,
    redeemed: redeemed[i]!,
    pointsEarned: earns[i]!,
    messages: messages(l.productId),
    promotions: promotions(i),
  }));
  const sum = (f: (x: (typeof lines)[number]) => number) => lines.reduce((a, x) => a + f(x), 0);
  return {
    lines,
    subtotal: sum((x) => x.subtotal),
    discount: sum((x) => x.discount),
    redeemed: sum((x) => x.redeemed),
    redeemedPoints: cart.redeemPoints,
    pointsEarned: earned,
    maxRedeemablePoints: max,
    total: sum((x) => x.subtotal - x.discount - x.redeemed),
    vendorRef: wire.loyalty.fingerprint,
    ...(details.bonuses?.progress ? { balance: decimalToPoints(details.bonuses.progress.balance) } : {}),
    coupons: (cart.coupons ?? []).map((code) => couponResult(code, details.programs)),
    // Campaigns that discount no product, and the bonus programme's notes, are the cart's.
    promotions: details.programs
      .filter((p) => !p.discounts?.totalByCode.some((d) => cart.lines.some((l) => l.productId === d.code)))
      .map((p) => ({
        id: p.program.id,
        name: p.program.name,
        kind: "OTHER" as const,
        amount: null,
        freeQuantity: null,
      })),
    messages: [
      ...details.programs.flatMap((p) =>
        p.notifications.flatMap((n) => [n.primary, ...(n.secondary ? [n.secondary] : [])]),
      ),
      ...(details.bonuses?.notifications ?? []).flatMap((n) => [n.primary, ...(n.secondary ? [n.secondary] : [])]),
    ],
  };
}

type Program = CalculateWire["loyalty"]["details"]["programs"][number];

/**
 * A campaign's share of one line (CampaignResultDto: `program{id, name}` and `discounts.totalByCode`).
 * The DTO has no kind, so a discount of whole units at their price is read as a gift of those units
 * (the seed's "подарок на напиток"), and any other as a discount.
 */
function linePromotions(cart: Cart, index: number, programs: Program[]): Promotion[] {
  const line = cart.lines[index]!;
  const sameCode = cart.lines.filter((l) => l.productId === line.productId);
  return programs.flatMap((p) => {
    const total = p.discounts?.totalByCode.find((d) => d.code === line.productId)?.total;
    if (total === undefined) return [];
    const all = decimalToMinor(total);
    const share = allocate(
      all,
      sameCode.map((l) => l.unitPrice * l.quantity),
    )[sameCode.indexOf(line)]!;
    const units = line.unitPrice > 0 && share > 0 && share % line.unitPrice === 0 ? share / line.unitPrice : 0;
    return [
      {
        id: p.program.id,
        name: p.program.name,
        kind: units > 0 ? ("GIFT" as const) : ("DISCOUNT" as const),
        amount: share,
        freeQuantity: units > 0 ? units : null,
      },
    ];
  });
}

/**
 * No DTO reports a promo code's fate: `promocodes` go in, and their effect comes back as campaigns. A
 * code that a campaign's name or notification names is applied; of any other the vendor says nothing.
 */
function couponResult(code: string, programs: Program[]): CouponResult {
  const named = programs.some((p) =>
    [p.program.name, ...p.notifications.flatMap((n) => [n.primary, n.secondary ?? ""])].some((t) =>
      t.toLowerCase().includes(code.toLowerCase()),
    ),
  );
  return named
    ? { code, applied: true, reason: null }
    : { code, applied: null, reason: "r_keeper reports no result per promo code, and no campaign names it" };
}

export function toAccount(
  phone: string,
  guest: { firstName?: string | null; lastName?: string | null },
  wire: CalculateWire,
): LoyaltyAccount {
  const progress = wire.loyalty.details.bonuses?.progress;
  const name = [guest.firstName, guest.lastName].filter(Boolean).join(" ");
  return {
    externalId: phone,
    phone: phone.replace(/^\+/, ""),
    name: name || null,
    balance: progress ? decimalToPoints(progress.balance) : 0,
    pendingBalance: 0,
    tier: progress?.rank.name ?? null,
    nextTier: null,
    amountToNextTier: null,
    earnRateBp: progress ? decimalToMinor(progress.rank.cashbackPercentage, 2) : null,
    discountRateBp: null,
    // The share of an order payable in points is not published per guest; it shows in each calculation.
    maxRedeemRateBp: null,
    redeemBlocked: false,
    redeemMultiple: 1,
  };
}

/**
 * `{"error":{"code","message"}}` on 400. The vendor publishes no catalogue of codes, so none is mapped:
 * a refusal is PROVIDER_REJECTED with the vendor's code kept, and the adapter tells the loyalty cases
 * apart by the flow (a calculation's maximum, `guests/get`).
 */
export function mapRkeeperError(provider: string, failure: VendorFailure): ProviderError {
  const parsed = errorWire.safeParse(failure.body);
  const vendorCode = parsed.success ? parsed.data.error.code : String(failure.status);
  if (failure.status === 401 || failure.status === 403) {
    return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} refused the gateway's credentials`, provider, {
      vendorCode,
    });
  }
  return new ProviderError("PROVIDER_REJECTED", `${provider}: ${vendorCode}`, provider, { vendorCode });
}
