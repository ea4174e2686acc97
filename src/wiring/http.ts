import { ApiKeyRing } from "../auth/api-keys.ts";
import { InitDataVerifier } from "../auth/telegram-init-data.ts";
import { DEMO_PHONES } from "../config/demo.ts";
import { ALL_SCOPES } from "../domain/scopes.ts";
import { WebhookEventRepository } from "../persistence/webhook-event.repository.ts";
import { useDemoSimulators } from "../server/demo-simulators.ts";
import { useMiniApp } from "../server/mini-app.ts";
import type { SubscriptionDrain } from "../server/drain.ts";
import { securitySettings } from "../server/security.ts";
import { useWebhooks } from "../server/webhooks.ts";
import { ipAllowList, type PaymentWebhookInstance, usePaymentWebhooks } from "../server/payment-webhooks.ts";
import type { ShopDirectory } from "../domain/shop-directory.ts";
import { createGatewayYoga, type GatewayYoga } from "../yoga.ts";
import type { Domain } from "./domain.ts";
import type { Infrastructure } from "./infrastructure.ts";

/** The HTTP edge: Yoga with auth, limits, telemetry, webhooks, and in demo mode the simulators and the Mini App. */
export function buildHttp(infra: Infrastructure, domain: Domain, subscriptions: SubscriptionDrain): GatewayYoga {
  const { env, logger, simulators, tracing, metrics, shops, db, shopRepo } = infra;
  const { botToken } = domain;
  const apiKeys = new ApiKeyRing([
    ...env.API_KEYS,
    ...(env.demo ? [{ name: "demo-developer", key: env.DEMO_API_KEY, scopes: ALL_SCOPES }] : []),
  ]);
  const graphiqlOn = env.GRAPHIQL ?? (env.demo || env.NODE_ENV !== "production");
  return createGatewayYoga({
    services: domain.services,
    logger,
    auth: { initData: new InitDataVerifier(botToken, env.TELEGRAM_INIT_DATA_MAX_AGE_SECONDS), apiKeys },
    ready: () => shopRepo.ping(),
    security: securitySettings(env),
    plugins: [
      subscriptions.plugin(),
      ...(tracing?.plugins ?? []),
      metrics.plugin(),
      ...(simulators ? [useDemoSimulators(simulators, env.MAX_BODY_BYTES)] : []),
      ...(env.demo ? [useMiniApp({ botToken, initDataMaxAgeSeconds: env.TELEGRAM_INIT_DATA_MAX_AGE_SECONDS })] : []),
      usePaymentWebhooks({
        instances: paymentInstances(shops),
        sink: domain.settlement,
        maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
        logger,
      }),
      useWebhooks({
        maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
        secrets: { ...(env.demo ? { posiflora: env.DEMO_WEBHOOK_SECRET } : {}), ...env.WEBHOOK_SECRETS },
        windowSeconds: env.WEBHOOK_WINDOW_SECONDS,
        followUp: domain.followUp,
        shops,
        catalog: domain.catalog,
        events: new WebhookEventRepository(db),
        logger,
      }),
    ],
    graphiql: graphiqlOn && {
      headers: env.demo ? { Authorization: `Bearer ${env.DEMO_API_KEY}` } : undefined,
      defaultQuery: env.demo ? demoQuery() : undefined,
    },
  });
}

/** Each shop's PSP instance at `/webhooks/payments/<instance id>`, with the addresses its notifications come from. */
function paymentInstances(shops: ShopDirectory): Record<string, PaymentWebhookInstance> {
  return Object.fromEntries(
    shops.shops.flatMap((shop) =>
      shop.payment
        ? [
            [
              shop.payment.provider.instanceId,
              { provider: shop.payment.provider, allowList: ipAllowList(shop.payment.notificationIps) },
            ],
          ]
        : [],
    ),
  );
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
