import type { CacheEntry, CacheStore } from "./cache-store.ts";

/** The embedded default: one process, so its in-flight map is the only lock needed. */
export class MemoryCacheStore implements CacheStore {
  private readonly spaces = new Map<string, Map<string, { entry: CacheEntry; dropAt: number }>>();

  async get<T>(namespace: string, key: string): Promise<CacheEntry<T> | undefined> {
    const hit = this.spaces.get(namespace)?.get(key);
    if (!hit) return undefined;
    if (hit.dropAt <= Date.now()) {
      this.spaces.get(namespace)!.delete(key);
      return undefined;
    }
    return hit.entry as CacheEntry<T>;
  }

  async set<T>(namespace: string, key: string, entry: CacheEntry<T>, keepMs: number): Promise<void> {
    let space = this.spaces.get(namespace);
    if (!space) this.spaces.set(namespace, (space = new Map()));
    space.set(key, { entry, dropAt: Date.now() + keepMs });
  }

  async clear(namespace: string): Promise<void> {
    this.spaces.delete(namespace);
  }

  async tryLock(): Promise<boolean> {
    return true;
  }

  async unlock(): Promise<void> {}

  async close(): Promise<void> {
    this.spaces.clear();
  }
}
