import type { LoyaltyCapabilities } from "../providers/port.ts";

/**
 * When each provider's points move. Providers that hold natively keep the hold until the order is
 * completed; a hold too short to last that long, or a hold kept in our own ledger, commits at
 * confirmation instead (and is refunded on cancellation where the provider can).
 */
export interface LoyaltyFlow {
  /** Where the points are held between applyBonuses and the commit. */
  hold: "PROVIDER" | "LEDGER";
  commitAt: "CONFIRM" | "COMPLETE";
  /** The provider wants the hold released before the purchase is recorded (BonusPlus, seed 001 2.3). */
  releaseBeforeCommit?: boolean;
  /** Why, for the README and for support. */
  reason: string;
}

export const LOYALTY_FLOWS: Record<string, LoyaltyFlow> = {
  bonusplus: { hold: "PROVIDER", commitAt: "COMPLETE", releaseBeforeCommit: true, reason: "reserve at applyBonuses; release + POST /retail when the order is done (seed 001, 2.3)" },
  rkeeper: { hold: "PROVIDER", commitAt: "COMPLETE", reason: "confirm with fingerprint holds; reset on change; close when done (seed 004)" },
  loyalclient: { hold: "PROVIDER", commitAt: "CONFIRM", reason: "holds last 30 minutes at most and end on any new operation at the point, too short for delivery" },
  integrations: { hold: "LEDGER", commitAt: "CONFIRM", reason: "no hold; the purchase (`bonus`) is idempotent and `refund` reverses it" },
  posiflora: { hold: "LEDGER", commitAt: "CONFIRM", reason: "no hold; points are an order payment, made once the order exists; a return reverses it" },
};

export function flowFor(adapter: string, capabilities: LoyaltyCapabilities): LoyaltyFlow {
  return LOYALTY_FLOWS[adapter] ?? {
    hold: capabilities.hold === "NATIVE" ? "PROVIDER" : "LEDGER",
    commitAt: capabilities.hold === "NATIVE" ? "COMPLETE" : "CONFIRM",
    reason: "derived from the declared capabilities",
  };
}
