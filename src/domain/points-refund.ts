import { GatewayError, ProviderError } from "./errors.ts";
import type { OrderAccess } from "./order-access.ts";
import type { OrderPoints } from "./order-points.ts";
import { isOpen } from "./order-state.ts";
import { isPlaced } from "./order-process.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import { HOLD_RELEASED, heldPoints, type OrderRecord } from "./order.ts";
import type { Logger } from "./ports/logger.port.ts";
import type { LoyaltyProvider, RefundLine } from "./ports/loyalty-provider.port.ts";
import { planRefund } from "./refund-shortfall.ts";
import type { Shop } from "./shop-directory.ts";
import type { AttentionRepository } from "./ports/attention-repository.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

export interface PointsRefundOptions {
  loyalty: OrderPoints;
  attention: AttentionRepository;
  orders: OrderRepository;
  access: OrderAccess;
  transitions: OrderTransitions;
  logger: Logger;
}

/**
 * A refund's points leg, weighed against what the customer has (the shop's `refundShortfall` policy,
 * see refund-shortfall.ts), and what follows from the balance it leaves: the gateway's own holds of
 * the customer's other open orders that no longer fit are released, each order told HOLD_LOST.
 */
export class PointsRefund {
  constructor(private readonly o: PointsRefundOptions) {}

  /**
   * Gives back the points the purchase spent and takes back those it earned, as far as the policy lets.
   * Points it could not take back are answered, and recorded for staff. A refund already begun under
   * this order version's key (a retry after a crash) is not weighed again: the ledger has its outcome.
   * `weigh: false` where the vendor reported the return itself: its books have moved already.
   */
  async returnPoints(
    shop: Shop,
    order: OrderRecord,
    provider: LoyaltyProvider,
    lines: RefundLine[] | undefined,
    weigh = true,
  ): Promise<{ shortfall: number }> {
    const attentionId = `${this.o.loyalty.refundKey(order, provider)}:shortfall`;
    if (!weigh || (await this.o.loyalty.refundBegun(order, provider))) {
      await this.o.loyalty.refund(order, provider, lines);
      return { shortfall: (await this.o.attention.get(attentionId))?.points ?? 0 };
    }
    const plan = await this.plan(shop, order, provider, lines);
    if (plan.shortfall > 0) {
      await this.o.attention.open({
        id: attentionId,
        orderId: order.id,
        shopId: order.shopId,
        reason: "REFUND_SHORTFALL",
        points: plan.shortfall,
        detail: `the refund took back ${plan.shortfall} points fewer than the purchase earned: the customer had spent them`,
      });
    }
    try {
      if (!plan.lines || plan.lines.length > 0) await this.o.loyalty.refund(order, provider, plan.lines);
    } catch (error) {
      // Refused for certain: nothing moved, so nothing was short.
      const certain = error instanceof GatewayError && !(error instanceof ProviderError && error.uncertain);
      if (certain && plan.shortfall > 0) await this.o.attention.discard(attentionId);
      throw error;
    }
    return { shortfall: plan.shortfall };
  }

  /**
   * A provider that accrues on its own (`flow.commitOnlyToRedeem`) takes its points back with the order
   * system's return, with no loyalty call of the gateway's: the return is weighed here all the same, and
   * the decision recorded in the ledger, so that a retry after a crash does not weigh a balance the
   * return has already lowered.
   */
  async weighReturn(shop: Shop, order: OrderRecord, provider: LoyaltyProvider): Promise<void> {
    if (await this.o.loyalty.refundBegun(order, provider)) return;
    await this.plan(shop, order, provider, undefined);
    await this.o.loyalty.noteRefund(order, provider);
  }

  private async plan(shop: Shop, order: OrderRecord, provider: LoyaltyProvider, lines: RefundLine[] | undefined) {
    return planRefund({
      policy: shop.refundShortfall ?? "REFUSE",
      provider,
      customer: await this.o.loyalty.customer(order, provider),
      order,
      lines,
    });
  }

  /**
   * The customer's balance changed (a refund took points back): the points the gateway's ledger holds
   * for their other open orders must still be there. Holds that no longer fit are released, newest
   * first, so the oldest order keeps its points; each order hears HOLD_LOST instead of failing at
   * completion. Best effort after the refund itself, which has happened whatever this finds.
   */
  async recheckHolds(provider: LoyaltyProvider, refunded: OrderRecord): Promise<void> {
    if (provider.capabilities.hold !== "LEDGER" || !refunded.phone) return;
    try {
      const held = (await this.o.orders.ledgerHolds(provider.instanceId, refunded.phone)).filter(
        (o) => o.id !== refunded.id,
      );
      if (held.length === 0) return;
      const balance = await provider.balance(await this.o.loyalty.customer(refunded, provider));
      if (balance === null) return;
      let total = held.reduce((a, o) => a + heldPoints(o), 0);
      for (const order of held.reverse()) {
        if (total <= balance) break;
        total -= heldPoints(order);
        await this.release(order, provider, balance);
      }
    } catch (error) {
      this.o.logger.warn("holds not rechecked after a refund", {
        orderId: refunded.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private release(order: OrderRecord, provider: LoyaltyProvider, balance: number): Promise<unknown> {
    return this.o.access.locked(order.id, async () => {
      const fresh = await this.o.orders.get(order.id);
      const hold = fresh?.hold;
      if (!fresh || !hold || hold.ref !== order.hold?.ref || hold.points === 0 || !isOpen(fresh.status)) return;
      await this.o.loyalty.release(fresh, provider);
      const cause = `hold lost: the customer has ${balance} points left, fewer than held`;
      const patch = HOLD_RELEASED;
      const placed = isPlaced(fresh);
      await this.o.transitions.transition(fresh, placed ? fresh.status : "CALCULATED", patch, cause, {
        event: "HOLD_LOST",
      });
      // A placed order was priced with the points: the shop collects the rest, so staff are told.
      if (placed) {
        await this.o.attention.open({
          id: `${fresh.id}:hold-lost:v${fresh.version}`,
          orderId: fresh.id,
          shopId: fresh.shopId,
          reason: "HOLD_LOST",
          points: hold.points,
          detail: `${hold.points} points held for this placed order are gone; the customer pays them in money`,
        });
      }
    });
  }
}
