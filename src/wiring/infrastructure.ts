import { DEFAULT_CHECKOUT_TTL_MINUTES } from "../domain/checkout-expiry.ts";
import { assertConfiguration } from "../config/check.ts";
import { DEMO_NOTIFICATION_MS, DEMO_PAYMENT_INSTANCE, demoShops, DEMO_SIMULATOR_ENV } from "../config/demo.ts";
import { type Env, parseEnv } from "../config/env.ts";
import { createLoyaltyProvider, createOrderSystem, createPaymentProvider } from "../config/providers.ts";
import { ConfigError } from "../config/format-issues.ts";
import { loadShopsConfig, type ShopsConfig } from "../config/shops.ts";
import { MemoryCacheStore } from "../cache/memory-store.ts";
import { RedisCacheStore } from "../cache/redis-store.ts";
import { SwrCache } from "../cache/swr-cache.ts";
import { ProviderError } from "../domain/errors.ts";
import { decimalToMinor } from "../domain/money.ts";
import { ShopDirectory } from "../domain/shop-directory.ts";
import { createGatewayPubSub } from "../events/pubsub.ts";
import { createDb, type Db } from "../persistence/db.ts";
import { migrate } from "../persistence/migrate.ts";
import { ShopRepository } from "../persistence/shop.repository.ts";
import type { Fetch } from "../providers/http/provider-http.ts";
import { poolTransport } from "../providers/http/transport.ts";
import { createLogger, type Logger } from "../server/logger.ts";
import { createMetrics, type GatewayMetrics } from "../server/metrics.ts";
import { startTracing } from "../server/tracing.ts";
import type { createSimulators } from "../simulators/registry.ts";

export interface InfrastructureOptions {
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Replaces the network for provider calls (demo mode routes `*.sim` hosts to the simulators either way). */
  fetch?: Fetch;
}

/** What the domain and the HTTP edge are built on: configuration, providers, database, cache, events, telemetry. */
export interface Infrastructure {
  env: Env;
  logger: Logger;
  simulators: ReturnType<typeof createSimulators> | null;
  /** Demo mode: where the ЮKassa simulator's notifications are handed (the gateway's HTTP handler). */
  connectPayments(inbox: (request: Request) => Promise<Response>): void;
  metrics: GatewayMetrics;
  tracing: Awaited<ReturnType<typeof startTracing>>;
  config: ShopsConfig;
  shops: ShopDirectory;
  db: Db;
  shopRepo: ShopRepository;
  cache: SwrCache;
  pubsub: ReturnType<typeof createGatewayPubSub>["pubsub"];
  close(): Promise<void>;
}

/** Reads the configuration, builds the providers, migrates and opens the database, and the shared stores. */
export async function buildInfrastructure(options: InfrastructureOptions = {}): Promise<Infrastructure> {
  const source = options.env ?? process.env;
  // Every problem of the environment and the shops file in one message, before anything is built.
  assertConfiguration(source);
  const env = parseEnv(source);
  const logger = options.logger ?? createLogger(env.LOG_LEVEL, { service: "loyalty-gateway" });
  // The simulators are loaded in demo mode only: a production process never has their code in memory.
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  // The ЮKassa simulator's notifications reach the gateway's own handler once it is built (connectPayments).
  let paymentsInbox: ((request: Request) => Promise<Response>) | null = null;
  const simulators = env.demo
    ? (await import("../simulators/registry.ts")).createSimulators({
        yookassa: {
          publicUrl: `${publicUrl}/__sim/yookassa`,
          notificationUrl: `${publicUrl}/webhooks/payments/${DEMO_PAYMENT_INSTANCE}`,
          autoDeliverMs: DEMO_NOTIFICATION_MS,
          deliver: (url, init) =>
            paymentsInbox ? paymentsInbox(new Request(url, init)) : Promise.reject(new Error("the gateway is not up")),
        },
      })
    : null;
  const hosts = Object.fromEntries(Object.values(simulators ?? {}).map((s) => [s.host, s.handler]));
  const baseFetch = options.fetch ?? globalThis.fetch;
  const fetch = simulators
    ? (await import("../simulators/kit/in-process-fetch.ts")).inProcessFetch(hosts, baseFetch)
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
  const config = env.demo ? demoShops(publicUrl, env.DEMO_PREPAY_SHOPS) : loadShopsConfig(env.SHOPS_CONFIG!);
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
        timeZone: shop.timezone,
        refundShortfall: shop.refundShortfall ?? "REFUSE",
        checkoutTtlMinutes: shop.checkoutTtlMinutes ?? DEFAULT_CHECKOUT_TTL_MINUTES,
        loyalty: shop.loyalty.map((p, i) =>
          createLoyaltyProvider(p, `shops[${s}].loyalty[${i}]`, credentialEnv, providerDeps),
        ),
        orders: system?.orders ?? null,
        catalog: system?.catalog ?? null,
        payment: shop.payment
          ? {
              provider: createPaymentProvider(
                shop.payment.provider,
                `shops[${s}].payment.provider`,
                credentialEnv,
                providerDeps,
              ),
              mode: shop.payment.mode,
              capture: shop.payment.capture,
              returnUrl: shop.payment.returnUrl,
              notificationIps: shop.payment.notificationIps,
              receipt: shop.payment.receipt ?? null,
            }
          : null,
        priceList: shop.prices
          ? new Map(
              shop.prices.map((p) => [
                p.productId,
                {
                  name: p.name,
                  price: decimalToMinor(p.price),
                  category: p.category,
                  description: p.description,
                  photoUrl: p.photoUrl,
                },
              ]),
            )
          : null,
        ...(shop.slots
          ? {
              slots: {
                pickup: shop.slots.pickup ?? null,
                delivery: shop.slots.delivery ?? null,
                stores: shop.slots.stores,
                required: shop.slots.required,
              },
            }
          : {}),
        priceListStores: (shop.stores ?? []).map((s) => ({
          id: s.id,
          title: s.title,
          city: s.city ?? null,
          address: s.address ?? null,
          hours: s.hours ?? null,
        })),
      };
    }),
  );

  await prepareOrderSystems(shops, logger);

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
  const { pubsub, close: closePubSub } = createGatewayPubSub(env.REDIS_URL, logger);
  return {
    env,
    logger,
    simulators,
    connectPayments: (inbox) => {
      paymentsInbox = inbox;
    },
    metrics,
    tracing,
    config,
    shops,
    db,
    shopRepo,
    cache,
    pubsub,
    close: async () => {
      await cache.close();
      await closePubSub();
      await db.$disconnect();
      await pool?.close();
      await tracing?.shutdown();
    },
  };
}

/**
 * Each order system checks or sets up at the vendor what its orders need (Posiflora: the order source).
 * A vendor's refusal stops start-up, naming the shop; a vendor that cannot be reached now is asked again
 * by the first order, so one vendor's outage does not keep every shop down.
 */
async function prepareOrderSystems(shops: ShopDirectory, logger: Logger): Promise<void> {
  await Promise.all(
    shops.shops.map(async (shop, s) => {
      try {
        await shop.orders?.prepare?.();
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        if (error.code !== "PROVIDER_UNAVAILABLE" && error.code !== "RATE_LIMITED")
          throw new ConfigError(`Invalid shops config:\nshops[${s}].orders: ${error.message}`);
        logger.warn("order system not ready at start-up; the first order tries again", {
          shop: shop.id,
          error: error.message,
        });
      }
    }),
  );
}
