import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryCacheStore } from "./memory-store.ts";
import { SwrCache } from "./swr-cache.ts";

const fresh = { ttlMs: 1_000, staleMs: 10_000 };

function counter(values: unknown[]) {
  let calls = 0;
  return { load: async () => values[Math.min(calls++, values.length - 1)], calls: () => calls };
}

afterEach(() => vi.useRealTimers());

describe("SwrCache", () => {
  it("makes one load for 100 concurrent misses of a key", async () => {
    const cache = new SwrCache(new MemoryCacheStore());
    const src = counter(["v1"]);
    const got = await Promise.all(Array.from({ length: 100 }, () => cache.get("ns", "k", fresh, src.load)));
    expect(new Set(got)).toEqual(new Set(["v1"]));
    expect(src.calls()).toBe(1);
    expect(cache.stats).toMatchObject({ misses: 100, loads: 1 });
  });

  it("serves a fresh entry without loading, then stale while one background load refreshes it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = new SwrCache(new MemoryCacheStore());
    const src = counter(["old", "new"]);
    expect(await cache.get("ns", "k", fresh, src.load)).toBe("old");
    expect(await cache.get("ns", "k", fresh, src.load)).toBe("old");
    expect(src.calls()).toBe(1);
    vi.setSystemTime(Date.now() + 2_000);
    expect(await cache.get("ns", "k", fresh, src.load)).toBe("old");
    await vi.waitFor(() => expect(src.calls()).toBe(2));
    await vi.waitFor(async () => expect(await cache.get("ns", "k", fresh, src.load)).toBe("new"));
    expect(cache.stats.staleHits).toBe(1);
  });

  it("loads again once the stale window is over, and serves the old copy if that load fails", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cache = new SwrCache(new MemoryCacheStore());
    expect(await cache.get("ns", "k", fresh, async () => "kept")).toBe("kept");
    vi.setSystemTime(Date.now() + 20_000);
    expect(
      await cache.get("ns", "k", fresh, async () => {
        throw new Error("vendor down");
      }),
    ).toBe("kept");
    expect(cache.stats.staleOnError).toBe(1);
    await expect(
      cache.get("ns", "other", fresh, async () => {
        throw new Error("vendor down");
      }),
    ).rejects.toThrow("vendor down");
  });

  it("drops a namespace on invalidate, and a load under way does not write its older answer back", async () => {
    const cache = new SwrCache(new MemoryCacheStore());
    let release: ((v: string) => void) | undefined;
    const slow = cache.get("ns", "k", fresh, () => new Promise<string>((r) => (release = r)));
    await vi.waitFor(() => expect(release).toBeDefined());
    await cache.invalidate("ns");
    release!("before-change");
    expect(await slow).toBe("before-change");
    expect(await cache.get("ns", "k", fresh, async () => "after-change")).toBe("after-change");
    expect(await cache.get("other", "k", fresh, async () => "untouched")).toBe("untouched");
  });
});
