import { createPubSub, Repeater } from "graphql-yoga";
import { Redis } from "ioredis";
import type { BalanceEvents } from "../domain/balance-watch.ts";
import type { Logger } from "../domain/ports/logger.port.ts";
import { createResilientRedisEventTarget } from "./redis-event-target.ts";
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

export type GatewayPubSub = ReturnType<typeof createPubSub<Topics>> & {
  /**
   * Fires when the connection that carries other instances' events is back after a loss: events
   * published meanwhile may be lost, so a subscriber reads its current state again.
   */
  resumed(): AsyncIterable<Resumed>;
};

/** The event connection is back; `lostAt` is when it was lost (ms since the epoch). */
export interface Resumed {
  resumed: true;
  lostAt: number;
}

/** A subscription's events, and a `Resumed` marker each time the event connection comes back. */
export function eventsOrResumed<T extends object>(
  pubsub: GatewayPubSub,
  events: AsyncIterable<T>,
): Repeater<T | Resumed> {
  return Repeater.merge([events, pubsub.resumed()]) as Repeater<T | Resumed>;
}

export const isResumed = (event: object): event is Resumed => "resumed" in event;

/** In-process without Redis; through Redis (one publishing and one subscribing connection) with it. */
export function createGatewayPubSub(
  redisUrl?: string,
  logger?: Logger,
): { pubsub: GatewayPubSub; close(): Promise<void> } {
  const local = createPubSub<{ resumed: [Resumed] }>();
  const resumed = () => local.subscribe("resumed");
  if (!redisUrl) return { pubsub: Object.assign(createPubSub<Topics>(), { resumed }), close: async () => {} };
  const publishClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  // Subscribing waits for Redis however long it is away; ioredis subscribes again on reconnect.
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: null });
  const eventTarget = createResilientRedisEventTarget({
    publishClient,
    subscribeClient,
    onError: (what, error) =>
      logger?.warn("redis event bus: an event was not carried", {
        what,
        error: error instanceof Error ? error.message : String(error),
      }),
    onResumed: (lostAt) => {
      logger?.info("redis event bus: connection back; subscribers read their state again", {
        lostForMs: Date.now() - lostAt,
      });
      local.publish("resumed", { resumed: true, lostAt });
    },
  });
  // ioredis reports every failed reconnect as an "error" event, to stderr when nobody listens; the
  // losses that matter are logged above, once each.
  const quiet = () => {};
  publishClient.on("error", quiet);
  subscribeClient.on("error", quiet);
  return {
    pubsub: Object.assign(createPubSub<Topics>({ eventTarget }), { resumed }),
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
