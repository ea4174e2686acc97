import { describe, expect, it } from "vitest";
import { BalanceWatch } from "./balance-watch.ts";
import type { CustomerLinkRecord } from "./customer.ts";
import type { ChangedCustomer, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { CustomerLinkRepository } from "./ports/customer-link-repository.port.ts";
import { ShopDirectory } from "./shop-directory.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

/**
 * A feed provider whose vendor keeps customers with an `updatedAt` on a clock the test moves, listed two
 * to a page; a read provider whose balances the test sets.
 */
function setup() {
  const clock = { now: Date.parse("2026-12-07T09:00:00Z") };
  const vendor = new Map<string, ChangedCustomer>();
  const feedCalls: Array<{ since: string | null; page: number }> = [];
  const feed = {
    instanceId: "feed-1",
    capabilities: { balanceFeed: true },
    changedCustomers: async (since: string | null, page: number) => {
      feedCalls.push({ since, page });
      const all = [...vendor.values()].filter((c) => Date.parse(c.updatedAt) >= Date.parse(since!));
      const customers = all.slice((page - 1) * 2, page * 2);
      return { customers, next: page * 2 < all.length ? page + 1 : null };
    },
  } as unknown as LoyaltyProvider;
  const readBalances = new Map<string, number>();
  let reads = 0;
  const read = {
    instanceId: "read-1",
    capabilities: { balanceFeed: false },
    balance: async ({ phone, externalId }: { phone: string; externalId?: string }) => {
      reads += 1;
      expect(externalId).toBe(`ext-${phone}`);
      return readBalances.get(phone) ?? null;
    },
  } as unknown as LoyaltyProvider;
  const shops = new ShopDirectory([
    { id: "a", name: "A", currency: "RUB", loyalty: [feed], orders: null, catalog: null, priceList: null },
    { id: "b", name: "B", currency: "RUB", loyalty: [read], orders: null, catalog: null, priceList: null },
  ] as never);
  const customers: CustomerLinkRecord[] = [
    { id: "cus-1", shopId: "a", phone: "79000000001", telegramUserId: "11" },
    { id: "cus-2", shopId: "a", phone: "79000000002", telegramUserId: null },
    { id: "cus-3", shopId: "b", phone: "79000000003", telegramUserId: "33" },
  ];
  const links = {
    findLinked: async (shopId: string, phones: readonly string[]) =>
      customers.filter((c) => c.shopId === shopId && phones.includes(c.phone) && c.telegramUserId),
    providerRefs: async (id: string) => new Map([["read-1", `ext-${customers.find((c) => c.id === id)!.phone}`]]),
  } as unknown as CustomerLinkRepository;
  const cursorRows = new Map<string, string>();
  const cursors = {
    get: async (id: string) => cursorRows.get(id) ?? null,
    set: async (id: string, v: string) => void cursorRows.set(id, v),
  };
  const told: string[] = [];
  const watch = new BalanceWatch({
    shops,
    links,
    cursors,
    events: { changed: (c) => told.push(c.id) },
    logger: silent,
    now: () => new Date(clock.now),
  });
  const change = (phone: string, balance: number, id = `pf-${phone}`) => {
    clock.now += 1000;
    vendor.set(id, { externalId: id, phone, balance, updatedAt: new Date(clock.now).toISOString() });
  };
  return { watch, clock, change, feedCalls, told, cursorRows, readBalances, customers, reads: () => reads };
}

describe("BalanceWatch, providers with a feed", () => {
  it("starts from the first look, then tells only linked customers whose balance moved", async () => {
    const s = setup();
    s.change("79000000001", 100);
    // The first look stores where to start and announces nothing of the past.
    expect(await s.watch.pollFeeds()).toEqual({ changed: 0, told: 0 });
    expect(s.feedCalls).toEqual([]);
    expect(s.cursorRows.get("balances:feed-1")).toBe(new Date(s.clock.now).toISOString());

    s.change("79000000001", 80);
    s.change("79000000002", 5);
    expect(await s.watch.pollFeeds()).toEqual({ changed: 2, told: 1 });
    expect(s.told).toEqual(["cus-1"]);
    expect(s.cursorRows.get("balances:feed-1")).toBe(new Date(s.clock.now).toISOString());

    // Seen again (the cursor is inclusive) with the same balance: nobody is told twice.
    expect(await s.watch.pollFeeds()).toEqual({ changed: 0, told: 0 });
    expect(s.told).toEqual(["cus-1"]);
  });

  it("reads every page of a storm of changes and keeps the newest time", async () => {
    const s = setup();
    await s.watch.pollFeeds();
    const since = s.cursorRows.get("balances:feed-1");
    for (let i = 0; i < 5; i++) s.change(`7900000010${i}`, i + 1);
    s.change("79000000001", 42);
    const r = await s.watch.pollFeeds();
    expect(r.changed).toBe(6);
    expect(s.feedCalls.map((c) => c.page)).toEqual([1, 2, 3]);
    expect(s.feedCalls.every((c) => c.since === since)).toBe(true);
    expect(s.told).toEqual(["cus-1"]);
    expect(Date.parse(s.cursorRows.get("balances:feed-1")!)).toBe(s.clock.now);
  });

  it("a change without a new balance (a new name) tells nobody; a later one does", async () => {
    const s = setup();
    await s.watch.pollFeeds();
    s.change("79000000001", 10);
    await s.watch.pollFeeds();
    s.change("79000000001", 10);
    expect((await s.watch.pollFeeds()).told).toBe(0);
    s.change("79000000001", 7);
    expect((await s.watch.pollFeeds()).told).toBe(1);
    expect(s.told).toEqual(["cus-1", "cus-1"]);
  });
});

describe("BalanceWatch, providers without a feed", () => {
  it("reads only watched customers, tells a change once, and stops with the last subscriber", async () => {
    const s = setup();
    s.readBalances.set("79000000003", 50);
    expect(await s.watch.readWatched()).toEqual({ read: 0, told: 0 });
    expect(s.reads()).toBe(0);

    const first = s.watch.watch(s.customers[2]!);
    const second = s.watch.watch(s.customers[2]!);
    await s.watch.readWatched();
    expect(s.told).toEqual([]);

    s.readBalances.set("79000000003", 65);
    expect(await s.watch.readWatched()).toEqual({ read: 1, told: 1 });
    expect(await s.watch.readWatched()).toEqual({ read: 1, told: 0 });
    expect(s.told).toEqual(["cus-3"]);

    first.stop();
    first.stop();
    expect(s.watch.watching).toBe(1);
    second.stop();
    expect(s.watch.watching).toBe(0);
    const before = s.reads();
    await s.watch.readWatched();
    expect(s.reads()).toBe(before);
  });

  it("a move the gateway announced is read again, not announced a second time", async () => {
    const s = setup();
    s.readBalances.set("79000000003", 50);
    const handle = s.watch.watch(s.customers[2]!);
    await s.watch.readWatched();
    s.readBalances.set("79000000003", 10);
    await handle.refresh();
    expect(await s.watch.readWatched()).toEqual({ read: 1, told: 0 });
    expect(s.told).toEqual([]);
    handle.stop();
  });

  it("a subscriber that awaits the watch's reading before its own misses no change made after it", async () => {
    const s = setup();
    s.readBalances.set("79000000003", 50);
    const handle = s.watch.watch(s.customers[2]!);
    const reads = s.reads();
    await handle.ready;
    expect(s.reads()).toBe(reads + 1);
    // A second subscriber waits for the same first reading; no second one is made.
    const other = s.watch.watch(s.customers[2]!);
    await other.ready;
    expect(s.reads()).toBe(reads + 1);
    // The gateway's own move: the subscriber's refresh has read it once it resolves.
    s.readBalances.set("79000000003", 40);
    await handle.refresh();
    expect(s.reads()).toBe(reads + 2);
    // The subscriber shows 40 (it read after the refresh); a sale in the shop then moves it: told once.
    s.readBalances.set("79000000003", 115);
    expect(await s.watch.readWatched()).toEqual({ read: 1, told: 1 });
    expect(s.told).toEqual(["cus-3"]);
    other.stop();
    handle.stop();
  });

  it("a feed provider's customers are not read", async () => {
    const s = setup();
    const handle = s.watch.watch(s.customers[0]!);
    await s.watch.readWatched();
    expect(s.reads()).toBe(0);
    handle.stop();
  });
});
