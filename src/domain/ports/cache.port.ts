export interface Freshness {
  /** Served as is for this long. */
  ttlMs: number;
  /** Then served stale for this long while one background load refreshes it. */
  staleMs: number;
}

/** A read-through cache of vendor resources: fresh for a while, then served stale while one call refreshes it. */
export interface ReadThroughCache {
  get<T>(namespace: string, key: string, freshness: Freshness, load: () => Promise<T>): Promise<T>;
  /** Drops every entry of a namespace (one vendor instance's catalog). */
  invalidate(namespace: string): Promise<void>;
}
