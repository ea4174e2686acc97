import { GatewayError } from "./errors.ts";
import type { AttentionRecord } from "./order-attention.ts";
import type { OrderPayments } from "./order-payments.ts";
import type { OrderProcess } from "./order-process.runner.ts";
import { LIVE_PAYMENT } from "./payment.ts";
import { ConcurrentUpdateError, type OrderRecord } from "./order.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { AttentionRepository } from "./ports/attention-repository.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";
import { createRequestScope } from "./request-scope.ts";
import { repeatRound } from "./repeating-round.ts";
import { SCOPES } from "./scopes.ts";
import type { ShopDirectory } from "./shop-directory.ts";

export interface CheckoutExpiryOptions {
  shops: ShopDirectory;
  orders: OrderRepository;
  process: OrderProcess;
  payments: OrderPayments;
  attention: AttentionRepository;
  logger: Logger;
  now?: () => Date;
}

/** Unplaced orders live this long after their last change where the shop does not say. */
export const DEFAULT_CHECKOUT_TTL_MINUTES = 30;
/** Orders expired per shop in one sweep; the rest wait for the next. */
const PER_SWEEP = 100;

const expiryId = (orderId: string) => `expiry:${orderId}`;

/**
 * Abandoned checkouts give their points back: an order left unplaced (CALCULATED, BONUSES_HELD, or
 * AWAITING_PAYMENT with its payment declined or lapsed) past
 * its shop's `checkoutTtlMinutes` is cancelled through the order process with the event EXPIRED, which
 * releases its hold at the vendor (keyed by the order, so a repeat is harmless). Several instances may
 * sweep at once: the order's version lets one of them win, and the others find it cancelled. An expiry
 * that fails is recorded for staff (EXPIRY_FAILED) and tried again by the next sweep.
 */
export class CheckoutExpiry {
  private stopRounds = () => {};
  private readonly now: () => Date;

  constructor(private readonly o: CheckoutExpiryOptions) {
    this.now = o.now ?? (() => new Date());
  }

  async runOnce(): Promise<{ expired: number; failed: number }> {
    const totals = { expired: 0, failed: 0 };
    for (const shop of this.o.shops.shops) {
      const ttl = (shop.checkoutTtlMinutes ?? DEFAULT_CHECKOUT_TTL_MINUTES) * 60_000;
      const before = new Date(this.now().getTime() - ttl);
      const stale = await this.o.orders.unplacedSince(shop.id, ["CALCULATED", "BONUSES_HELD"], before, PER_SWEEP);
      stale.push(...(await this.unpaid(shop.id, before)));
      for (const order of stale) {
        const outcome = await this.expire(order);
        if (outcome === "expired") totals.expired += 1;
        if (outcome === "failed") totals.failed += 1;
      }
    }
    return totals;
  }

  /**
   * Orders that wait for their payment past the shop's time since it was declined or lapsed. One whose
   * payment is still live waits on: the buyer may be paying, and the PSP lapses it on its own clock (a
   * hold that turns up after the order was cancelled is given back by the settlement).
   */
  private async unpaid(shopId: string, before: Date): Promise<OrderRecord[]> {
    const waiting = await this.o.orders.unplacedSince(shopId, ["AWAITING_PAYMENT"], before, PER_SWEEP);
    if (waiting.length === 0) return [];
    const payments = await this.o.payments.latestForMany(waiting.map((o) => o.id));
    return waiting.filter((o) => {
      const payment = payments.get(o.id);
      return !payment || !LIVE_PAYMENT.includes(payment.status);
    });
  }

  /** Staff's RETRY of an EXPIRY_FAILED record: expires the order now if it is still unplaced. */
  async retry(record: AttentionRecord, by: string): Promise<boolean> {
    const order = await this.o.orders.get(record.orderId);
    if (!order) return false;
    const outcome = await this.expire(order, by);
    return outcome !== "failed";
  }

  start(intervalMs: number): void {
    this.stopRounds = repeatRound(
      intervalMs,
      () => this.runOnce(),
      (error) => this.o.logger.warn("checkout expiry sweep failed", { err: error }),
    );
  }

  stop(): void {
    this.stopRounds();
  }

  private async expire(order: OrderRecord, by = "gateway"): Promise<"expired" | "gone" | "failed"> {
    const minutes = this.o.shops.get(order.shopId).checkoutTtlMinutes ?? DEFAULT_CHECKOUT_TTL_MINUTES;
    try {
      const done = await this.o.process.run("cancel", SWEEPER, order.id, {
        reason: `checkout not placed within ${minutes} minutes`,
        cause: "expired",
        event: "EXPIRED",
      });
      await this.o.attention.settle(expiryId(order.id), { by, note: "expired", at: this.now() });
      return done.status === "CANCELLED" ? "expired" : "gone";
    } catch (error) {
      // Another instance (or the buyer) moved the order first: placed, changed or already expired.
      const fresh = await this.o.orders.get(order.id);
      if (
        error instanceof ConcurrentUpdateError ||
        !fresh ||
        !["CALCULATED", "BONUSES_HELD", "AWAITING_PAYMENT"].includes(fresh.status)
      )
        return "gone";
      const record = await this.o.attention.get(expiryId(order.id));
      const code = error instanceof GatewayError ? error.code : "INTERNAL";
      await this.o.attention.open({
        id: expiryId(order.id),
        orderId: order.id,
        shopId: order.shopId,
        reason: "EXPIRY_FAILED",
        points: fresh.hold?.points ?? 0,
        detail: `the checkout is past its ${minutes} minutes and its points could not be released: ${error instanceof Error ? error.message : String(error)}`,
        errorCode: code,
        attempts: (record?.attempts ?? 0) + 1,
        // The next sweep tries again by itself.
        nextRetryAt: null,
      });
      this.o.logger.warn("checkout expiry failed", { order: order.id, code });
      return "failed";
    }
  }
}

/** The gateway itself expiring a checkout. */
const SWEEPER = createRequestScope({
  kind: "service",
  name: "checkout-expiry",
  scopes: new Set([SCOPES.ordersWrite]),
});
