import { ProviderHttp } from "../http/provider-http.ts";
import type { ProviderDeps, ProviderInstanceConfig } from "../module.ts";
import { mapBonusPlusError } from "./mapper.ts";

/** BonusPlus authenticates every call with `Authorization: ApiKey <base64(key)>`. */
export function createBonusPlusHttp(instance: ProviderInstanceConfig, deps: ProviderDeps): ProviderHttp {
  const authorization = `ApiKey ${Buffer.from(instance.credentials.apiKey ?? "").toString("base64")}`;
  return new ProviderHttp({
    provider: instance.id,
    baseUrl: instance.baseUrl,
    fetch: deps.fetch,
    timeoutMs: instance.timeoutMs,
    maxRetries: instance.maxRetries,
    headers: () => ({ authorization }),
    mapError: (failure) => mapBonusPlusError(instance.id, failure),
    logger: deps.logger,
  });
}
