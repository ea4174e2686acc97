import { z } from "zod";
import { ProviderHttp } from "../http/provider-http.ts";
import { defineLoyaltyModule, httpSettings } from "../module.ts";
import { IntegrationsAdapter, options } from "./adapter.ts";
import { mapIntegrationsError, POINT_VALUE_MINOR } from "./mapper.ts";

/** The "Integrations" API (seed 002): no hold, so the gateway keeps one in its ledger; `bonus` at completion. */
export const integrationsModule = defineLoyaltyModule({
  id: "integrations",
  options,
  credentials: z.object({ apiKey: z.string().min(1) }),
  capabilities: {
    lookupBy: ["QR"],
    calculation: "LINES",
    hold: "LEDGER",
    refund: "FULL",
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
      holdCanLapse: false,
      reason:
        "no hold; `bonus` both spends and accrues, so it is sent once the sale is real (completion), never on a customer's confirmation alone",
    },
    replay: {
      commit: true,
      refund: true,
      reason: "`bonus` is deduplicated by idempotency_key; a `refund` replay within 72 h returns the stored result",
    },
    pointValue: POINT_VALUE_MINOR,
    revocation: {
      scale: "WHOLE",
      negativeBalance: false,
      reason:
        "`refund` cancels the whole purchase (seed 002, REFUND: points_revoked); no document allows a negative balance",
    },
  },
  create: (instance, deps) =>
    new IntegrationsAdapter(
      instance.id,
      new ProviderHttp({
        ...httpSettings(instance, deps),
        headers: () => ({ "x-api-key": instance.credentials.apiKey! }),
        mapError: (failure) => mapIntegrationsError(instance.id, failure),
      }),
      instance.options,
    ),
});
