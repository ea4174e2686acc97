import { Redis } from "ioredis";

/**
 * A Redis connection for a helper that can do without Redis (the cache, rate-limit counters): commands
 * wait for the first connection at start-up, but once Redis has been reached, a command sent while the
 * connection is being made again fails at once instead of waiting in ioredis's queue, so a request is
 * never held up by a helper.
 */
export function failFastRedis(url: string, maxRetriesPerRequest: number): { redis: Redis; usable(): void } {
  const redis = new Redis(url, { maxRetriesPerRequest, enableOfflineQueue: true });
  let reached = false;
  redis.on("ready", () => {
    reached = true;
  });
  // Failed reconnects are "error" events; the callers log what they could not do.
  redis.on("error", () => {});
  return {
    redis,
    usable: () => {
      if (reached && redis.status !== "ready") throw new Error("Redis is reconnecting: Connection is closed.");
    },
  };
}
