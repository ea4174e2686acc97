import type { Env } from "./config/env.ts";
import type { CatalogWatch } from "./domain/catalog-watch.ts";
import type { LedgerRecovery } from "./domain/recovery.ts";
import type { CheckoutExpiry } from "./domain/checkout-expiry.ts";
import type { PaymentSettlement } from "./domain/payment-settlement.ts";
import type { ShopDirectory } from "./domain/shop-directory.ts";
import type { StatusSync } from "./domain/status-sync.ts";
import type { BalanceWatch } from "./domain/balance-watch.ts";
import type { SwrCache } from "./cache/swr-cache.ts";
import { SubscriptionDrain } from "./server/drain.ts";
import type { Logger } from "./server/logger.ts";
import type { createSimulators } from "./simulators/registry.ts";
import { buildDomain } from "./wiring/domain.ts";
import { buildHttp } from "./wiring/http.ts";
import { buildInfrastructure, type InfrastructureOptions } from "./wiring/infrastructure.ts";
import { startJobs } from "./wiring/jobs.ts";
import type { GatewayYoga } from "./yoga.ts";

export type GatewayOptions = InfrastructureOptions;

export interface Gateway {
  env: Env;
  yoga: GatewayYoga;
  logger: Logger;
  /** The in-process simulators in demo mode, for tests and demos to script. */
  simulators: ReturnType<typeof createSimulators> | null;
  recovery: LedgerRecovery;
  statusSync: StatusSync;
  /** Expires checkouts left unplaced past their shop's time. */
  expiry: CheckoutExpiry;
  /** Payments as their PSP has them: the notification sink and the reconciler. */
  payments: PaymentSettlement;
  balanceWatch: BalanceWatch;
  catalogWatch: CatalogWatch;
  cache: SwrCache;
  /** The configured shops and their providers, as built at boot. */
  shops: ShopDirectory;
  /** Open subscriptions (SSE and WebSocket); a stopping process ends them with a last event. */
  subscriptions: SubscriptionDrain;
  close(): Promise<void>;
}

/**
 * Everything main.ts and the tests need, in four steps (src/wiring/): the infrastructure (configuration,
 * providers, database, cache, events), the domain's services on it, its background jobs, and the HTTP edge.
 */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const infra = await buildInfrastructure(options);
  const domain = buildDomain(infra);
  const jobs = await startJobs(infra.env, domain);
  const subscriptions = new SubscriptionDrain();
  const yoga = buildHttp(infra, domain, subscriptions);
  // The demo PSP simulator's notifications arrive as from the loopback address its allow-list names.
  infra.connectPayments((request) =>
    Promise.resolve(yoga.fetch(request, { req: { socket: { remoteAddress: "127.0.0.1" } } })),
  );
  return {
    env: infra.env,
    yoga,
    logger: infra.logger,
    simulators: infra.simulators,
    recovery: domain.recovery,
    statusSync: domain.statusSync,
    expiry: domain.expiry,
    payments: domain.settlement,
    balanceWatch: domain.balanceWatch,
    catalogWatch: domain.catalogWatch,
    cache: infra.cache,
    shops: infra.shops,
    subscriptions,
    close: async () => {
      jobs.stop();
      await yoga.dispose();
      await infra.close();
    },
  };
}
