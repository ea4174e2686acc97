import type { Env } from "../config/env.ts";
import type { Domain } from "./domain.ts";

/**
 * The domain's background work: operations a crashed process left behind are settled before traffic
 * arrives, then periodically; order systems are polled for statuses, catalogs for changes, and loyalty
 * providers for balances changed elsewhere; checkouts left unplaced past their shop's time are expired;
 * payments that stay pending or held are read from their PSP.
 */
export async function startJobs(env: Env, domain: Domain): Promise<{ stop(): void }> {
  const { recovery, statusSync, catalogWatch, expiry, balanceWatch, settlement } = domain;
  if (env.STATUS_SYNC_SECONDS > 0) statusSync.start(env.STATUS_SYNC_SECONDS * 1000);
  if (env.CHECKOUT_EXPIRY_SECONDS > 0) expiry.start(env.CHECKOUT_EXPIRY_SECONDS * 1000);
  if (env.PAYMENT_RECONCILE_SECONDS > 0) settlement.start(env.PAYMENT_RECONCILE_SECONDS * 1000);
  balanceWatch.start(env.BALANCE_FEED_SECONDS * 1000, env.BALANCE_READ_SECONDS * 1000);
  if (env.CATALOG_POLL_SECONDS > 0) catalogWatch.start(env.CATALOG_POLL_SECONDS * 1000);
  await recovery.runOnce();
  if (env.RECOVERY_INTERVAL_SECONDS > 0) recovery.start(env.RECOVERY_INTERVAL_SECONDS * 1000);
  return {
    stop: () => {
      recovery.stop();
      statusSync.stop();
      expiry.stop();
      settlement.stop();
      balanceWatch.stop();
      catalogWatch.stop();
    },
  };
}
