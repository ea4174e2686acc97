import { bonusPlusModule } from "./bonusplus/module.ts";
import { integrationsModule } from "./integrations/module.ts";
import { loyalClientModule } from "./loyalclient/module.ts";
import { posifloraLoyaltyModule, posifloraOrderModule } from "./posiflora/module.ts";
import { rkeeperModule } from "./rkeeper/module.ts";
import { ConfigError, formatIssues } from "../config/format-issues.ts";
import { resolveCredentials, type ProviderInstanceInput } from "../config/shops.ts";
import type { LoyaltyProviderModule, OrderSystemModule, ProviderDeps } from "./module.ts";
import type { OrderSystem } from "../domain/ports/order-system.port.ts";
import type { LoyaltyProvider } from "../domain/ports/loyalty-provider.port.ts";

/** Every loyalty adapter the gateway ships, by id. */
export const LOYALTY_MODULES: Record<string, LoyaltyProviderModule<any>> = {
  [bonusPlusModule.id]: bonusPlusModule,
  [loyalClientModule.id]: loyalClientModule,
  [rkeeperModule.id]: rkeeperModule,
  [integrationsModule.id]: integrationsModule,
  [posifloraLoyaltyModule.id]: posifloraLoyaltyModule,
};

/** Every order-system adapter, by id. */
export const ORDER_MODULES: Record<string, OrderSystemModule<any>> = {
  [posifloraOrderModule.id]: posifloraOrderModule,
};

/** Builds one configured instance, validating its adapter options and credentials so bad config fails at boot. */
export function createLoyaltyProvider(
  input: ProviderInstanceInput,
  path: string,
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): LoyaltyProvider {
  return build(LOYALTY_MODULES, input, path, env, deps) as LoyaltyProvider;
}

/** Builds the shop's order system (and its shop window, where it has one), validated the same way. */
export function createOrderSystem(
  input: ProviderInstanceInput,
  path: string,
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): OrderSystem {
  return build(ORDER_MODULES, input, path, env, deps) as OrderSystem;
}

interface Buildable {
  options: { safeParse(v: unknown): { success: true; data: any } | { success: false; error: { issues: any[] } } };
  credentials: { safeParse(v: unknown): { success: true; data: Record<string, string> } | { success: false; error: { issues: any[] } } };
  create(instance: any, deps: ProviderDeps): unknown;
}

function build(modules: Record<string, Buildable>, input: ProviderInstanceInput, path: string, env: Record<string, string | undefined>, deps: ProviderDeps) {
  const module = modules[input.adapter];
  if (!module) {
    throw new ConfigError(`Invalid shops config:\n${path}.adapter: unknown adapter "${input.adapter}" (known: ${Object.keys(modules).join(", ")})`);
  }
  const options = module.options.safeParse(input.options);
  if (!options.success) throw new ConfigError(`Invalid shops config:\n${formatIssues(options.error.issues, `${path}.options`)}`);
  const credentials = module.credentials.safeParse(resolveCredentials(input, env, path));
  if (!credentials.success) throw new ConfigError(`Invalid shops config:\n${formatIssues(credentials.error.issues, `${path}.credentials`)}`);
  return module.create({ ...input, options: options.data, credentials: credentials.data }, deps);
}
