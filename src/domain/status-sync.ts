import type { OrderProvider } from "./ports/order-system.port.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import type { SyncCursorRepository } from "./ports/sync-cursor-repository.port.ts";
import type { StatusFollowUp } from "./status-follow-up.ts";
import { repeatRound } from "./repeating-round.ts";

export interface StatusSyncOptions {
  shops: ShopDirectory;
  followUp: StatusFollowUp;
  cursors: SyncCursorRepository;
  logger: Logger;
  now?: () => Date;
}

/**
 * Polls each order system (Posiflora has no webhooks) for orders changed since a stored cursor and
 * feeds their statuses to the orders. An order whose status cannot be followed is isolated
 * (StatusFollowUp: an attention record, retried with back-off) and the cursor moves past it, so one
 * order never holds up the shop's others. Processing is idempotent, so several instances may poll at
 * once; an order system that fails is polled less often (doubling back-off, up to 16 intervals).
 */
export class StatusSync {
  private stopRounds = () => {};
  private readonly backoff = new Map<string, { skip: number; level: number }>();
  /** When the last poll that read everything started, per order system: the lag is measured from there. */
  private readonly caughtUp = new Map<string, Date>();
  private readonly startedAt: Date;
  private readonly now: () => Date;

  constructor(private readonly o: StatusSyncOptions) {
    this.now = o.now ?? (() => new Date());
    this.startedAt = this.now();
  }

  async runOnce(): Promise<{ seen: number; applied: number; isolated: number }> {
    const totals = { seen: 0, applied: 0, isolated: 0 };
    for (const provider of this.providers()) {
      const b = this.backoff.get(provider.instanceId);
      if (b && b.skip > 0) {
        b.skip -= 1;
        continue;
      }
      try {
        const started = this.now();
        const r = await this.poll(provider);
        totals.seen += r.seen;
        totals.applied += r.applied;
        totals.isolated += r.isolated;
        this.caughtUp.set(provider.instanceId, started);
        this.backoff.delete(provider.instanceId);
      } catch (error) {
        const level = Math.min((b?.level ?? 0) + 1, 4);
        this.backoff.set(provider.instanceId, { skip: 2 ** level - 1, level });
        this.o.logger.warn("status sync failed; backing off", {
          provider: provider.instanceId,
          intervals: 2 ** level,
          err: error,
        });
      }
    }
    try {
      await this.o.followUp.retryDue();
    } catch (error) {
      this.o.logger.warn("status follow-up retries failed", { err: error });
    }
    return totals;
  }

  /**
   * Seconds each order system's statuses may be behind: since the start of its last complete poll (or
   * since this process started, before the first one).
   */
  lag(): Array<{ provider: string; seconds: number }> {
    const now = this.now().getTime();
    return this.providers().map((p) => ({
      provider: p.instanceId,
      seconds: Math.max(0, (now - (this.caughtUp.get(p.instanceId) ?? this.startedAt).getTime()) / 1000),
    }));
  }

  start(intervalMs: number): void {
    // A slow poll is not overlapped by the next tick: the lag metric shows it instead.
    this.stopRounds = repeatRound(
      intervalMs,
      () => this.runOnce(),
      (error) => this.o.logger.warn("status sync round failed", { err: error }),
    );
  }

  stop(): void {
    this.stopRounds();
  }

  private providers(): OrderProvider[] {
    const providers = new Map<string, OrderProvider>();
    for (const shop of this.o.shops.shops) if (shop.orders) providers.set(shop.orders.instanceId, shop.orders);
    return [...providers.values()];
  }

  private async poll(provider: OrderProvider): Promise<{ seen: number; applied: number; isolated: number }> {
    const since = await this.o.cursors.get(provider.instanceId);
    let cursor = since;
    const totals = { seen: 0, applied: 0, isolated: 0 };
    const from = { adapter: provider.adapter, instanceId: provider.instanceId };
    for (let page: number | null = 1; page !== null;) {
      const { orders, next } = await provider.listChanged(since, page);
      // A few orders at a time: a storm of changes reaches subscribers in one poll's time, not one
      // order after another. Changes to one order still queue on its lock.
      for (let i = 0; i < orders.length; i += APPLY_AT_ONCE) {
        const batch = orders.slice(i, i + APPLY_AT_ONCE);
        const r = await this.o.followUp.takeAll(
          batch.map((change) => ({
            orderId: change.id,
            vendorStatus: change.vendorStatus,
            deliveryStatus: change.deliveryStatus,
            from,
            source: provider.adapter,
          })),
        );
        totals.seen += batch.length;
        totals.applied += r.applied;
        totals.isolated += r.isolated;
        for (const change of batch) if (!cursor || change.updatedAt > cursor) cursor = change.updatedAt;
      }
      page = next;
    }
    // The cursor is inclusive, so the last change is seen again next time; applying it twice is a no-op.
    if (cursor && cursor !== since) await this.o.cursors.set(provider.instanceId, cursor);
    return totals;
  }
}

/** Vendor status changes applied concurrently within one poll. */
const APPLY_AT_ONCE = 8;
