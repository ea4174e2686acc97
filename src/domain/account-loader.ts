import DataLoader from "dataloader";
import type { LoyaltyAccount, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { ProviderError } from "./errors.ts";

/** One provider's answer for one phone: the account, `null` when unknown there, or its typed error. */
export type AccountResult =
  | { provider: LoyaltyProvider; account: LoyaltyAccount | null; error?: undefined }
  | { provider: LoyaltyProvider; error: ProviderError; account?: undefined };

export interface AccountKey {
  provider: LoyaltyProvider;
  phone: string;
  /** The provider's id for the customer, for providers that cannot find one by phone alone. */
  externalId?: string;
}

/**
 * Per-request loader: the same customer asked for twice in one request costs one provider call, and
 * different providers are asked in parallel. Errors are values so that one failing provider
 * degrades only its own account.
 */
export function createAccountLoader(): DataLoader<AccountKey, AccountResult, string> {
  return new DataLoader<AccountKey, AccountResult, string>((keys) => Promise.all(keys.map((key) => lookup(key))), {
    cacheKeyFn: (k) => `${k.provider.instanceId}\u0000${k.phone}\u0000${k.externalId ?? ""}`,
  });
}

async function lookup({ provider, phone, externalId }: AccountKey): Promise<AccountResult> {
  try {
    return { provider, account: await provider.findCustomer({ phone, ...(externalId ? { externalId } : {}) }) };
  } catch (error) {
    const typed =
      error instanceof ProviderError
        ? error
        : new ProviderError("PROVIDER_UNAVAILABLE", `${provider.instanceId} failed`, provider.instanceId, {
            vendorCode: "INTERNAL",
          });
    return { provider, error: typed };
  }
}
