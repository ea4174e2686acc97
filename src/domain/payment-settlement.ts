import type { CrashPoints } from "./crash-points.ts";
import { ConflictError, GatewayError, ProviderError } from "./errors.ts";
import { ConcurrentUpdateError, type OrderRecord } from "./order.ts";
import { captureDue, type OrderPayments } from "./order-payments.ts";
import type { OrderProcess } from "./order-process.runner.ts";
import type { PaymentRecord, RefundLegRecord } from "./payment.ts";
import type { AttentionRepository } from "./ports/attention-repository.port.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";
import type { Payment, PaymentRefund } from "./ports/payment-provider.port.ts";
import type { PaymentRepository } from "./ports/payment-repository.port.ts";
import { repeatRound } from "./repeating-round.ts";
import { createRequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";

export interface PaymentSettlementOptions {
  shops: ShopDirectory;
  orders: OrderRepository;
  records: PaymentRepository;
  payments: OrderPayments;
  process: OrderProcess;
  attention: AttentionRepository;
  logger: Logger;
  crash?: CrashPoints;
  now?: () => Date;
}

/** Records the reconciler reads per round; the rest wait for the next. */
const PER_ROUND = 100;
/** A record untouched this long is read from the PSP: its notification may be lost. */
const STALE_AFTER_MS = 60_000;

/** Errors a repeat may heal: the PSP or a vendor was out, or another writer moved the order first. */
function passing(error: unknown): boolean {
  if (error instanceof ConcurrentUpdateError) return true;
  if (error instanceof ProviderError)
    return error.uncertain || error.code === "PROVIDER_UNAVAILABLE" || error.code === "RATE_LIMITED";
  return !(error instanceof GatewayError);
}

/**
 * What the gateway does with a payment as the PSP has it now, whoever read it: the notification webhook
 * (server/payment-webhooks.ts, which reads the object again before it comes here) or the reconciler,
 * which polls the payments that stay pending, held or unanswered, so that a lost notification never
 * leaves an order waiting. Each reading is compared with the record first (statuses only move forward),
 * so a duplicate or a late notification changes nothing; then the order process is asked for what the
 * reading calls for. A throw means "not taken in": the PSP is answered non-200 and delivers again.
 */
export class PaymentSettlement {
  private stopRounds = () => {};
  private readonly now: () => Date;

  constructor(private readonly o: PaymentSettlementOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /** A payment as the PSP has it now. */
  async paymentChanged(instanceId: string, payment: Payment): Promise<void> {
    this.o.crash?.reach("notification-read");
    const record = await this.recordOf(instanceId, payment);
    if (!record) {
      // Not one of ours (another integration of the same shop account): nothing to do, and no redelivery.
      this.o.logger.info("payment notification for a payment the gateway did not make", { instanceId, id: payment.id });
      return;
    }
    const taken = await this.o.payments.take(record, payment);
    await this.act(taken);
  }

  /** A refund as the PSP has it now. */
  async refundChanged(_instanceId: string, refund: PaymentRefund): Promise<void> {
    const leg = await this.o.records.refundByPspId(refund.id);
    if (leg) await this.o.payments.takeRefund(leg, refund);
  }

  /**
   * The order moves as the payment's status calls for: a held payment places an order that waits for it,
   * a declined one tells the buyer, and money for an order that no longer waits goes back.
   */
  async act(record: PaymentRecord): Promise<void> {
    const order = await this.o.orders.get(record.orderId);
    if (!order) return;
    const shop = this.o.shops.get(order.shopId);
    const latest = await this.o.records.latestFor(order.id);
    const current = latest?.id === record.id;
    const held = record.status === "AUTHORIZED" || record.status === "CAPTURED";
    if (held && order.status === "AWAITING_PAYMENT" && current) return this.place(order, record);
    if (record.status === "CANCELED" && order.status === "AWAITING_PAYMENT" && current) {
      await this.o.process.run("paymentDeclined", SETTLER, order.id, {
        cause: `payment declined: ${record.cancellation ?? "canceled"}`,
      });
      return;
    }
    if (held && (order.status === "CANCELLED" || !current)) return this.giveBack(order, shop, record);
    if (record.status === "AUTHORIZED" && captureDue(shop, order.status)) {
      await this.o.process.run("capture", SETTLER, order.id);
      return;
    }
    if (record.status === "CAPTURED" && !record.recordedAt && order.orderRef) {
      await this.o.process.run("capture", SETTLER, order.id);
    }
  }

  /**
   * Places the paid order; one that cannot be placed for good is cancelled, its hold with it (free). An
   * order that no longer waits when its turn comes was moved by another reader of the same payment (the
   * notification and the reconciler, or a repeated notification, at once): that reader placed or
   * cancelled it, and the payment is acted on as the order now is, never by cancelling it.
   */
  private async place(order: OrderRecord, record: PaymentRecord): Promise<void> {
    try {
      await this.o.process.run("paymentAuthorised", SETTLER, order.id, {
        cause: `payment ${record.status === "CAPTURED" ? "captured" : "authorised"}`,
      });
    } catch (error) {
      if (passing(error)) throw error;
      const now = await this.o.orders.get(order.id);
      if (now && now.status !== "AWAITING_PAYMENT") {
        const fresh = (await this.o.records.get(record.id)) ?? record;
        return this.act(fresh);
      }
      const why = error instanceof Error ? error.message : String(error);
      this.o.logger.warn("a paid order could not be placed; it is cancelled and its payment given back", {
        order: order.id,
        err: error,
      });
      await this.o.process.run("cancel", SETTLER, order.id, {
        reason: `could not be placed after payment: ${why}`,
        cause: "payment: not placed",
      });
    }
  }

  /**
   * Money held or taken for an order that no longer waits for it: a hold is cancelled, money taken and
   * not refunded goes to staff. Money the order's cancellation refunded already is not orphaned: its
   * payment's late notification (succeeded, then refunded) must not ask staff to give it back again.
   */
  private async giveBack(order: OrderRecord, shop: Shop, record: PaymentRecord): Promise<void> {
    if (record.status === "AUTHORIZED") {
      try {
        await this.o.payments.cancel(shop, record);
        return;
      } catch (error) {
        if (passing(error)) throw error;
      }
    }
    const kept = record.status === "CAPTURED" ? record.captured - record.refunded : record.amount;
    if (kept <= 0) return;
    await this.o.attention.open({
      id: `payment-orphaned:${record.id}`,
      orderId: order.id,
      shopId: order.shopId,
      reason: "PAYMENT_ORPHANED",
      points: 0,
      detail: `the PSP ${record.status === "CAPTURED" ? "took" : "holds"} ${kept} minor units (payment ${record.pspId}) for an order that is ${order.status}: give it back at the PSP`,
    });
  }

  /**
   * One round of the reconciler: payments whose create was not answered are created again with the same
   * key; pending and held ones are read from the PSP and settled as a notification would; refund legs
   * not answered are sent again with the same key, and pending ones read.
   */
  async runOnce(olderThanMs = STALE_AFTER_MS): Promise<{ read: number; failed: number }> {
    const before = new Date(this.now().getTime() - olderThanMs);
    const totals = { read: 0, failed: 0 };
    const stale = await this.o.records.stale(["CREATING", "PENDING", "AUTHORIZED"], before, PER_ROUND);
    for (const record of stale) {
      try {
        await this.reconcile(record);
        totals.read += 1;
      } catch (error) {
        totals.failed += 1;
        this.o.logger.warn("payment reconciliation failed", { payment: record.id, err: error });
      }
    }
    const day = new Date(before.getTime() - 24 * 3600_000);
    const legs = [
      ...(await this.o.records.staleRefunds(["NEW", "PENDING"], before, PER_ROUND)),
      ...(await this.o.records.staleRefunds(["SUCCEEDED"], before, PER_ROUND, day)),
    ];
    for (const leg of legs) {
      try {
        if (await this.finishRefund(leg)) totals.read += 1;
      } catch (error) {
        totals.failed += 1;
        this.o.logger.warn("refund reconciliation failed", { refund: leg.id, err: error });
        await this.o.attention.open({
          id: `payment-refund:${leg.id}`,
          orderId: leg.orderId,
          shopId: (await this.o.orders.get(leg.orderId))?.shopId ?? "",
          reason: "PAYMENT_REFUND",
          points: 0,
          detail: `a refund of ${leg.amount} minor units was left unfinished and could not be finished: ${error instanceof Error ? error.message : String(error)}`,
          errorCode: error instanceof GatewayError ? error.code : "INTERNAL",
        });
      }
    }
    return totals;
  }

  /**
   * A refund leg the command that made it did not finish (the process died, or the PSP's answer was
   * lost): a pending one is read from the PSP; otherwise, while the order has not recorded it (the leg's
   * id is the payment's and the order's refunded amount before it), the command runs again with the
   * leg's lines, which finds the same leg (the same key) and moves the points and the order after it.
   * A cancelled order's leg is only sent and recorded. False when there was nothing to finish.
   */
  private async finishRefund(leg: RefundLegRecord): Promise<boolean> {
    const order = await this.o.orders.get(leg.orderId);
    const record = await this.o.records.get(leg.paymentId);
    if (!order || !record) return false;
    const shop = this.o.shops.get(order.shopId);
    if (leg.status === "PENDING") {
      const refund = leg.pspId ? await shop.payment!.provider.getRefund(leg.pspId) : null;
      if (refund) await this.o.payments.takeRefund(leg, refund);
      return true;
    }
    if (order.status === "CANCELLED") {
      const sent = await this.o.payments.sendRefund(shop, order, record, leg);
      await this.o.payments.recordReturn(shop, order, sent);
      return leg.status === "NEW";
    }
    if (leg.id !== `${record.id}:${order.refundedAmount}`) return false;
    if (order.status === "COMPLETED" || order.status === "PARTIALLY_REFUNDED") {
      await this.o.process.run("refund", SETTLER, order.id, {
        lines: leg.lines.map(({ lineId, quantity }) => ({ lineId, quantity })),
        cause: "refund finished by the reconciler",
      });
    } else {
      await this.o.process.run("cancel", SETTLER, order.id, {
        reason: "a cancellation the gateway had begun",
        cause: "cancel finished by the reconciler",
      });
    }
    return true;
  }

  private async reconcile(record: PaymentRecord): Promise<void> {
    const order = await this.o.orders.get(record.orderId);
    if (!order) return;
    const shop = this.o.shops.get(order.shopId);
    if (!shop.payment) return;
    let fresh: PaymentRecord | null;
    if (record.status === "CREATING") {
      try {
        fresh = await this.o.payments.create(shop, order, record);
      } catch (error) {
        // The order changed since (it cannot while it waits; a cancelled one keeps its lines): the create
        // is not made again under another body, and the record ends here.
        if (
          !(error instanceof ConflictError) &&
          !(error instanceof ProviderError && error.code === "IDEMPOTENCY_CONFLICT")
        )
          throw error;
        fresh = await this.o.records.update(record.id, "CREATING", {
          status: "CANCELED",
          cancellation: "gateway: not created",
        });
      }
    } else {
      fresh = await this.o.payments.refresh(shop, record);
    }
    if (!fresh) return;
    if (fresh.status === record.status && fresh.status !== "AUTHORIZED") {
      // Nothing moved: the record is touched so the next round reads the others first.
      await this.o.records.update(record.id, record.status, { status: record.status });
      return;
    }
    await this.act(fresh);
    if (fresh.status === "AUTHORIZED") await this.o.records.update(fresh.id, "AUTHORIZED", { status: "AUTHORIZED" });
  }

  /**
   * A round every `intervalMs`, each reading the records that stood still for a round (a minute at most):
   * a shorter round finds a lost notification sooner.
   */
  start(intervalMs: number): void {
    this.stopRounds = repeatRound(
      intervalMs,
      () => this.runOnce(Math.min(intervalMs, STALE_AFTER_MS)),
      (error) => this.o.logger.warn("payment reconciliation round failed", { err: error }),
    );
  }

  stop(): void {
    this.stopRounds();
  }

  /** The record a PSP's payment belongs to: by its id, or the order's create whose answer is not in yet. */
  private async recordOf(instanceId: string, payment: Payment): Promise<PaymentRecord | null> {
    const known = await this.o.records.byPspId(instanceId, payment.id);
    if (known) return known;
    if (!payment.orderId) return null;
    const latest = await this.o.records.latestFor(payment.orderId);
    return latest && latest.instanceId === instanceId && latest.status === "CREATING" ? latest : null;
  }
}

/** The gateway itself acting on what its PSP says. */
const SETTLER = createRequestScope({
  kind: "service",
  name: "payments",
  scopes: new Set([SCOPES.ordersRead, SCOPES.ordersWrite, SCOPES.ordersManage]),
});
