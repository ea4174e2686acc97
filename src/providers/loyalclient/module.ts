import { z } from "zod";
import { ProviderHttp } from "../http/provider-http.ts";
import { defineLoyaltyModule, httpSettings } from "../module.ts";
import { LoyalClientAdapter, options } from "./adapter.ts";
import { mapLoyalClientError, POINT_VALUE_MINOR } from "./mapper.ts";

/** LoyalClient (seed 003): a native hold of 30 minutes at most, made again before the sale is recorded at completion. */
export const loyalClientModule = defineLoyaltyModule({
  id: "loyalclient",
  options,
  credentials: z.object({ apiKey: z.string().min(1) }),
  capabilities: {
    lookupBy: ["PHONE", "CARD", "QR"],
    calculation: "CHEQUE",
    hold: "NATIVE",
    refund: "NONE",
    phoneVerification: false,
    registration: false,
    profileUpdate: false,
    coupons: false,
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
      holdCanLapse: true,
      reason:
        "`retail` both spends and accrues, so it is sent at completion; holds last 30 minutes at most and end on any new operation at the point, so the hold is made again right before it",
    },
    replay: {
      commit: false,
      refund: false,
      reason: "`retail` is not documented as deduplicated; no refund is documented",
    },
    pointValue: POINT_VALUE_MINOR,
    revocation: { scale: "WHOLE", negativeBalance: false, reason: "no refund is documented" },
  },
  create: (instance, deps) =>
    new LoyalClientAdapter(
      instance.id,
      new ProviderHttp({
        ...httpSettings(instance, deps),
        headers: () => ({ apikey: instance.credentials.apiKey! }),
        mapError: (failure) => mapLoyalClientError(instance.id, failure),
      }),
      instance.options,
    ),
});
