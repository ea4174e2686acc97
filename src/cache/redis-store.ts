import { Redis } from "ioredis";
import type { CacheEntry, CacheStore } from "./cache-store.ts";

/**
 * Shared across instances: a namespace is one Redis hash (`lg:cache:<namespace>`), so a clear is one
 * DEL; a load lock is `SET … NX PX`.
 */
export class RedisCacheStore implements CacheStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = "lg:cache:",
  ) {
    // While Redis is away a command fails at once instead of waiting in a queue: the cache (SwrCache)
    // then asks the vendor, and a request is not held up by a cache.
    this.redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false });
    this.redis.on("error", () => {});
  }

  async get<T>(namespace: string, key: string): Promise<CacheEntry<T> | undefined> {
    const raw = await this.redis.hget(this.prefix + namespace, key);
    return raw ? (JSON.parse(raw) as CacheEntry<T>) : undefined;
  }

  async set<T>(namespace: string, key: string, entry: CacheEntry<T>, keepMs: number): Promise<void> {
    const hash = this.prefix + namespace;
    // The hash lives as long as its longest-kept entry; fields carry their own freshness.
    await this.redis
      .multi()
      .hset(hash, key, JSON.stringify(entry))
      .pexpire(hash, keepMs, "GT")
      .pexpire(hash, keepMs, "NX")
      .exec();
  }

  async clear(namespace: string): Promise<void> {
    await this.redis.del(this.prefix + namespace);
  }

  async tryLock(namespace: string, key: string, ms: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}lock:${namespace}:${key}`, "1", "PX", ms, "NX")) === "OK";
  }

  async unlock(namespace: string, key: string): Promise<void> {
    await this.redis.del(`${this.prefix}lock:${namespace}:${key}`);
  }

  close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }
}
