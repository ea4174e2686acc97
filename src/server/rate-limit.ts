import type { Redis } from "ioredis";
import { failFastRedis } from "../cache/fail-fast-redis.ts";
import { LRUCache } from "lru-cache";
import { InvalidInputError, ProviderError } from "../domain/errors.ts";
import type { RequestScope } from "../domain/request-scope.ts";
import type { VendorGuard } from "../graphql/vendor-guard.ts";
import type { Logger } from "./logger.ts";

/** Fixed-window counters: `add` returns the count of the key's current window after adding `by`. */
export interface CounterStore {
  add(key: string, by: number, windowMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Per process, bounded: at most 100,000 live keys, each dropped when its window ends. */
export class MemoryCounterStore implements CounterStore {
  private readonly counts = new LRUCache<string, number>({ max: 100_000, ttlAutopurge: false });

  add(key: string, by: number, windowMs: number): Promise<number> {
    const count = (this.counts.get(key) ?? 0) + by;
    this.counts.set(key, count, { ttl: windowMs, noUpdateTTL: this.counts.has(key) });
    return Promise.resolve(count);
  }

  async close(): Promise<void> {}
}

/** Shared by every instance on one Redis: INCRBY on the window's key, which expires with the window. */
export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;
  private readonly usable: () => void;

  constructor(url: string) {
    // While Redis is away a count fails at once, and the call is admitted.
    ({ redis: this.redis, usable: this.usable } = failFastRedis(url, 1));
  }

  async add(key: string, by: number, windowMs: number): Promise<number> {
    this.usable();
    const replies = await this.redis.multi().incrby(key, by).pexpire(key, windowMs, "NX").exec();
    const [error, count] = replies?.[0] ?? [new Error("no reply"), 0];
    if (error) throw error;
    return Number(count);
  }

  close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }
}

export interface RateLimits {
  windowSeconds: number;
  /** Calls of vendor-reaching root fields per window; 0 means no limit. */
  telegramUser: number;
  apiKey: number;
  ip: number;
}

interface GuardedContext {
  scope: RequestScope;
  clientIp?: string | null;
}

/**
 * The vendor guard of builder.ts's plugin: caps `_entities` representations, then counts each call of
 * a vendor-reaching root field (an `_entities` call counts each representation) against the caller's
 * buckets: the API key; or the Telegram user and the client IP; or, anonymous, the IP. Over a limit the
 * call is refused with RATE_LIMITED and `retryAfterSeconds` (the end of the window), as the field's
 * ProviderError where it has one. Counter failures (Redis down) admit the call and are logged.
 */
export class VendorCallGuard implements VendorGuard {
  constructor(
    private readonly limits: RateLimits,
    private readonly maxEntities: number,
    private readonly store: CounterStore,
    private readonly prefix: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async admit(coordinate: string, args: Record<string, unknown>, context: object): Promise<void> {
    let weight = 1;
    if (coordinate === "Query._entities") {
      const representations = Array.isArray(args.representations) ? args.representations.length : 0;
      if (representations > this.maxEntities) {
        throw new InvalidInputError(`at most ${this.maxEntities} representations per _entities call`, [
          { path: "representations", message: `at most ${this.maxEntities}` },
        ]);
      }
      weight = Math.max(1, representations);
    }
    const { scope, clientIp } = context as GuardedContext;
    const buckets: Array<[string, number]> = [];
    const viewer = scope?.viewer ?? { kind: "anonymous" };
    if (viewer.kind === "service") buckets.push([`key:${viewer.name}`, this.limits.apiKey]);
    if (viewer.kind === "telegram") buckets.push([`tg:${viewer.telegramUserId}`, this.limits.telegramUser]);
    if (viewer.kind !== "service" && clientIp) buckets.push([`ip:${clientIp}`, this.limits.ip]);

    const windowMs = this.limits.windowSeconds * 1000;
    const now = this.now();
    const window = Math.floor(now / windowMs);
    for (const [bucket, limit] of buckets) {
      if (limit <= 0) continue;
      let count: number;
      try {
        count = await this.store.add(`${this.prefix}${bucket}:${window}`, weight, windowMs);
      } catch (error) {
        this.logger.warn("rate-limit counter unavailable; call admitted", { bucket, err: error });
        continue;
      }
      if (count > limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
        throw new ProviderError(
          "RATE_LIMITED",
          `too many calls that reach providers (${limit} per ${this.limits.windowSeconds} s for this ${bucketName(bucket)}); retry in ${retryAfterSeconds} s`,
          "gateway",
          { retryAfterSeconds },
        );
      }
    }
  }
}

function bucketName(bucket: string): string {
  return bucket.startsWith("key:") ? "API key" : bucket.startsWith("tg:") ? "Telegram user" : "IP address";
}
