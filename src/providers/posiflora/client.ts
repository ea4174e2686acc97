import { ProviderError } from "../../domain/errors.ts";
import { ProviderHttp } from "../http/provider-http.ts";
import { SessionToken } from "../http/session-token.ts";
import { httpSettings, type ProviderDeps, type ProviderInstanceConfig } from "../module.ts";
import { isConflict, mapPosifloraError } from "./mapper.ts";
import { anyDocument, JSON_API, sessionWire } from "./wire.ts";

/**
 * When the access token is renewed: token lifetimes are unknown (README.md, "Sessions"), so the renewal is
 * relative to each token's own lifetime (from the answer's arrival to its `expireAt`): at 80% of it,
 * and never sooner than 5 s after it was issued.
 */
export const POSIFLORA_RENEWAL = { shareOfLifetime: 0.8, minAgeMs: 5_000 };

/**
 * Posiflora sessions: log in with `POST /v1/sessions`, renew with `PATCH /v1/sessions` ahead of
 * `expireAt` (POSIFLORA_RENEWAL) or after a 401, and log in again when the refresh is refused.
 * Concurrent calls share one login or refresh (SessionToken's single flight), so a refresh token is
 * presented once.
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
      // A login may be repeated (each makes a new session); a refresh token is good for one refresh, so a
      // refresh whose answer was lost is not sent again: the token may be spent.
      idempotent: method === "POST",
      contentType: JSON_API,
    });
    const a = wire.data.attributes;
    refresh = {
      token: a.refreshToken,
      expiresAt: a.refreshExpireAt ? Date.parse(a.refreshExpireAt) : Number.POSITIVE_INFINITY,
    };
    return { token: a.accessToken, expiresAt: Date.parse(a.expireAt), issuedAt: Date.now() };
  };
  const login = () =>
    open("POST", { username: instance.credentials.username!, password: instance.credentials.password! });

  const session = new SessionToken(async () => {
    if (!refresh || refresh.expiresAt <= Date.now()) return login();
    const spent = refresh.token;
    try {
      return await open("PATCH", { refreshToken: spent });
    } catch (error) {
      // A refused refresh (401/403, mapped to PROVIDER_UNAVAILABLE with that status) means: log in again;
      // so does one whose answer was lost, as its token may have been used up by it.
      const refused = error instanceof ProviderError && (error.vendorCode === "401" || error.vendorCode === "403");
      if (refused || (error instanceof ProviderError && error.uncertain)) {
        if (refresh?.token === spent) refresh = null;
        return login();
      }
      throw error;
    }
  }, POSIFLORA_RENEWAL);

  // Which token each call sent (its CallNotes), so that a 401 drops that token only, not one renewed meanwhile.
  return new ProviderHttp({
    ...common,
    breaker: auth.breaker,
    headers: async (call) => {
      const token = await session.get();
      call.token = token;
      return { accept: JSON_API, authorization: `Bearer ${token}` };
    },
    onUnauthorized: (call) => {
      session.invalidate(call.token);
      return Promise.resolve();
    },
  });
}

/**
 * A JSON:API create with our own client-generated id (`POST path` with `body`). It is safe to repeat:
 * 409 Conflict is JSON:API's answer when that id exists, which here means an earlier attempt whose
 * answer was lost made it. Answers null when this call created it, and the 409 when it was there already.
 */
export async function createWithOwnId(http: ProviderHttp, path: string, body: unknown): Promise<ProviderError | null> {
  try {
    await http.request({ method: "POST", path, body, schema: anyDocument, idempotent: true, contentType: JSON_API });
    return null;
  } catch (error) {
    if (isConflict(error)) return error as ProviderError;
    throw error;
  }
}
