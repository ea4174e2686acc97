/** One cached value with its freshness: fresh until `freshUntil`, served stale (and refreshed) until `staleUntil`. */
export interface CacheEntry<T = unknown> {
  value: T;
  freshUntil: number;
  staleUntil: number;
}

/**
 * Where cached entries live: this process's memory, or Redis so that every instance shares one copy
 * (and one vendor call). Entries are grouped in namespaces, one per provider instance, so that an
 * invalidation drops a whole shop window at once.
 */
export interface CacheStore {
  get<T>(namespace: string, key: string): Promise<CacheEntry<T> | undefined>;
  /** Stores the entry and keeps the namespace at least `keepMs` (kept past `staleUntil` for stale-if-error). */
  set<T>(namespace: string, key: string, entry: CacheEntry<T>, keepMs: number): Promise<void>;
  clear(namespace: string): Promise<void>;
  /** Takes a short lock so that one instance loads a missing key while the others wait for it. */
  tryLock(namespace: string, key: string, ms: number): Promise<boolean>;
  unlock(namespace: string, key: string): Promise<void>;
  close(): Promise<void>;
}
