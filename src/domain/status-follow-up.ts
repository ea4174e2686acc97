import { GatewayError } from "./errors.ts";
import type { FulfilmentService } from "./fulfilment.service.ts";
import { nextRetryAt, type AttentionRecord } from "./order-attention.ts";
import type { OrderRecord } from "./order.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { AttentionRepository } from "./ports/attention-repository.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";
import type { ShopDirectory } from "./shop-directory.ts";

/** Who reported a status: the order system's adapter (and instance, for the poller), and the source's name. */
export interface StatusReport {
  orderId: string;
  vendorStatus: string;
  /** The vendor's delivery status beside it, where it has one. */
  deliveryStatus?: string | null;
  from: { adapter: string; instanceId?: string };
  source: string;
}

export interface StatusFollowUpOptions {
  fulfilment: FulfilmentService;
  attention: AttentionRepository;
  orders: OrderRepository;
  shops: ShopDirectory;
  logger: Logger;
  now?: () => Date;
}

/** The one attention record per order and reported status: a retry, a later report or staff find the same one. */
export const followUpId = (orderId: string, vendorStatus: string) => `follow-up:${orderId}:${vendorStatus}`;

/**
 * Follows the order system's reports (status sync and webhooks) so that one order can never hold up the
 * others: a report the gateway cannot follow gets an attention record (STATUS_FOLLOW_UP) with its error,
 * attempts and next retry, and the caller moves on. Retries come from `retryDue` with a doubling back-off
 * (order-attention.ts: RETRY_RULES); a report staff settled is not followed again.
 */
export class StatusFollowUp {
  private readonly now: () => Date;

  constructor(private readonly o: StatusFollowUpOptions) {
    this.now = o.now ?? (() => new Date());
  }

  /**
   * Follows a batch of reports, concurrently (changes to one order still queue on its lock). Those with a record already (open: the retry schedule owns them; settled:
   * staff closed them) are skipped, so a poller that reads its last change again calls no vendor.
   */
  async takeAll(reports: StatusReport[]): Promise<{ applied: number; isolated: number }> {
    const known = new Set(
      (await this.o.attention.getMany(reports.map((r) => followUpId(r.orderId, r.vendorStatus)))).map((r) => r.id),
    );
    const outcomes = await Promise.all(
      reports.filter((r) => !known.has(followUpId(r.orderId, r.vendorStatus))).map((r) => this.take(r)),
    );
    return {
      applied: outcomes.filter((o) => o !== null && o !== "isolated").length,
      isolated: outcomes.filter((o) => o === "isolated").length,
    };
  }

  /** Follows one report: the order as it now is, null when it is not this system's order, or "isolated". */
  async take(report: StatusReport): Promise<OrderRecord | null | "isolated"> {
    try {
      return await this.o.fulfilment.applyVendorStatus(
        report.orderId,
        report.vendorStatus,
        report.from,
        report.source,
        report.deliveryStatus ?? null,
      );
    } catch (error) {
      const id = followUpId(report.orderId, report.vendorStatus);
      if (await this.o.attention.get(id)) return "isolated";
      await this.failed(report, error, 0);
      return "isolated";
    }
  }

  /** Retries the follow-ups that are due; each success settles its record. */
  async retryDue(limit = 50): Promise<{ retried: number; settled: number }> {
    const due = (await this.o.attention.due(this.now(), limit)).filter((r) => r.reason === "STATUS_FOLLOW_UP");
    let settled = 0;
    for (const record of due) if (await this.retry(record, "gateway")) settled += 1;
    return { retried: due.length, settled };
  }

  /** Tries the record's report once more now (staff's RETRY, or the schedule): true when it went through. */
  async retry(record: AttentionRecord, by: string): Promise<boolean> {
    const order = await this.o.orders.get(record.orderId);
    const system = order ? this.o.shops.get(order.shopId).orders : null;
    if (!system || !record.vendorStatus) return false;
    const report: StatusReport = {
      orderId: record.orderId,
      vendorStatus: record.vendorStatus,
      from: { adapter: system.adapter, instanceId: system.instanceId },
      source: `retry ${record.attempts + 1}`,
    };
    try {
      await this.o.fulfilment.applyVendorStatus(report.orderId, report.vendorStatus, report.from, report.source);
    } catch (error) {
      await this.failed(report, error, record.attempts);
      return false;
    }
    return this.o.attention.settle(record.id, {
      by,
      note: `followed on attempt ${record.attempts + 1}`,
      at: this.now(),
    });
  }

  private async failed(report: StatusReport, error: unknown, attempts: number) {
    const order = await this.o.orders.get(report.orderId);
    if (!order) return;
    const code = error instanceof GatewayError ? error.code : "INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    const tried = attempts + 1;
    const next = nextRetryAt(tried, code, this.now());
    await this.o.attention.open({
      id: followUpId(report.orderId, report.vendorStatus),
      orderId: order.id,
      shopId: order.shopId,
      reason: "STATUS_FOLLOW_UP",
      points: 0,
      detail: `${report.from.adapter} reported "${report.vendorStatus}" and the gateway could not follow it: ${message}`,
      vendorStatus: report.vendorStatus,
      errorCode: code,
      attempts: tried,
      nextRetryAt: next,
    });
    this.o.logger.warn("order status not followed; isolated for retry", {
      order: order.id,
      vendorStatus: report.vendorStatus,
      code,
      attempts: tried,
      nextRetryAt: next?.toISOString() ?? null,
      adapter: report.from.adapter,
    });
  }
}
