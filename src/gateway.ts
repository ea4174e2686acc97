import { randomBytes } from "node:crypto";
import { ApiKeyRing } from "./auth/api-keys.ts";
import { ALL_SCOPES } from "./domain/scopes.ts";
import { InitDataVerifier } from "./auth/telegram-init-data.ts";
import { DEMO_PHONES, DEMO_SHOPS, DEMO_SIMULATOR_ENV } from "./config/demo.ts";
import { type Env, parseEnv } from "./config/env.ts";
import { loadShopsConfig } from "./config/shops.ts";
import { CrashPoints } from "./domain/crash-points.ts";
import { decimalToMinor } from "./domain/money.ts";
import { CustomerService } from "./domain/customer.service.ts";
import { Idempotency } from "./domain/idempotency.ts";
import { LoyaltyLedger } from "./domain/ledger.ts";
import { OrderLoyalty } from "./domain/order-loyalty.ts";
import { CheckoutService } from "./domain/checkout.service.ts";
import { PhoneVerification } from "./domain/phone-verification.service.ts";
import { CustomerRegistration } from "./domain/customer-registration.service.ts";
import { PrismaPhoneCodeRepository } from "./persistence/phone-code.repository.ts";
import { PrismaAttentionRepository } from "./persistence/attention.repository.ts";
import { PointsRefund } from "./domain/points-refund.ts";
import { PointsHolds } from "./domain/points-hold.ts";
import { OrderProcess } from "./domain/order-process.runner.ts";
import { AttentionQueue } from "./domain/attention.service.ts";
import { Reconciliation } from "./domain/reconciliation.service.ts";
import { TelegramContactProofs } from "./auth/telegram-contact.ts";
import { FulfilmentService } from "./domain/fulfilment.service.ts";
import { OrderAccess } from "./domain/order-access.ts";
import { OrderQueries } from "./domain/order-queries.ts";
import { OrderTransitions } from "./domain/order-transitions.ts";
import { LedgerRecovery } from "./domain/recovery.ts";
import { StatusSync } from "./domain/status-sync.ts";
import { createGatewayPubSub, orderEventsOn } from "./events/pubsub.ts";
import { PrismaSyncCursorRepository } from "./persistence/sync-cursor.repository.ts";
import { WebhookEventRepository } from "./persistence/webhook-event.repository.ts";
import { useDemoSimulators } from "./server/demo-simulators.ts";
import { useMiniApp } from "./server/mini-app.ts";
import { useWebhooks } from "./server/webhooks.ts";
import { createMetrics } from "./server/metrics.ts";
import { startTracing } from "./server/tracing.ts";
import { securitySettings } from "./server/security.ts";
import { PrismaIdempotencyRepository } from "./persistence/idempotency.repository.ts";
import { LoyaltyService } from "./domain/loyalty.service.ts";
import { ShopDirectory } from "./domain/shop-directory.ts";
import { PrismaCustomerLinkRepository } from "./persistence/customer-link.repository.ts";
import { PrismaLedgerRepository } from "./persistence/ledger.repository.ts";
import { PrismaOrderRepository } from "./persistence/order.repository.ts";
import { createDb } from "./persistence/db.ts";
import { migrate } from "./persistence/migrate.ts";
import { ShopRepository } from "./persistence/shop.repository.ts";
import type { Fetch } from "./providers/http/provider-http.ts";
import { poolTransport } from "./providers/http/transport.ts";
import { createLoyaltyProvider, createOrderSystem } from "./config/providers.ts";
import { CatalogService } from "./domain/catalog.service.ts";
import { CartPricing } from "./domain/cart-pricing.ts";
import { CatalogWatch } from "./domain/catalog-watch.ts";
import { ProductSync } from "./domain/product-sync.ts";
import { PrismaProductExportRepository } from "./persistence/product-export.repository.ts";
import { SwrCache } from "./cache/swr-cache.ts";
import { MemoryCacheStore } from "./cache/memory-store.ts";
import { RedisCacheStore } from "./cache/redis-store.ts";
import { createLogger, type Logger } from "./server/logger.ts";
import type { createSimulators } from "./simulators/registry.ts";
import { createGatewayYoga, type GatewayYoga } from "./yoga.ts";

