import { ProviderHttp } from "../http/provider-http.ts";
import { SessionToken } from "../http/session-token.ts";
import { httpSettings, type ProviderDeps, type ProviderInstanceConfig } from "../module.ts";
import { mapRkeeperError } from "./mapper.ts";
import { tokenWire } from "./wire.ts";

/** Tokens are renewed at least every 15 minutes, as the vendor asks, even if they would live longer. */
const MAX_TOKEN_LIFE_MS = 15 * 60_000;

/**
 * r_keeper's two edges: `auth/gentoken` with `ApiKey`, and the loyalty calls with `ApiKey` plus the
 * bearer token (which header carries the token is not documented; both are sent).
 */
export function createRkeeperHttp(instance: ProviderInstanceConfig, deps: ProviderDeps): ProviderHttp {
  const apiKey = instance.credentials.apiKey!;
  const common = {
    ...httpSettings(instance, deps),
    mapError: (failure: Parameters<typeof mapRkeeperError>[1]) => mapRkeeperError(instance.id, failure),
  };
  const auth = new ProviderHttp({ ...common, headers: () => ({ apikey: apiKey }) });
  const session = new SessionToken(async () => {
    const wire = await auth.request({
      method: "POST",
      path: "b2b/v1/auth/gentoken",
      body: { password: instance.credentials.password },
      schema: tokenWire,
      idempotent: true,
    });
    return { token: wire.token, expiresAt: Date.now() + Math.min(wire.aliveSecondsTtl * 1000, MAX_TOKEN_LIFE_MS) };
  });
  return new ProviderHttp({
    ...common,
    breaker: auth.breaker,
    headers: async () => ({ apikey: apiKey, authorization: `Bearer ${await session.get()}` }),
    onUnauthorized: () => {
      session.invalidate();
      return Promise.resolve();
    },
  });
}
