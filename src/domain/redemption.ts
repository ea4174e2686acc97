import { InvalidInputError, LoyaltyRuleError } from "./errors.ts";
import type { Calculation, Cart } from "./ports/loyalty-provider.port.ts";

/**
 * Points asked beyond what the provider allows on this cart are refused the same way whichever
 * provider priced it: over the balance where the calculation knows it, otherwise over the limit.
 */
export function assertRedeemable(cart: Cart, calculation: Calculation): void {
  const max = calculation.maxRedeemablePoints;
  if (cart.redeemPoints <= max) return;
  if (calculation.balance !== undefined && cart.redeemPoints > calculation.balance) {
    throw new LoyaltyRuleError("INSUFFICIENT_BONUSES", "not enough points on the balance", max);
  }
  throw new LoyaltyRuleError("REDEEM_LIMIT_EXCEEDED", `at most ${max} points can be redeemed on this cart`, max);
}

const MAX_POINTS = 2_147_483_647;

/** Figures a client cannot be shown (GraphQL Int) are refused before anything is stored. */
export function assertRepresentable(calculation: Calculation): void {
  if (calculation.pointsEarned > MAX_POINTS || calculation.maxRedeemablePoints > MAX_POINTS) {
    throw new InvalidInputError("the cart is larger than the gateway prices", [
      { path: "lines", message: "too large a cart" },
    ]);
  }
}
