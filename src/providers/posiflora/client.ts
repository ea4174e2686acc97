import { ProviderError } from "../../domain/errors.ts";
import { ProviderHttp } from "../http/provider-http.ts";
import { SessionToken } from "../http/session-token.ts";
import { httpSettings, type ProviderDeps, type ProviderInstanceConfig } from "../module.ts";
import { mapPosifloraError } from "./mapper.ts";
import { JSON_API, sessionWire } from "./wire.ts";

/**
 * Posiflora sessions: log in with `POST /v1/sessions`, renew with `PATCH /v1/sessions` ahead of
 * `expireAt` or after a 401, and log in again when the refresh is refused. Concurrent calls share one
 * login or refresh (SessionToken's single flight).
 */
export function createPosifloraHttp(instance: ProviderInstanceConfig, deps: ProviderDeps): ProviderHttp {
  const common = {
    ...httpSettings(instance, deps),
    mapError: (failure: Parameters<typeof mapPosifloraError>[1]) => mapPosifloraError(instance.id, failure),
  };
  const auth = new ProviderHttp({ ...common, headers: () => ({ accept: JSON_API }) });
  let refresh: { token: string; expiresAt: number } | null = null;

  const open = async (method: "POST" | "PATCH", attributes: Record<string, string>) => {
    const wire = await auth.request({
      method,
      path: "v1/sessions",
      body: { data: { type: "sessions", attributes } },
      schema: sessionWire,
      idempotent: true,
      contentType: JSON_API,
    });
    const a = wire.data.attributes;
    refresh = {
      token: a.refreshToken,
      expiresAt: a.refreshExpireAt ? Date.parse(a.refreshExpireAt) : Number.POSITIVE_INFINITY,
    };
    return { token: a.accessToken, expiresAt: Date.parse(a.expireAt) };
  };
  const login = () =>
    open("POST", { username: instance.credentials.username!, password: instance.credentials.password! });

  const session = new SessionToken(async () => {
    if (!refresh || refresh.expiresAt <= Date.now()) return login();
    try {
      return await open("PATCH", { refreshToken: refresh.token });
    } catch (error) {
      // A refused refresh (401/403, mapped to PROVIDER_UNAVAILABLE with that status) means: log in again.
      if (error instanceof ProviderError && (error.vendorCode === "401" || error.vendorCode === "403")) return login();
      throw error;
    }
  }, 30_000);

  return new ProviderHttp({
    ...common,
    breaker: auth.breaker,
    headers: async () => ({ accept: JSON_API, authorization: `Bearer ${await session.get()}` }),
    onUnauthorized: async () => session.invalidate(),
  });
}
