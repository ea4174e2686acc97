import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import type { BalanceEvents } from "../domain/balance-watch.ts";
import type { OrderEvents } from "../domain/order-events.ts";
import type { ProductSyncProgress } from "../domain/product-sync.ts";
import type { OrderRecord } from "../domain/order.ts";

/** Typed topics; with REDIS_URL they travel through Redis, so every instance's subscribers get them. */
export type Topics = {
  "order:status": [orderId: string, event: { orderId: string; status: string }];
  "orders:viewer": [telegramUserId: string, event: { orderId: string; shopId: string }];
  /** `origin: "watch"`: learnt by the balance watch (a move made elsewhere); otherwise a move the gateway made. */
  "balance:customer": [customerId: string, event: { customerId: string; shopId: string; origin?: "watch" }];
  "productSync:shop": [shopId: string, event: ProductSyncProgress];
};

export type GatewayPubSub = ReturnType<typeof createPubSub<Topics>>;

/** In-process without Redis; through Redis (one publishing and one subscribing connection) with it. */
export function createGatewayPubSub(redisUrl?: string): { pubsub: GatewayPubSub; close(): Promise<void> } {
  if (!redisUrl) return { pubsub: createPubSub<Topics>(), close: async () => {} };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<Topics>({ eventTarget }),
    close: () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
      return Promise.resolve();
    },
  };
}

/** The domain's OrderEvents port, published on the pubsub. */
export function orderEventsOn(pubsub: GatewayPubSub): OrderEvents {
  return {
    statusChanged: (order: OrderRecord) => {
      pubsub.publish("order:status", order.id, { orderId: order.id, status: order.status });
      if (order.telegramUserId)
        pubsub.publish("orders:viewer", order.telegramUserId, { orderId: order.id, shopId: order.shopId });
    },
    balanceChanged: (order: OrderRecord) => {
      if (order.customerId)
        pubsub.publish("balance:customer", order.customerId, { customerId: order.customerId, shopId: order.shopId });
    },
  };
}

/** The domain's BalanceEvents port (changes learnt by the balance watch), published on the pubsub. */
export function balanceEventsOn(pubsub: GatewayPubSub): BalanceEvents {
  return {
    changed: (customer) =>
      pubsub.publish("balance:customer", customer.id, {
        customerId: customer.id,
        shopId: customer.shopId,
        origin: "watch",
      }),
  };
}
