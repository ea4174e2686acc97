import type { createPubSub } from "graphql-yoga";
import type { Redis } from "ioredis";

type EventTarget = NonNullable<NonNullable<Parameters<typeof createPubSub>[0]>["eventTarget"]>;
type Listener = (event: CustomEvent) => void;

/**
 * Yoga's pubsub over Redis (one connection publishes, one subscribes), as @graphql-yoga/redis-event-target
 * does, and safe across a Redis restart: a publish or subscribe that Redis never took is logged instead
 * of rejecting with nobody to catch it (which ends the process), every topic is subscribed again on the
 * new connection, and `onResumed` is told so that subscribers can catch up on what they missed.
 */
export function createResilientRedisEventTarget(args: {
  publishClient: Redis;
  subscribeClient: Redis;
  onError: (what: string, error: unknown) => void;
  /** `lostAt`: when the connection was lost (ms since the epoch). */
  onResumed: (lostAt: number) => void;
}): EventTarget {
  const { publishClient, subscribeClient, onError, onResumed } = args;
  const listeners = new Map<string, Set<Listener>>();
  let lostAt: number | null = null;

  subscribeClient.on("message", (channel: string, message: string) => {
    const callbacks = listeners.get(channel);
    if (!callbacks) return;
    const event = new CustomEvent(channel, { detail: message === "" ? null : (JSON.parse(message) as unknown) });
    for (const callback of callbacks) callback(event);
  });
  subscribeClient.on("close", () => {
    lostAt ??= Date.now();
  });
  subscribeClient.on("ready", () => {
    if (lostAt === null) return;
    const since = lostAt;
    lostAt = null;
    // ioredis re-subscribes what it knew; a topic first subscribed while Redis was away is added here.
    const topics = [...listeners.keys()];
    if (topics.length) subscribeClient.subscribe(...topics).catch((error: unknown) => onError("resubscribe", error));
    onResumed(since);
  });

  return {
    addEventListener(topic: string, callback: EventListenerOrEventListenerObject | null) {
      if (!callback) return;
      const listener = ("handleEvent" in callback ? callback.handleEvent : callback) as Listener;
      let callbacks = listeners.get(topic);
      if (!callbacks) {
        listeners.set(topic, (callbacks = new Set()));
        subscribeClient.subscribe(topic).catch((error: unknown) => onError("subscribe", error));
      }
      callbacks.add(listener);
    },
    removeEventListener(topic: string, callback: EventListenerOrEventListenerObject | null) {
      if (!callback) return;
      const listener = ("handleEvent" in callback ? callback.handleEvent : callback) as Listener;
      const callbacks = listeners.get(topic);
      if (!callbacks) return;
      callbacks.delete(listener);
      if (callbacks.size > 0) return;
      listeners.delete(topic);
      subscribeClient.unsubscribe(topic).catch((error: unknown) => onError("unsubscribe", error));
    },
    dispatchEvent(event: CustomEvent) {
      publishClient
        .publish(event.type, event.detail === undefined ? "" : JSON.stringify(event.detail))
        .catch((error: unknown) => onError("publish", error));
      return true;
    },
  };
}
