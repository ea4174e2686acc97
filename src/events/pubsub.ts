import { createPubSub } from "graphql-yoga";
import type { OrderEvents } from "../domain/order-events.ts";
import type { OrderRecord } from "../persistence/order.repository.ts";

/**
 * Typed topics. In-process by default; with Redis (issue 5, not built yet) the same topics would be
 * carried between instances by an event target passed here.
 */
export type Topics = {
  "order:status": [orderId: string, event: { orderId: string; status: string }];
  "orders:viewer": [telegramUserId: string, event: { orderId: string; shopId: string }];
  "balance:customer": [customerId: string, event: { customerId: string; shopId: string }];
};

export type GatewayPubSub = ReturnType<typeof createPubSub<Topics>>;

export function createGatewayPubSub(): GatewayPubSub {
  return createPubSub<Topics>();
}

/** The domain's OrderEvents port, published on the pubsub. */
export function orderEventsOn(pubsub: GatewayPubSub): OrderEvents {
  return {
    statusChanged: (order: OrderRecord) => {
      pubsub.publish("order:status", order.id, { orderId: order.id, status: order.status });
      if (order.telegramUserId) pubsub.publish("orders:viewer", order.telegramUserId, { orderId: order.id, shopId: order.shopId });
    },
    balanceChanged: (order: OrderRecord) => {
      if (order.customerId) pubsub.publish("balance:customer", order.customerId, { customerId: order.customerId, shopId: order.shopId });
    },
  };
}
