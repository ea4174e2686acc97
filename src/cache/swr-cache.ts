import type { Freshness, ReadThroughCache } from "../domain/ports/cache.port.ts";

export type { Freshness };
import type { CacheStore } from "./cache-store.ts";

export interface CacheStats {
  hits: number;
  staleHits: number;
  misses: number;
  loads: number;
  /** A load failed and an expired copy was served instead. */
  staleOnError: number;
}

/** How long an expired entry is kept for stale-if-error: a vendor outage still shows the last shop window. */
const ERROR_GRACE_MS = 6 * 3600_000;
const LOCK_MS = 5_000;
const WAIT_STEP_MS = 20;

/**
 * A read-through cache with TTL and stale-while-revalidate. Concurrent misses of one key make one
 * load: in this process through the in-flight map, across instances through the store's lock (the
 * others wait for the value to appear). A failed load serves an expired copy if one is kept.
 */
export class SwrCache implements ReadThroughCache {
  readonly stats: CacheStats = { hits: 0, staleHits: 0, misses: 0, loads: 0, staleOnError: 0 };
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly store: CacheStore,
    private readonly onError: (error: unknown, namespace: string, key: string) => void = () => {},
  ) {}

  async get<T>(namespace: string, key: string, freshness: Freshness, load: () => Promise<T>): Promise<T> {
    // Misses join the load under way (refresh dedupes); a stale entry is served without waiting for it.
    // A shared store that is away (Redis restarting) is a miss: the vendor is asked, the answer served.
    const entry = await this.store.get<T>(namespace, key).catch((error: unknown) => {
      this.onError(error, namespace, key);
      return undefined;
    });
    const now = Date.now();
    if (entry && now < entry.freshUntil) {
      this.stats.hits++;
      return entry.value;
    }
    if (entry && now < entry.staleUntil) {
      this.stats.staleHits++;
      this.refresh(namespace, key, freshness, load).catch((error: unknown) => this.onError(error, namespace, key));
      return entry.value;
    }
    this.stats.misses++;
    try {
      return await this.refresh(namespace, key, freshness, load, true);
    } catch (error) {
      if (!entry) throw error;
      this.stats.staleOnError++;
      this.onError(error, namespace, key);
      return entry.value;
    }
  }

  /** Drops a namespace everywhere; loads already under way do not write their (older) answer back. */
  async invalidate(namespace: string): Promise<void> {
    this.generation.set(namespace, (this.generation.get(namespace) ?? 0) + 1);
    for (const k of this.inFlight.keys()) if (k.startsWith(`${namespace}\u0000`)) this.inFlight.delete(k);
    await this.store.clear(namespace);
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private refresh<T>(
    namespace: string,
    key: string,
    freshness: Freshness,
    load: () => Promise<T>,
    waitForOthers = false,
  ): Promise<T> {
    const id = `${namespace}\u0000${key}`;
    const existing = this.inFlight.get(id);
    if (existing) return existing as Promise<T>;
    const gen = this.generation.get(namespace) ?? 0;
    const run = (async () => {
      // null: the store is away, so this instance loads without the lock.
      const locked = await this.store.tryLock(namespace, key, LOCK_MS).catch(() => null);
      if (locked === false) {
        // Another instance is loading this key: a miss waits for its answer, a stale read keeps the old one.
        const shared = waitForOthers
          ? await this.waitForOther<T>(namespace, key)
          : (await this.store.get<T>(namespace, key).catch(() => undefined))?.value;
        if (shared !== undefined) return shared;
      }
      try {
        this.stats.loads++;
        const value = await load();
        if ((this.generation.get(namespace) ?? 0) === gen) {
          const now = Date.now();
          await this.store
            .set(
              namespace,
              key,
              { value, freshUntil: now + freshness.ttlMs, staleUntil: now + freshness.ttlMs + freshness.staleMs },
              freshness.ttlMs + freshness.staleMs + ERROR_GRACE_MS,
            )
            .catch((error: unknown) => this.onError(error, namespace, key));
        }
        return value;
      } finally {
        if (locked) await this.store.unlock(namespace, key).catch(() => {});
      }
    })();
    this.inFlight.set(id, run);
    const forget = () => {
      if (this.inFlight.get(id) === run) this.inFlight.delete(id);
    };
    run.then(forget, forget);
    return run;
  }

  /** Another instance holds the load lock: wait for its fresh answer, up to the lock's life. */
  private async waitForOther<T>(namespace: string, key: string): Promise<T | undefined> {
    const until = Date.now() + LOCK_MS;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      const entry = await this.store.get<T>(namespace, key).catch(() => null);
      if (entry === null) return undefined; // the store went away: load here
      if (entry && Date.now() < entry.freshUntil) return entry.value;
    }
    return undefined;
  }
}
