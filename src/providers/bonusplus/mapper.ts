import { ProviderError } from "../../domain/errors.ts";
import { decimalToMinor, decimalToPoints, minorToJsonNumber } from "../../domain/money.ts";
import type { VendorFailure } from "../http/provider-http.ts";
import type {
  Calculation,
  Cart,
  CouponResult,
  CustomerProfile,
  LoyaltyAccount,
  Promotion,
} from "../../domain/ports/loyalty-provider.port.ts";
import { type CalcRequestWire, type CalcWire, type CustomerWire, errorWire } from "./wire.ts";

export function toAccount(wire: CustomerWire): LoyaltyAccount {
  const name = [wire.person?.fn, wire.person?.ln].filter(Boolean).join(" ");
  return {
    externalId: wire.phone,
    phone: wire.phone,
    name: name || null,
    balance: decimalToPoints(wire.availableBonuses),
    pendingBalance: wire.notActiveBonuses == null ? 0 : decimalToPoints(wire.notActiveBonuses),
    tier: wire.discountCardName ?? null,
    nextTier: wire.nextCardName ?? null,
    amountToNextTier: wire.purchasesSumToNextCard == null ? null : decimalToMinor(wire.purchasesSumToNextCard),
    // BonusPlus computes earning per cart in retail/calc; the customer record has no earn rate.
    earnRateBp: null,
    discountRateBp: wire.baseDiscountPercent == null ? null : decimalToMinor(wire.baseDiscountPercent, 2),
    maxRedeemRateBp: null,
    redeemBlocked: wire.bonusDebitDenided ?? false,
    redeemMultiple: Math.max(1, wire.multiplicityDebitBonus == null ? 1 : decimalToPoints(wire.multiplicityDebitBonus)),
  };
}

/**
 * A line's `ext`. Seed 001 2.2: "В качестве идентификатора можете использовать, например, строку вида
 * <ID-ЗАКАЗА_НОМЕР-ПОЗИЦИИ>. Необходимо добиться уникальности данного идентификатора." Where the order
 * is known (a sale, a return) it is `<order id>_<line id>` (the gateway's line ids are the positions,
 * 1, 2, ...); a calculation has no order yet, and sends the line id alone.
 */
export function lineExt(orderId: string | null, lineId: string): string {
  return orderId ? `${orderId}_${lineId}` : lineId;
}

export function toCalcRequest(
  cart: Cart & { customer: { phone: string } },
  store: string,
  orderId: string | null = null,
): CalcRequestWire {
  return {
    phone: cart.customer.phone,
    store,
    coupons: cart.coupons ?? [],
    bonusDebit: cart.redeemPoints,
    items: cart.lines.map((l) => ({
      sum: minorToJsonNumber(l.unitPrice * l.quantity),
      qnt: l.quantity,
      product: l.productId,
      ds: minorToJsonNumber(l.shopDiscount ?? 0),
      ext: lineExt(orderId, l.lineId),
    })),
  };
}

/** The customer record's own fields (`phone`, `person{fn, ln}`): the name split at its first space. */
export function toCustomerBody(profile: CustomerProfile) {
  const [fn, ...rest] = profile.name.trim().split(/\s+/);
  return { phone: profile.phone, person: { fn: fn ?? "", ...(rest.length ? { ln: rest.join(" ") } : {}) } };
}

/**
 * The seed names no result per coupon: 2.2's `messages` are "сообщения о том, какие правила и акции
 * сработали для позиции". A coupon a line's message names is applied; of any other the vendor says nothing.
 */
function couponResults(cart: Cart, messages: string[]): CouponResult[] {
  return (cart.coupons ?? []).map((code) =>
    messages.some((m) => m.toLowerCase().includes(code.toLowerCase()))
      ? { code, applied: true, reason: null }
      : { code, applied: null, reason: "BonusPlus reports no result per coupon, and no rule message names it" },
  );
}

/** A line's messages as promotions: one message with the vendor's own discount (`ids`) is that discount. */
function linePromotions(messages: string[], ids: number): Promotion[] {
  return messages.map((name) => ({
    id: null,
    name,
    kind: messages.length === 1 && ids > 0 ? ("DISCOUNT" as const) : ("OTHER" as const),
    amount: messages.length === 1 && ids > 0 ? ids : null,
    freeQuantity: null,
  }));
}

/** One bonus point pays one ruble at BonusPlus. */
export const POINT_VALUE_MINOR = 100;

export function toCalculation(cart: Cart, wire: CalcWire): Calculation {
  const byExt = new Map(wire.discount.map((d) => [d.ext, d]));
  const lines = cart.lines.map((l) => {
    const d = byExt.get(l.lineId);
    const subtotal = l.unitPrice * l.quantity;
    const shop = l.shopDiscount ?? 0;
    const ids = d?.ids == null ? 0 : decimalToMinor(d.ids);
    const messages = d?.messages ?? [];
    return {
      lineId: l.lineId,
      productId: l.productId,
      quantity: l.quantity,
      subtotal,
      discount: shop + ids,
      redeemed: d?.db == null ? 0 : decimalToMinor(d.db),
      pointsEarned: d?.cb == null ? 0 : decimalToPoints(d.cb),
      messages,
      promotions: linePromotions(messages, ids),
    };
  });
  const sum = (f: (x: (typeof lines)[number]) => number) => lines.reduce((a, x) => a + f(x), 0);
  const redeemed = sum((x) => x.redeemed);
  return {
    lines,
    subtotal: sum((x) => x.subtotal),
    discount: sum((x) => x.discount),
    redeemed,
    redeemedPoints: Math.floor(redeemed / POINT_VALUE_MINOR),
    pointsEarned: sum((x) => x.pointsEarned),
    maxRedeemablePoints: decimalToPoints(wire.maxDebitBonuses),
    total: sum((x) => x.subtotal - x.discount - x.redeemed),
    vendorRef: null,
    coupons: couponResults(
      cart,
      lines.flatMap((x) => x.messages),
    ),
    promotions: [],
    messages: [],
  };
}

/** The HTTP status of each mapped error, for the adapter's decisions by flow (412 is "a business rule"). */
const STATUS = new WeakMap<ProviderError, number>();

export function statusOf(error: unknown): number | null {
  return error instanceof ProviderError ? (STATUS.get(error) ?? null) : null;
}

/**
 * BonusPlus answers `{code, msg}`: 400 bad request, 401/403 credentials, 404 missing, 412 a business
 * rule (README.md, "Errors"). The only code a document names is `CUSTOMER_NOT_FOUND`; every other refusal is
 * PROVIDER_REJECTED with the vendor's code kept, and the adapter tells a refused redemption from the
 * flow (which call, which amounts), never from a code.
 */
export function mapBonusPlusError(provider: string, failure: VendorFailure): ProviderError {
  const parsed = errorWire.safeParse(failure.body);
  const vendorCode = parsed.success ? parsed.data.code : String(failure.status);
  let error: ProviderError;
  if (failure.status === 401 || failure.status === 403) {
    error = new ProviderError("PROVIDER_UNAVAILABLE", `${provider} refused the gateway's credentials`, provider, {
      vendorCode,
    });
  } else if (vendorCode === "CUSTOMER_NOT_FOUND" || (failure.status === 404 && failure.path.startsWith("customer"))) {
    error = new ProviderError("CUSTOMER_NOT_FOUND", `${provider}: ${vendorCode}`, provider, { vendorCode });
  } else {
    error = new ProviderError("PROVIDER_REJECTED", `${provider} rejected the request (${vendorCode})`, provider, {
      vendorCode,
    });
  }
  STATUS.set(error, failure.status);
  return error;
}
