import type { z } from "zod";
import type { LoyaltyProvider } from "../domain/ports/loyalty-provider.port.ts";
import type { OrderSystem } from "../domain/ports/order-system.port.ts";
import type { PaymentProvider } from "../domain/ports/payment-provider.port.ts";
import type { ProviderDeps } from "../providers/module.ts";
import { LOYALTY_MODULES, ORDER_MODULES, PAYMENT_MODULES } from "../providers/registry.ts";
import { ConfigError, formatIssues } from "./format-issues.ts";
import { type ProviderInstanceInput, resolveCredentials } from "./shops.ts";

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

export function createPaymentProvider(
  input: ProviderInstanceInput,
  path: string,
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): PaymentProvider {
  return build(PAYMENT_MODULES, input, path, env, deps) as PaymentProvider;
}

/** What every module has, whatever its options: each checks its own options and credentials with zod. */
interface Buildable {
  options: z.ZodType;
  credentials: z.ZodType<Record<string, string | undefined>>;
  create(instance: never, deps: ProviderDeps): unknown;
}

function build(
  modules: Record<string, Buildable>,
  input: ProviderInstanceInput,
  path: string,
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
) {
  const module = modules[input.adapter];
  if (!module) {
    throw new ConfigError(
      `Invalid shops config:\n${path}.adapter: unknown adapter "${input.adapter}" (known: ${Object.keys(modules).join(", ")})`,
    );
  }
  const options = module.options.safeParse(input.options);
  if (!options.success)
    throw new ConfigError(`Invalid shops config:\n${formatIssues(options.error.issues, `${path}.options`)}`);
  const credentials = module.credentials.safeParse(resolveCredentials(input, env, path));
  if (!credentials.success)
    throw new ConfigError(`Invalid shops config:\n${formatIssues(credentials.error.issues, `${path}.credentials`)}`);
  // The instance is the one its module's own schemas just checked.
  return module.create({ ...input, options: options.data, credentials: credentials.data } as never, deps);
}
