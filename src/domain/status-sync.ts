import type { OrderProvider } from "./ports/order-system.port.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { FulfilmentService } from "./fulfilment.service.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import type { SyncCursorRepository } from "./ports/sync-cursor-repository.port.ts";

/**
 * Polls each order system (Posiflora has no webhooks) for orders changed since a stored cursor and
 * feeds their statuses to the orders. Processing is idempotent, so several instances may poll at once;
 * a failing provider is polled less often (doubling back-off, up to 16 intervals).
 */
export class StatusSync {
  private timer: NodeJS.Timeout | null = null;
  private readonly backoff = new Map<string, { skip: number; level: number }>();

  constructor(
    private readonly shops: ShopDirectory,
    private readonly orders: FulfilmentService,
    private readonly cursors: SyncCursorRepository,
    private readonly logger: Logger,
  ) {}

  async runOnce(): Promise<{ seen: number; applied: number }> {
    const totals = { seen: 0, applied: 0 };
    const providers = new Map<string, OrderProvider>();
    for (const shop of this.shops.shops) if (shop.orders) providers.set(shop.orders.instanceId, shop.orders);
    for (const provider of providers.values()) {
      const b = this.backoff.get(provider.instanceId);
      if (b && b.skip > 0) {
        b.skip -= 1;
        continue;
      }
      try {
        const r = await this.poll(provider);
        totals.seen += r.seen;
        totals.applied += r.applied;
        this.backoff.delete(provider.instanceId);
      } catch (error) {
        const level = Math.min((b?.level ?? 0) + 1, 4);
        this.backoff.set(provider.instanceId, { skip: 2 ** level - 1, level });
        this.logger.warn("status sync failed; backing off", {
          provider: provider.instanceId,
          intervals: 2 ** level,
          err: error,
        });
      }
    }
    return totals;
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.runOnce(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async poll(provider: OrderProvider): Promise<{ seen: number; applied: number }> {
    const since = await this.cursors.get(provider.instanceId);
    let cursor = since;
    let seen = 0;
    let applied = 0;
    for (let page: number | null = 1; page !== null;) {
      const { orders, next } = await provider.listChanged(since, page);
      // A few orders at a time: a storm of changes reaches subscribers in one poll's time, not one
      // order after another. Changes to one order still queue on its lock.
      for (let i = 0; i < orders.length; i += APPLY_AT_ONCE) {
        const batch = orders.slice(i, i + APPLY_AT_ONCE);
        const results = await Promise.all(
          batch.map((change) =>
            this.orders.applyVendorStatus(
              change.id,
              change.vendorStatus,
              { adapter: provider.adapter, instanceId: provider.instanceId },
              provider.adapter,
            ),
          ),
        );
        seen += batch.length;
        applied += results.filter(Boolean).length;
        for (const change of batch) if (!cursor || change.updatedAt > cursor) cursor = change.updatedAt;
      }
      page = next;
    }
    // The cursor is inclusive, so the last change is seen again next time; applying it twice is a no-op.
    if (cursor && cursor !== since) await this.cursors.set(provider.instanceId, cursor);
    return { seen, applied };
  }
}

/** Vendor status changes applied concurrently within one poll. */
const APPLY_AT_ONCE = 8;
