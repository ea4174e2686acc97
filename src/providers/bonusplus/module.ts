import { z } from "zod";
import { defineLoyaltyModule } from "../module.ts";
import { BonusPlusAdapter, options } from "./adapter.ts";
import { createBonusPlusHttp } from "./client.ts";
import { POINT_VALUE_MINOR } from "./mapper.ts";

/** BonusPlus (seed 001): a native reserve at applyBonuses, the sale recorded once the order is done. */
export const bonusPlusModule = defineLoyaltyModule({
  id: "bonusplus",
  options,
  credentials: z.object({ apiKey: z.string().min(1) }),
  capabilities: {
    lookupBy: ["PHONE"],
    calculation: "LINES",
    hold: "NATIVE",
    refund: "PARTIAL",
    phoneVerification: true,
    registration: true,
    profileUpdate: true,
    coupons: true,
    productImport: true,
    balanceFeed: false,
    pointsHistory: false,
  },
  requiresOrderSystem: null,
  behaviour: {
    flow: {
      redeemedAs: "DISCOUNT",
      commitAt: "COMPLETE",
      releaseBeforeCommit: true,
      commitOnlyToRedeem: false,
      holdCanLapse: false,
      reason: "reserve at applyBonuses; release + POST /retail when the order is done (seed 001, 2.3)",
    },
    replay: {
      commit: false,
      refund: false,
      reason: "POST /retail and PUT /retail/back are not documented as deduplicated",
    },
    pointValue: POINT_VALUE_MINOR,
    revocation: {
      scale: "LINES",
      negativeBalance: false,
      reason:
        "PUT /retail/back returns part of a line (seed 001, 2.4), and the points earned go back in proportion; no document allows a negative balance",
    },
  },
  create: (instance, deps) => new BonusPlusAdapter(instance.id, createBonusPlusHttp(instance, deps), instance.options),
});