export interface GatewayOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Replaces the network for provider calls (demo mode routes `*.sim` hosts to the simulators either way). */
  fetch?: Fetch;
}

export interface Gateway {
  env: Env;
  yoga: GatewayYoga;
  logger: Logger;
  /** The in-process simulators in demo mode, for tests and demos to script. */
  simulators: ReturnType<typeof createSimulators> | null;
  recovery: LedgerRecovery;
  statusSync: StatusSync;
  catalogWatch: CatalogWatch;
  cache: SwrCache;
  /** The configured shops and their providers, as built at boot. */
  shops: ShopDirectory;
  close(): Promise<void>;
}

/** Wires configuration, database, providers, services and Yoga. Everything main.ts and the tests need. */
export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const source = options.env ?? process.env;
  const env = parseEnv(source);
  const logger = options.logger ?? createLogger(env.LOG_LEVEL, { service: "loyalty-gateway" });
  // The simulators are loaded in demo mode only: a production process never has their code in memory.
  const simulators = env.demo ? (await import("./simulators/registry.ts")).createSimulators() : null;
  const hosts = Object.fromEntries(Object.values(simulators ?? {}).map((s) => [s.host, s.handler]));
  const baseFetch = options.fetch ?? globalThis.fetch;
  const fetch = simulators
    ? (await import("./simulators/kit/in-process-fetch.ts")).inProcessFetch(hosts, baseFetch)
    : baseFetch;
  // Real vendors are reached through undici's keep-alive pool; a given fetch (tests) or the in-process
  // simulators keep the fetch path.
  const pool = options.fetch || simulators ? null : poolTransport();

  const metrics = createMetrics();
  // Off (no OTEL_EXPORTER_OTLP_ENDPOINT): null, and nothing of OpenTelemetry is loaded.
  const tracing = await startTracing(env, logger);
  const providerDeps = {
    fetch,
    logger,
    observer: metrics.observer,
    ...(pool ? { transport: pool } : {}),
    ...(tracing ? { decorate: tracing.decorate } : {}),
  };
  const config = env.demo ? DEMO_SHOPS : loadShopsConfig(env.SHOPS_CONFIG!);
  const credentialEnv = env.demo ? { ...DEMO_SIMULATOR_ENV, ...source } : source;
  const shops = new ShopDirectory(
    config.shops.map((shop, s) => {
      const system = shop.orders
        ? createOrderSystem(shop.orders, `shops[${s}].orders`, credentialEnv, providerDeps)
        : null;
      return {
        id: shop.id,
        name: shop.name,
        currency: shop.currency,
        refundShortfall: shop.refundShortfall ?? "REFUSE",
        loyalty: shop.loyalty.map((p, i) =>
          createLoyaltyProvider(p, `shops[${s}].loyalty[${i}]`, credentialEnv, providerDeps),
        ),
        orders: system?.orders ?? null,
        catalog: system?.catalog ?? null,
        priceList: shop.prices
          ? new Map(shop.prices.map((p) => [p.productId, { name: p.name, price: decimalToMinor(p.price) }]))
          : null,
      };
    }),
  );

  if (env.MIGRATE_ON_START) await migrate(env.DATABASE_URL);
  const db = await createDb(env.DATABASE_URL);
  const shopRepo = new ShopRepository(db);
  await shopRepo.sync(
    config.shops.map((s) => ({
      id: s.id,
      name: s.name,
      currency: s.currency,
      providers: [
        ...s.loyalty.map((p) => ({ id: p.id, adapter: p.adapter, role: "LOYALTY" as const, options: p.options })),
        ...(s.orders
          ? [{ id: s.orders.id, adapter: s.orders.adapter, role: "ORDERS" as const, options: s.orders.options }]
          : []),
      ],
    })),
  );

  const customerLinks = new PrismaCustomerLinkRepository(db);
  const customers = new CustomerService(shops, customerLinks);
  const registration = new CustomerRegistration(shops, customers, customerLinks);
  // Shared by every instance through Redis when it is configured, so one vendor call feeds them all.
  const cache = new SwrCache(
    env.REDIS_URL ? new RedisCacheStore(env.REDIS_URL, env.CACHE_PREFIX) : new MemoryCacheStore(),
    (error, namespace, key) =>
      logger.warn("cache refresh failed", {
        namespace,
        key,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
  const seconds = (ttl: number, stale: number) => ({ ttlMs: ttl * 1000, staleMs: stale * 1000 });
  const catalog = new CatalogService(shops, cache, {
    catalog: seconds(env.CATALOG_TTL_SECONDS, env.CATALOG_STALE_SECONDS),
    stock: seconds(env.STOCK_TTL_SECONDS, env.STOCK_TTL_SECONDS),
  });
  const cartPricing = new CartPricing(catalog);
  const loyalty = new LoyaltyService(shops, customers, cartPricing);
  const ledgerRepo = new PrismaLedgerRepository(db);
  metrics.watch({ cache: () => ({ ...cache.stats }), ledger: () => ledgerRepo.countByState() });
  const orderRepo = new PrismaOrderRepository(db);
  const crash = new CrashPoints(env.CRASH_AT);
  const orderLoyalty = new OrderLoyalty(new LoyaltyLedger(ledgerRepo, crash), customers);
  const { pubsub, close: closePubSub } = createGatewayPubSub(env.REDIS_URL);
  const access = new OrderAccess(orderRepo, shops, customers);
  const transitions = new OrderTransitions(orderRepo, orderEventsOn(pubsub), crash);
  const attention = new PrismaAttentionRepository(db);
  const refunds = new PointsRefund({
    loyalty: orderLoyalty,
    attention,
    orders: orderRepo,
    access,
    transitions,
    logger,
  });
  const orderProcess = new OrderProcess({
    shops,
    pricing: loyalty,
    cartPricing,
    loyalty: orderLoyalty,
    holds: new PointsHolds(orderLoyalty, access, orderRepo, transitions),
    refunds,
    access,
    transitions,
  });
  const checkout = new CheckoutService({
    shops,
    customers,
    pricing: loyalty,
    cartPricing,
    loyalty: orderLoyalty,
    access,
    transitions,
    registration,
    process: orderProcess,
  });
  const fulfilment = new FulfilmentService({
    shops,
    process: orderProcess,
    access,
    transitions,
    orders: orderRepo,
  });
  const orders = new OrderQueries(shops, customers, access, orderRepo);
  const statusSync = new StatusSync(shops, fulfilment, new PrismaSyncCursorRepository(db), logger);
  if (env.STATUS_SYNC_SECONDS > 0) statusSync.start(env.STATUS_SYNC_SECONDS * 1000);
  const productSync = new ProductSync(catalog, new PrismaProductExportRepository(db), (p) =>
    pubsub.publish("productSync:shop", p.shopId, p),
  );
  const catalogWatch = new CatalogWatch(catalog, logger);
  if (env.CATALOG_POLL_SECONDS > 0) catalogWatch.start(env.CATALOG_POLL_SECONDS * 1000);
  const recovery = new LedgerRecovery({
    ledger: ledgerRepo,
    orders: orderRepo,
    transitions,
    shops,
    loyalty: orderLoyalty,
    logger,
    staleMs: env.RECOVERY_STALE_SECONDS * 1000,
  });
  const botToken = env.TELEGRAM_BOT_TOKEN ?? (env.demo ? env.DEMO_BOT_TOKEN : randomBytes(32).toString("hex"));
  const phoneVerification = new PhoneVerification({
    shops,
    customers,
    proofs: new TelegramContactProofs(botToken),
    once: new WebhookEventRepository(db),
    codes: new PrismaPhoneCodeRepository(db),
    observer: metrics.security,
  });
  const services = {
    shops,
    customers,
    loyalty,
    orders,
    checkout,
    fulfilment,
    phoneVerification,
    registration,
    reconciliation: new Reconciliation(ledgerRepo, orderRepo),
    attention: new AttentionQueue(shops, attention),
    catalog,
    productSync,
    pubsub,
    idempotency: new Idempotency(new PrismaIdempotencyRepository(db), env.IDEMPOTENCY_TAKEOVER_SECONDS * 1000),
  };
  // Operations a crashed process left behind are settled before traffic arrives, then periodically.
  await recovery.runOnce();
  if (env.RECOVERY_INTERVAL_SECONDS > 0) recovery.start(env.RECOVERY_INTERVAL_SECONDS * 1000);
  const apiKeys = new ApiKeyRing([
    ...env.API_KEYS,
    ...(env.demo ? [{ name: "demo-developer", key: env.DEMO_API_KEY, scopes: ALL_SCOPES }] : []),
  ]);
  const graphiqlOn = env.GRAPHIQL ?? (env.demo || env.NODE_ENV !== "production");
  const yoga = createGatewayYoga({
    services,
    logger,
    auth: { initData: new InitDataVerifier(botToken, env.TELEGRAM_INIT_DATA_MAX_AGE_SECONDS), apiKeys },
    ready: () => shopRepo.ping(),
    security: securitySettings(env),
    plugins: [
      ...(tracing?.plugins ?? []),
      metrics.plugin(),
      ...(simulators ? [useDemoSimulators(simulators, env.MAX_BODY_BYTES)] : []),
      ...(env.demo ? [useMiniApp({ botToken, initDataMaxAgeSeconds: env.TELEGRAM_INIT_DATA_MAX_AGE_SECONDS })] : []),
      useWebhooks({
        maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
        secrets: { ...(env.demo ? { posiflora: env.DEMO_WEBHOOK_SECRET } : {}), ...env.WEBHOOK_SECRETS },
        windowSeconds: env.WEBHOOK_WINDOW_SECONDS,
        orders: fulfilment,
        shops,
        catalog,
        events: new WebhookEventRepository(db),
        logger,
      }),
    ],
    graphiql: graphiqlOn && {
      headers: env.demo ? { Authorization: `Bearer ${env.DEMO_API_KEY}` } : undefined,
      defaultQuery: env.demo ? demoQuery() : undefined,
    },
  });

  return {
    env,
    yoga,
    logger,
    simulators,
    recovery,
    statusSync,
    catalogWatch,
    cache,
    shops,
    close: async () => {
      recovery.stop();
      statusSync.stop();
      catalogWatch.stop();
      await cache.close();
      await yoga.dispose();
      await closePubSub();
      await db.$disconnect();
      await pool?.close();
      await tracing?.shutdown();
    },
  };
}

function demoQuery(): string {
  return `# Demo mode: every provider is a local simulator; the Authorization header holds the demo key.
query DemoCustomer {
  customer(shopId: "demo-bonusplus", phone: "${DEMO_PHONES.bonusplus.regular}") {
    __typename
    ... on QueryCustomerSuccess {
      data {
        id
        name
        loyalty {
          __typename
          ... on LoyaltyAccount { provider { id adapter } balance pendingBalance tier redeemBlocked }
          ... on LoyaltyAccountError { code message providerId }
        }
      }
    }
    ... on Error { code message }
  }
  catalog(shopId: "demo-posiflora", storeId: "store-1") {
    ... on QueryCatalogSuccess {
      data { categories { id title products(first: 3) { totalCount edges { node { id name price { decimal } thumbnailUrl } } } } }
    }
    ... on Error { code message }
  }
  stores(shopId: "demo-posiflora") {
    ... on QueryStoresSuccess { data { id title city address } }
    ... on Error { code message }
  }
}
`;
}
