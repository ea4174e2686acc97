import type { AccountResult } from "../domain/account-loader.ts";
import { ProviderError } from "../domain/errors.ts";
import type { LoyaltyAccount, LoyaltyProvider } from "../domain/ports/loyalty-provider.port.ts";
import { builder } from "./builder.ts";
import { ErrorInterface } from "./errors.ts";
import { money } from "./money.ts";
import { Money } from "./money.ts";
import { LoyaltyProviderRef } from "./shop.ts";

interface AccountView {
  provider: LoyaltyProvider;
  account: LoyaltyAccount;
  currency: string;
}

export const LoyaltyAccountRef = builder.objectRef<AccountView>("LoyaltyAccount").implement({
  description: "The customer's account at one loyalty provider. Rates are basis points: 500 = 5%.",
  fields: (t) => ({
    provider: t.field({ type: LoyaltyProviderRef, resolve: (v) => v.provider }),
    externalId: t.string({ resolve: (v) => v.account.externalId }),
    balance: t.int({ description: "Spendable points", resolve: (v) => v.account.balance }),
    pendingBalance: t.int({ description: "Accrued, not yet spendable", resolve: (v) => v.account.pendingBalance }),
    tier: t.string({ nullable: true, resolve: (v) => v.account.tier }),
    nextTier: t.string({ nullable: true, resolve: (v) => v.account.nextTier }),
    amountToNextTier: t.field({
      type: Money,
      nullable: true,
      resolve: (v) => (v.account.amountToNextTier == null ? null : money(v.account.amountToNextTier, v.currency)),
    }),
    earnRateBasisPoints: t.int({ nullable: true, resolve: (v) => v.account.earnRateBp }),
    discountRateBasisPoints: t.int({ nullable: true, resolve: (v) => v.account.discountRateBp }),
    maxRedeemRateBasisPoints: t.int({ nullable: true, resolve: (v) => v.account.maxRedeemRateBp }),
    redeemBlocked: t.boolean({ resolve: (v) => v.account.redeemBlocked }),
    redeemMultiple: t.int({
      description: "Points are redeemed in multiples of this",
      resolve: (v) => v.account.redeemMultiple,
    }),
  }),
});

/** Not an Error instance: graphql-js would treat a returned Error as a thrown one. */
interface AccountFailure {
  failure: ProviderError;
}

const LoyaltyAccountErrorRef = builder.objectRef<AccountFailure>("LoyaltyAccountError").implement({
  description: "Why one provider could not give this account. The other accounts are unaffected.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    providerId: t.string({ resolve: (f) => f.failure.provider }),
    vendorCode: t.string({ nullable: true, resolve: (f) => f.failure.vendorCode }),
    retryAfterSeconds: t.int({ nullable: true, resolve: (f) => f.failure.retryAfterSeconds }),
  }),
});

export const LoyaltyAccountResult = builder.unionType("LoyaltyAccountResult", {
  description:
    "One provider's account, or why that provider could not answer. One failing provider never fails the query.",
  types: [LoyaltyAccountRef, LoyaltyAccountErrorRef],
  resolveType: (value) => ("failure" in value ? "LoyaltyAccountError" : "LoyaltyAccount"),
});

/** A provider that does not know the phone answers CUSTOMER_NOT_FOUND for its own account only. */
export function toAccountResult(result: AccountResult, currency: string): AccountView | AccountFailure {
  if (result.error) return { failure: result.error };
  if (!result.account) {
    const id = result.provider.instanceId;
    return { failure: new ProviderError("CUSTOMER_NOT_FOUND", `${id} has no account for this phone`, id) };
  }
  return { provider: result.provider, account: result.account, currency };
}
