import { createHash } from "node:crypto";
import { ProviderError } from "../../domain/errors.ts";
import { allocate, decimalToMinor, decimalToPoints, mulDivFloor } from "../../domain/money.ts";
import type { VendorFailure } from "../http/provider-http.ts";
import type { Calculation, Cart, LoyaltyAccount } from "../../domain/ports/loyalty-provider.port.ts";
import { type BonusGroupResource, type CustomerResource, errorsWire } from "./wire.ts";

/** One Posiflora bonus point pays one ruble. */
export const POINT_VALUE_MINOR = 100;

/** The group's rates in basis points: `bonusRate` (earn) and `limit` (largest share of an order payable in points). */
export interface GroupRules {
  title: string | null;
  earnBp: number;
  redeemBp: number;
}

export function toRules(group: BonusGroupResource | null): GroupRules {
  if (!group || group.attributes.status === "off")
    return { title: group?.attributes.title ?? null, earnBp: 0, redeemBp: 0 };
  return {
    title: group.attributes.title ?? null,
    earnBp: decimalToMinor(group.attributes.bonusRate, 2),
    redeemBp: group.attributes.limit == null ? 0 : decimalToMinor(group.attributes.limit, 2),
  };
}

/** Posiflora keeps `phone` and `countryCode` apart; either spelling may be stored. */
export function phoneMatches(customer: CustomerResource, phone: string): boolean {
  const local = (customer.attributes.phone ?? "").replace(/\D/g, "");
  const code = customer.attributes.countryCode ?? "";
  return local === phone || `${code}${local}` === phone;
}

export function toAccount(customer: CustomerResource, phone: string, rules: GroupRules): LoyaltyAccount {
  return {
    externalId: customer.id,
    phone,
    name: customer.attributes.title ?? null,
    balance: customer.attributes.currentPoints == null ? 0 : decimalToPoints(customer.attributes.currentPoints),
    pendingBalance: 0,
    tier: rules.title,
    nextTier: null,
    amountToNextTier: null,
    earnRateBp: rules.earnBp,
    discountRateBp: null,
    maxRedeemRateBp: rules.redeemBp,
    redeemBlocked: customer.attributes.status !== "on" || rules.redeemBp === 0,
    redeemMultiple: 1,
  };
}

/** Posiflora has no calculation endpoint: the customer's bonus group decides, in whole points, rounding down. */
export function calculateByRules(cart: Cart, balance: number, rules: GroupRules): Calculation {
  const subtotals = cart.lines.map((l) => l.unitPrice * l.quantity);
  const shop = cart.lines.map((l) => l.shopDiscount ?? 0);
  const nets = subtotals.map((s, i) => s - shop[i]!);
  const net = nets.reduce((a, b) => a + b, 0);
  const max = Math.max(0, Math.min(balance, Math.floor(mulDivFloor(net, rules.redeemBp, 10_000) / POINT_VALUE_MINOR)));
  const redeemedTotal = cart.redeemPoints * POINT_VALUE_MINOR;
  const redeemed = allocate(redeemedTotal, nets);
  const earned = Math.floor(mulDivFloor(net - redeemedTotal, rules.earnBp, 10_000) / POINT_VALUE_MINOR);
  const earns = allocate(
    earned,
    nets.map((n, i) => n - redeemed[i]!),
  );
  const lines = cart.lines.map((l, i) => ({
    lineId: l.lineId,
    productId: l.productId,
    quantity: l.quantity,
    subtotal: subtotals[i]!,
    discount: shop[i]!,
    redeemed: redeemed[i]!,
    pointsEarned: earns[i]!,
    messages: [],
  }));
  const subtotal = subtotals.reduce((a, b) => a + b, 0);
  return {
    lines,
    subtotal,
    discount: shop.reduce((a, b) => a + b, 0),
    redeemed: redeemedTotal,
    redeemedPoints: cart.redeemPoints,
    pointsEarned: earned,
    maxRedeemablePoints: max,
    total: net - redeemedTotal,
    vendorRef: null,
  };
}

/** The vendorCode of a 404 answer. */
export const NOT_FOUND = "NOT_FOUND";
/** The vendorCode of a 409 answer: on a create with our own id, JSON:API's "already exists". */
export const CONFLICT = "409";

/** Whether `error` is JSON:API's 409 Conflict. */
export function isConflict(error: unknown): boolean {
  return error instanceof ProviderError && error.vendorCode === CONFLICT;
}

/** A client-made JSON:API id for a write, the same for every repeat of one idempotency key. */
export function stableId(idempotencyKey: string): string {
  const h = createHash("sha256").update(idempotencyKey).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * `{"errors":[{status, code, title, detail}]}`. No document lists Posiflora's error codes, so every
 * decision is by HTTP status, which JSON:API defines: 401/403 keep their status as the code (so the
 * session can start again), 404 is `NOT_FOUND`, and 409 is `409`, JSON:API's "client-generated ID that
 * already exists" on a create. The vendor's own code is kept in the message only.
 */
export function mapPosifloraError(provider: string, failure: VendorFailure): ProviderError {
  const parsed = errorsWire.safeParse(failure.body);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  if (failure.status === 401 || failure.status === 403) {
    return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} refused the gateway's credentials`, provider, {
      vendorCode: String(failure.status),
    });
  }
  const vendorCode = first?.code ?? String(failure.status);
  if (failure.status === 404)
    return new ProviderError("PROVIDER_REJECTED", `${provider}: not found (${vendorCode})`, provider, {
      vendorCode: NOT_FOUND,
    });
  if (failure.status === 409)
    return new ProviderError("PROVIDER_REJECTED", `${provider}: conflict (${vendorCode})`, provider, {
      vendorCode: CONFLICT,
    });
  if (/not enough|insufficient/i.test(first?.detail ?? ""))
    return new ProviderError("INSUFFICIENT_BONUSES", `${provider}: not enough points`, provider, { vendorCode });
  return new ProviderError("PROVIDER_REJECTED", `${provider} rejected the request (${vendorCode})`, provider, {
    vendorCode,
  });
}
