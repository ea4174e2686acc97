import type { z } from "zod";
import type { Logger } from "../server/logger.ts";
import type { Fetch } from "./http/provider-http.ts";
import type { LoyaltyProvider } from "./port.ts";

/** What every provider instance is configured with, whatever its adapter. */
export interface ProviderInstanceConfig {
  id: string;
  adapter: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  /** Adapter-specific settings, validated by the adapter's own `options` schema at boot. */
  options: Record<string, unknown>;
  /** Secrets, already resolved from the environment. */
  credentials: Record<string, string>;
}

export interface ProviderDeps {
  fetch: Fetch;
  logger: Logger;
}

/** A provider module, registered by `id`, in the manner of Medusa's provider modules. */
export interface LoyaltyProviderModule<Options = unknown> {
  readonly id: string;
  readonly options: z.ZodType<Options>;
  readonly credentials: z.ZodType<Record<string, string>>;
  create(instance: ProviderInstanceConfig & { options: Options }, deps: ProviderDeps): LoyaltyProvider;
}

/** The ProviderHttp settings every adapter takes from its instance config. */
export function httpSettings(instance: ProviderInstanceConfig, deps: ProviderDeps) {
  return {
    provider: instance.id,
    baseUrl: instance.baseUrl,
    fetch: deps.fetch,
    timeoutMs: instance.timeoutMs,
    maxRetries: instance.maxRetries,
    logger: deps.logger,
  };
}
