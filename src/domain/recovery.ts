import type { LedgerRecord } from "./ledger-entry.ts";
import type { OrderRecord } from "./order.ts";
import type { CustomerQuery, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { OrderPoints } from "./order-points.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import type { LedgerRepository } from "./ports/ledger-repository.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";
import { repeatRound } from "./repeating-round.ts";

/** One row to settle, with what its settling needs. */
interface Step {
  entry: LedgerRecord;
  order: OrderRecord;
  provider: LoyaltyProvider;
  customer: CustomerQuery;
}

export interface RecoveryReport {
  resolved: number;
  unresolved: number;
}

/**
 * Settles ledger rows whose outcome is unknown (a timeout, a 5xx on a write, a process that died between
 * writing the row and settling it). A hold is compensated (released; it never reached the order), a
 * release is replayed, and a purchase or refund is replayed where the provider deduplicates it. What
 * cannot be settled safely becomes NEEDS_ATTENTION, for a person; it is never run twice blindly.
 */
export interface LedgerRecoveryOptions {
  ledger: LedgerRepository;
  orders: OrderRepository;
  transitions: OrderTransitions;
  shops: ShopDirectory;
  loyalty: OrderPoints;
  logger: Logger;
  /** When a PENDING row counts as abandoned by a process that died mid-call. */
  staleMs?: number;
}

export class LedgerRecovery {
  private stopRounds = () => {};
  private readonly staleMs: number;

  constructor(private readonly o: LedgerRecoveryOptions) {
    this.staleMs = o.staleMs ?? 30_000;
  }

  async runOnce(staleMs = this.staleMs): Promise<RecoveryReport> {
    const report = { resolved: 0, unresolved: 0 };
    for (const entry of await this.o.ledger.unresolved(staleMs)) {
      try {
        if (await this.settle(entry)) report.resolved += 1;
        else report.unresolved += 1;
      } catch (error) {
        report.unresolved += 1;
        this.o.logger.warn("ledger recovery failed for an entry", { entry: entry.id, kind: entry.kind, err: error });
      }
    }
    if (report.resolved || report.unresolved) this.o.logger.info("ledger recovery", { ...report });
    return report;
  }

  start(intervalMs: number): void {
    // A round that cannot read the ledger (the database is away) is logged; the next one tries again.
    this.stopRounds = repeatRound(
      intervalMs,
      () => this.runOnce(),
      (error) => this.o.logger.warn("ledger recovery round failed", { err: error }),
    );
  }

  stop(): void {
    this.stopRounds();
  }

  private async settle(entry: LedgerRecord): Promise<boolean> {
    const order = await this.o.orders.get(entry.orderId);
    const provider = this.provider(entry.providerInstanceId);
    if (!order || !provider) return false;
    const customer = await this.o.loyalty.customer(order, provider);
    const step = { entry, order, provider, customer };
    switch (entry.kind) {
      case "HOLD":
        return this.compensateHold(step);
      case "RELEASE":
        return this.replayRelease(step);
      case "COMMIT":
        return this.replayCommit(step);
      case "REFUND":
        return this.replayRefund(step);
    }
  }

  /** The order never recorded this hold, so whatever the provider made of it is released. */
  private async compensateHold({ entry, order, provider, customer }: Step): Promise<boolean> {
    if (provider.capabilities.hold === "NATIVE") {
      await provider
        .release({
          orderId: order.id,
          customer,
          // Its answer was lost, so its reference was never learnt: the provider finds it by order.
          holdId: null,
          points: entry.points,
          idempotencyKey: `${entry.idempotencyKey}:compensate`,
        })
        .catch((error: unknown) =>
          this.o.logger.warn("hold compensation: release refused", { entry: entry.id, err: error }),
        );
    }
    await this.o.ledger.settle(entry.id, "FAILED", { error: "compensated by recovery" });
    return true;
  }

  private async replayRelease({ entry, order, provider, customer }: Step): Promise<boolean> {
    await provider.release({
      orderId: order.id,
      customer,
      holdId: order.hold?.kind === "vendor" ? order.hold.ref : null,
      points: entry.points,
      idempotencyKey: entry.idempotencyKey,
    });
    await this.o.ledger.settle(entry.id, "SUCCEEDED", { providerRef: "replayed" });
    return true;
  }

  private async replayCommit({ entry, order, provider, customer }: Step): Promise<boolean> {
    if (!provider.behaviour.replay.commit) return this.leave(entry, "the provider does not deduplicate purchases");
    await this.o.ledger.retrying(entry.id);
    const receipt = await provider.commit({
      orderId: order.id,
      customer,
      cart: this.o.loyalty.cart(order, order.redeemPoints),
      holdId: order.hold?.kind === "vendor" ? order.hold.ref : undefined,
      idempotencyKey: entry.idempotencyKey,
    });
    await this.o.ledger.settle(entry.id, "SUCCEEDED", { providerRef: receipt.reference });
    if (!order.loyaltyRef) {
      const replayed = await this.o.transitions.amend(
        order,
        { loyaltyRef: receipt.reference, pointsRedeemed: receipt.pointsRedeemed, hold: null },
        "recovery: commit replayed",
      );
      this.o.transitions.booksMoved(order, replayed);
    }
    return true;
  }

  private async replayRefund({ entry, order, provider, customer }: Step): Promise<boolean> {
    if (!provider.behaviour.replay.refund) return this.leave(entry, "the provider does not deduplicate refunds");
    await this.o.ledger.retrying(entry.id);
    await provider.refund({
      orderId: order.id,
      customer,
      pointsRedeemed: order.pointsRedeemed,
      pointsEarned: order.pointsEarned,
      idempotencyKey: entry.idempotencyKey,
    });
    await this.o.ledger.settle(entry.id, "SUCCEEDED", { providerRef: "replayed" });
    return true;
  }

  private async leave(entry: LedgerRecord, why: string): Promise<boolean> {
    await this.o.ledger.settle(entry.id, "NEEDS_ATTENTION", { error: why });
    this.o.logger.error("ledger entry needs reconciliation", {
      entry: entry.id,
      order: entry.orderId,
      kind: entry.kind,
      why,
    });
    return false;
  }

  private provider(instanceId: string): LoyaltyProvider | undefined {
    for (const shop of this.o.shops.shops) {
      const found = shop.loyalty.find((p) => p.instanceId === instanceId);
      if (found) return found;
    }
    return undefined;
  }
}
