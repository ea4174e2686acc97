import { bonusPlusModule } from "./bonusplus/adapter.ts";
import { integrationsModule } from "./integrations/adapter.ts";
import { loyalClientModule } from "./loyalclient/adapter.ts";
import { posifloraLoyaltyModule } from "./posiflora/adapter.ts";
import { rkeeperModule } from "./rkeeper/adapter.ts";
import { ConfigError, formatIssues } from "../config/format-issues.ts";
import { resolveCredentials, type ProviderInstanceInput } from "../config/shops.ts";
import type { LoyaltyProviderModule, ProviderDeps } from "./module.ts";
import type { LoyaltyProvider } from "./port.ts";

/** Every loyalty adapter the gateway ships, by id. */
export const LOYALTY_MODULES: Record<string, LoyaltyProviderModule<any>> = {
  [bonusPlusModule.id]: bonusPlusModule,
  [loyalClientModule.id]: loyalClientModule,
  [rkeeperModule.id]: rkeeperModule,
  [integrationsModule.id]: integrationsModule,
  [posifloraLoyaltyModule.id]: posifloraLoyaltyModule,
};

/** Builds one configured instance, validating its adapter options and credentials so bad config fails at boot. */
export function createLoyaltyProvider(
  input: ProviderInstanceInput,
  path: string,
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): LoyaltyProvider {
  const module = LOYALTY_MODULES[input.adapter];
  if (!module) {
    throw new ConfigError(`Invalid shops config:\n${path}.adapter: unknown adapter "${input.adapter}" (known: ${Object.keys(LOYALTY_MODULES).join(", ")})`);
  }
  const options = module.options.safeParse(input.options);
  if (!options.success) throw new ConfigError(`Invalid shops config:\n${formatIssues(options.error.issues, `${path}.options`)}`);
  const credentials = module.credentials.safeParse(resolveCredentials(input, env, path));
  if (!credentials.success) throw new ConfigError(`Invalid shops config:\n${formatIssues(credentials.error.issues, `${path}.credentials`)}`);
  return module.create({ ...input, options: options.data, credentials: credentials.data }, deps);
}
