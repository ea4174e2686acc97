import type { CustomerLinkRecord } from "./customer.ts";
import type { CustomerLinkRepository } from "./ports/customer-link-repository.port.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { SyncCursorRepository } from "./ports/sync-cursor-repository.port.ts";
import type { ShopDirectory } from "./shop-directory.ts";

/** Tells subscribers that a customer's points moved (loyaltyBalanceChanged). */
export interface BalanceEvents {
  changed(customer: Pick<CustomerLinkRecord, "id" | "shopId">): void;
}

/**
 * A subscriber's hold on the watch. `ready` is the first reading; `refresh` reads again after a move the
 * gateway announced itself. The subscriber awaits either before it reads the accounts it shows, so that
 * the watch's reading is never later than the subscriber's: a change made between the two would otherwise
 * become the watch's baseline unseen, and never be told.
 */
export interface BalanceWatchHandle {
  ready: Promise<void>;
  refresh(): Promise<void>;
  stop(): void;
}

interface Watched {
  customer: CustomerLinkRecord;
  subscribers: number;
  /** The first reading, which every subscriber awaits. */
  ready: Promise<void>;
  /** The balance last read at each provider instance without a feed. */
  last: Map<string, number | null>;
}

/**
 * Learns balance changes made outside the gateway (a purchase in the shop, a correction by staff, an
 * expiry) and tells the customers' subscribers.
 *
 * - Providers with a feed (`capabilities.balanceFeed`) are asked for the customers changed since a stored
 *   cursor; every such customer linked to a Telegram user is told. The cursor starts at the first look,
 *   on the gateway's clock (the past is not announced; a vendor clock behind it hides that gap's changes,
 *   once), and then follows the vendor's own times. A customer whose balance the feed shows unchanged (a
 *   new name) is not told.
 * - Elsewhere the balance is read (the provider's cheapest documented read, `balance`) at an interval,
 *   only for customers with an open subscription, and a change is told.
 *
 * Several instances may poll the same feed: a customer may then be told twice, which shows the same
 * balance again. The gateway's own moves are announced where they are made; a subscriber's watch reads
 * the balance again after one, so that the read does not announce it a second time.
 */
