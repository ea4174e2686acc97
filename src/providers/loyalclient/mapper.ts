import { ProviderError } from "../../domain/errors.ts";
import { allocate, decimalToMinor, decimalToPoints, mulDivFloor } from "../../domain/money.ts";
import type { VendorFailure } from "../http/provider-http.ts";
import type { Calculation, Cart, LoyaltyAccount } from "../../domain/ports/loyalty-provider.port.ts";
import { type clientWire, fieldErrorsWire, type recalcWire } from "./wire.ts";
import type { z } from "zod";

export const POINT_VALUE_MINOR = 100;

export function toAccount(wire: z.infer<typeof clientWire>["client"], phone: string): LoyaltyAccount {
  const cashback = wire.level.type === "cashback";
  const percentBp = decimalToMinor(wire.level.percent, 2);
  return {
    externalId: wire.id,
    phone: wire.phone ?? phone,
    name: wire.name ?? null,
    balance: decimalToPoints(wire.balance),
    pendingBalance: 0,
    tier: wire.level.title ?? null,
    nextTier: null,
    amountToNextTier: null,
    earnRateBp: cashback ? percentBp : 0,
    discountRateBp: cashback ? 0 : percentBp,
    maxRedeemRateBp: cashback && wire.level.maxSpendPercent != null ? decimalToMinor(wire.level.maxSpendPercent, 2) : 0,
    redeemBlocked: !cashback,
    redeemMultiple: 1,
  };
}

/**
 * LoyalClient prices the whole cheque. A discount level's discount and the points are spread over
 * the lines in proportion to their amounts, exactly (largest remainder).
 */
export function toCalculation(cart: Cart, wire: z.infer<typeof recalcWire>["recalc"]): Calculation {
  const subtotals = cart.lines.map((l) => l.unitPrice * l.quantity);
  const subtotal = subtotals.reduce((a, b) => a + b, 0);
  const discount = wire.type === "discount" ? mulDivFloor(subtotal, decimalToMinor(wire.percent, 2), 10_000) : 0;
  const redeemed = cart.redeemPoints * POINT_VALUE_MINOR;
  // Points are either spent or earned on one operation: with a redemption nothing accrues.
  const earned = cart.redeemPoints > 0 || wire.earn == null ? 0 : decimalToPoints(wire.earn);
  const discounts = allocate(discount, subtotals);
  const redeems = allocate(redeemed, subtotals);
  const earns = allocate(earned, subtotals);
  return {
    lines: cart.lines.map((l, i) => ({
      lineId: l.lineId,
      productId: l.productId,
      quantity: l.quantity,
      subtotal: subtotals[i]!,
      discount: discounts[i]!,
      redeemed: redeems[i]!,
      pointsEarned: earns[i]!,
      messages: [],
    })),
    subtotal,
    discount,
    redeemed,
    redeemedPoints: cart.redeemPoints,
    pointsEarned: earned,
    maxRedeemablePoints: decimalToPoints(wire.spend),
    total: subtotal - discount - redeemed,
    vendorRef: null,
  };
}

/** 422 `{field: message}`: `client` → not found, `spend` → a redemption refused, anything else rejected. */
export function mapLoyalClientError(provider: string, failure: VendorFailure): ProviderError {
  if (failure.status === 401 || failure.status === 403) {
    return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} refused the gateway's credentials`, provider, {
      vendorCode: String(failure.status),
    });
  }
  const fields = fieldErrorsWire.safeParse(failure.body);
  const keys = fields.success ? Object.keys(fields.data) : [];
  const vendorCode = keys.join(",") || String(failure.status);
  if (keys.includes("client"))
    return new ProviderError("CUSTOMER_NOT_FOUND", `${provider}: client not found`, provider, { vendorCode });
  if (keys.includes("spend"))
    return new ProviderError("REDEEM_LIMIT_EXCEEDED", `${provider}: ${fields.data!.spend}`, provider, { vendorCode });
  if (keys.includes("amount") && failure.path.includes("hold"))
    return new ProviderError("INSUFFICIENT_BONUSES", `${provider}: not enough points to hold`, provider, {
      vendorCode,
    });
  return new ProviderError("PROVIDER_REJECTED", `${provider} rejected the request (${vendorCode})`, provider, {
    vendorCode,
  });
}
