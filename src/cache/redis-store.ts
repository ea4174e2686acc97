import type { Redis } from "ioredis";
import { failFastRedis } from "./fail-fast-redis.ts";
import type { CacheEntry, CacheStore } from "./cache-store.ts";

/**
 * Shared across instances: a namespace is one Redis hash (`lg:cache:<namespace>`), so a clear is one
 * DEL; a load lock is `SET … NX PX`.
 */
export class RedisCacheStore implements CacheStore {
  private readonly redis: Redis;
  private readonly usable: () => void;

  constructor(
    url: string,
    private readonly prefix = "lg:cache:",
  ) {
    // While Redis is away a command fails at once: the cache (SwrCache) then asks the vendor.
    ({ redis: this.redis, usable: this.usable } = failFastRedis(url, 2));
  }

  async get<T>(namespace: string, key: string): Promise<CacheEntry<T> | undefined> {
    this.usable();
    const raw = await this.redis.hget(this.prefix + namespace, key);
    return raw ? (JSON.parse(raw) as CacheEntry<T>) : undefined;
  }

  async set<T>(namespace: string, key: string, entry: CacheEntry<T>, keepMs: number): Promise<void> {
    this.usable();
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
    this.usable();
    await this.redis.del(this.prefix + namespace);
  }

  async tryLock(namespace: string, key: string, ms: number): Promise<boolean> {
    this.usable();
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
