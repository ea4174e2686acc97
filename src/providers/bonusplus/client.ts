import { ProviderHttp } from "../http/provider-http.ts";
import { httpSettings, type ProviderDeps, type ProviderInstanceConfig } from "../module.ts";
import { mapBonusPlusError } from "./mapper.ts";

/** BonusPlus authenticates every call with `Authorization: ApiKey <base64(key)>`. */
export function createBonusPlusHttp(instance: ProviderInstanceConfig, deps: ProviderDeps): ProviderHttp {
  const authorization = `ApiKey ${Buffer.from(instance.credentials.apiKey ?? "").toString("base64")}`;
  return new ProviderHttp({
    ...httpSettings(instance, deps),
    headers: () => ({ authorization }),
    mapError: (failure) => mapBonusPlusError(instance.id, failure),
  });
}