export class BalanceWatch {
  private readonly watched = new Map<string, Watched>();
  /** The balance a feed last showed, by instance and the provider's customer id; bounded. */
  private readonly seen = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly deps: {
      shops: ShopDirectory;
      links: CustomerLinkRepository;
      cursors: SyncCursorRepository;
      events: BalanceEvents;
      logger: Logger;
      now?: () => Date;
      maxSeen?: number;
    },
  ) {}

  start(feedIntervalMs: number, readIntervalMs: number): void {
    if (feedIntervalMs > 0) this.timers.push(setInterval(() => void this.pollFeeds(), feedIntervalMs));
    if (readIntervalMs > 0) this.timers.push(setInterval(() => void this.readWatched(), readIntervalMs));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /** Asks every feed once; a failing one is logged and the others go on. */
  async pollFeeds(): Promise<{ changed: number; told: number }> {
    const totals = { changed: 0, told: 0 };
    for (const { provider, shopIds } of this.feeds()) {
      try {
        const r = await this.pollFeed(provider, shopIds);
        totals.changed += r.changed;
        totals.told += r.told;
      } catch (error) {
        this.deps.logger.warn("balance feed failed", { provider: provider.instanceId, err: error });
      }
    }
    return totals;
  }

  /** Starts reading the customer's balances at providers without a feed, until every subscriber stops. */
  watch(customer: CustomerLinkRecord): BalanceWatchHandle {
    let entry = this.watched.get(customer.id);
    if (!entry) {
      const created: Watched = { customer, subscribers: 0, last: new Map(), ready: Promise.resolve() };
      created.ready = this.read(created, false).then(() => {});
      entry = created;
      this.watched.set(customer.id, entry);
    }
    entry.subscribers += 1;
    const watched = entry;
    let stopped = false;
    return {
      ready: watched.ready,
      refresh: () => this.read(watched, false).then(() => {}),
      stop: () => {
        if (stopped) return;
        stopped = true;
        watched.subscribers -= 1;
        if (watched.subscribers === 0) this.watched.delete(customer.id);
      },
    };
  }

  /** Reads every watched customer's balances once; a change tells their subscribers. */
  async readWatched(): Promise<{ read: number; told: number }> {
    const entries = [...this.watched.values()];
    const told = await Promise.all(entries.map((e) => this.read(e, true)));
    return { read: entries.length, told: told.filter(Boolean).length };
  }

  /** How many customers are watched by reading, for the metrics and tests. */
  get watching(): number {
    return this.watched.size;
  }

  private async read(entry: Watched, tell: boolean): Promise<boolean> {
    const shop = this.deps.shops.get(entry.customer.shopId);
    const readable = shop.loyalty.filter((p) => !p.capabilities.balanceFeed);
    if (readable.length === 0) return false;
    const refs = await this.deps.links.providerRefs(entry.customer.id);
    let moved = false;
    await Promise.all(
      readable.map(async (provider) => {
        const externalId = refs.get(provider.instanceId);
        let now: number | null;
        try {
          now = await provider.balance({ phone: entry.customer.phone, ...(externalId ? { externalId } : {}) });
        } catch (error) {
          this.deps.logger.debug("balance read failed", { provider: provider.instanceId, err: error });
          return;
        }
        const before = entry.last.get(provider.instanceId);
        entry.last.set(provider.instanceId, now);
        if (before !== undefined && before !== now) moved = true;
      }),
    );
    if (moved && tell && this.watched.has(entry.customer.id)) this.deps.events.changed(entry.customer);
    return moved && tell;
  }

  private async pollFeed(provider: LoyaltyProvider, shopIds: string[]): Promise<{ changed: number; told: number }> {
    const key = `balances:${provider.instanceId}`;
    const since = await this.deps.cursors.get(key);
    if (!since) {
      await this.deps.cursors.set(key, (this.deps.now?.() ?? new Date()).toISOString());
      return { changed: 0, told: 0 };
    }
    let newest = since;
    let changed = 0;
    let told = 0;
    for (let page: number | null = 1; page !== null;) {
      const result = await provider.changedCustomers(since, page);
      const moved = result.customers.filter((c) => {
        const seenKey = `${provider.instanceId}\u0000${c.externalId}`;
        const before = this.seen.get(seenKey);
        this.remember(seenKey, c.balance);
        return before !== c.balance;
      });
      for (const c of result.customers) if (Date.parse(c.updatedAt) > Date.parse(newest)) newest = c.updatedAt;
      changed += moved.length;
      if (moved.length > 0) {
        const phones = [...new Set(moved.map((c) => c.phone))];
        for (const shopId of shopIds) {
          for (const customer of await this.deps.links.findLinked(shopId, phones)) {
            this.deps.events.changed(customer);
            told += 1;
          }
        }
      }
      page = result.next;
    }
    // The cursor is inclusive: the last change is listed again next time, and its unchanged balance tells nobody.
    if (newest !== since) await this.deps.cursors.set(key, newest);
    return { changed, told };
  }

  private remember(key: string, balance: number): void {
    const max = this.deps.maxSeen ?? 100_000;
    this.seen.delete(key);
    if (this.seen.size >= max) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, balance);
  }

  /** Each provider instance with a feed, once, with the shops that use it. */
  private feeds(): Array<{ provider: LoyaltyProvider; shopIds: string[] }> {
    const byInstance = new Map<string, { provider: LoyaltyProvider; shopIds: string[] }>();
    for (const shop of this.deps.shops.shops) {
      for (const provider of shop.loyalty) {
        if (!provider.capabilities.balanceFeed) continue;
        const entry = byInstance.get(provider.instanceId) ?? { provider, shopIds: [] };
        entry.shopIds.push(shop.id);
        byInstance.set(provider.instanceId, entry);
      }
    }
    return [...byInstance.values()];
  }
}
