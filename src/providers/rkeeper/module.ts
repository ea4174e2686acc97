import { z } from "zod";
import { defineLoyaltyModule } from "../module.ts";
import { options, RkeeperAdapter } from "./adapter.ts";
import { createRkeeperHttp } from "./client.ts";
import { POINT_VALUE_MINOR } from "./mapper.ts";

/** r_keeper loyalty (seed 004): calculate → confirm (holds) → reset on change → close when done. */
export const rkeeperModule = defineLoyaltyModule({
  id: "rkeeper",
  options,
  credentials: z.object({ apiKey: z.string().min(1), password: z.string().min(1) }),
  capabilities: {
    lookupBy: ["PHONE"],
    calculation: "LINES",
    hold: "NATIVE",
    refund: "NONE",
    phoneVerification: false,
    registration: false,
    profileUpdate: false,
    coupons: true,
    productImport: false,
    balanceFeed: false,
    pointsHistory: false,
  },
  requiresOrderSystem: null,
  behaviour: {
    flow: {
      redeemedAs: "DISCOUNT",
      commitAt: "COMPLETE",
      releaseBeforeCommit: false,
      commitOnlyToRedeem: false,
      holdCanLapse: false,
      reason: "confirm with fingerprint holds; reset on change; close when done (seed 004)",
    },
    replay: {
      commit: false,
      refund: false,
      reason: "seed 004 closes an order once and says nothing of a second `orders/close`; no refund is documented",
    },
    pointValue: POINT_VALUE_MINOR,
    revocation: { scale: "WHOLE", negativeBalance: false, reason: "no refund is documented" },
  },
  create: (instance, deps) => new RkeeperAdapter(instance.id, createRkeeperHttp(instance, deps), instance.options),
});
