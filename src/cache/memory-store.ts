import type { CacheEntry, CacheStore } from "./cache-store.ts";

/** The embedded default: one process, so its in-flight map is the only lock needed. */
export class MemoryCacheStore implements CacheStore {
  private readonly spaces = new Map<string, Map<string, { entry: CacheEntry; dropAt: number }>>();

  get<T>(namespace: string, key: string): Promise<CacheEntry<T> | undefined> {
    const hit = this.spaces.get(namespace)?.get(key);
    if (!hit) return Promise.resolve(undefined);
    if (hit.dropAt <= Date.now()) {
      this.spaces.get(namespace)!.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(hit.entry as CacheEntry<T>);
  }

  set<T>(namespace: string, key: string, entry: CacheEntry<T>, keepMs: number): Promise<void> {
    let space = this.spaces.get(namespace);
    if (!space) this.spaces.set(namespace, (space = new Map<string, { entry: CacheEntry; dropAt: number }>()));
    space.set(key, { entry, dropAt: Date.now() + keepMs });
    return Promise.resolve();
  }

  clear(namespace: string): Promise<void> {
    this.spaces.delete(namespace);
    return Promise.resolve();
  }

  tryLock(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async unlock(): Promise<void> {}

  close(): Promise<void> {
    this.spaces.clear();
    return Promise.resolve();
  }
}
