import { ConflictError, LoyaltyRuleError, ProviderError } from "./errors.ts";
import type { OrderAccess } from "./order-access.ts";
import { isPlaced } from "./order-process.ts";
import type { OrderPoints } from "./order-points.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import { HOLD_RELEASED, heldPoints, type Hold, type OrderRecord } from "./order.ts";
import type { Calculation, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

/**
 * An order's points hold: taken within what the customer has (counting their other open orders where
 * the gateway keeps the hold), recorded on the order, released, renewed when it lapsed, and restored
 * after a refused change. Each vendor move goes through the ledger (OrderPoints), each status change
 * through OrderTransitions.
 */
export class PointsHolds {
  constructor(
    private readonly loyalty: OrderPoints,
    private readonly access: OrderAccess,
    private readonly orders: OrderRepository,
    private readonly transitions: OrderTransitions,
  ) {}

  /**
   * Holds the points. Where the gateway's ledger keeps the hold, the vendor does not know of it, so the
   * points held on the customer's other open orders count against the balance here (one customer at a
   * time in this process).
   */
  hold(order: OrderRecord, provider: LoyaltyProvider, points: number, calculation: Calculation) {
    if (provider.capabilities.hold === "NATIVE") return this.loyalty.hold(order, provider, points);
    return this.access.locked(`customer:${provider.instanceId}:${order.phone}`, async () => {
      const reserved = await this.orders.ledgerHeldPoints(provider.instanceId, order.phone!, order.id);
      if (reserved > 0) {
        const balance =
          calculation.balance ?? (await this.balance(provider, order.phone!)) ?? calculation.maxRedeemablePoints;
        const available = Math.max(0, Math.min(calculation.maxRedeemablePoints, balance - reserved));
        if (points > available) {
          throw new LoyaltyRuleError(
            "INSUFFICIENT_BONUSES",
            `${reserved} points are held for other open orders`,
            available,
          );
        }
      }
      return this.loyalty.hold(order, provider, points);
    });
  }

  /** The balance where the provider finds customers by phone; undefined where it cannot say. */
  private async balance(provider: LoyaltyProvider, phone: string): Promise<number | undefined> {
    if (!provider.capabilities.lookupBy.includes("PHONE")) return undefined;
    return (await provider.findCustomer({ phone }))?.balance;
  }

  keep(order: OrderRecord, calculation: Calculation, points: number, hold: Hold, cause: string): Promise<OrderRecord> {
    const patch = {
      calculation,
      redeemPoints: points,
      requestedPoints: points,
      hold,
    };
    return this.transitions.transition(order, "BONUSES_HELD", patch, cause);
  }

  async release(order: OrderRecord, provider: LoyaltyProvider, cause: string): Promise<OrderRecord> {
    await this.loyalty.release(order, provider);
    return this.transitions.transition(order, "CALCULATED", HOLD_RELEASED, cause);
  }

  /**
   * A hold that ran out (before confirmation, or before completion records the sale) is made again, or
   * the order answers HOLD_EXPIRED.
   */
  async renewIfExpired(order: OrderRecord, provider: LoyaltyProvider, cause: string): Promise<OrderRecord> {
    const held = order.hold;
    if (!held?.expiresAt || held.expiresAt.getTime() > Date.now() || held.points === 0) return order;
    try {
      await this.loyalty.release(order, provider);
      const hold = await this.loyalty.hold(order, provider, held.points);
      return this.transitions.amend(order, { hold }, `${cause}: hold renewed`);
    } catch (error) {
      if (
        error instanceof ProviderError &&
        (error.code === "INSUFFICIENT_BONUSES" || error.code === "REDEEM_LIMIT_EXCEEDED")
      ) {
        // Before placement the buyer applies bonuses again; a placed order keeps its status and waits
        // for staff (the points are no longer there to record the sale with).
        if (!isPlaced(order)) await this.transitions.transition(order, "CALCULATED", HOLD_RELEASED, "hold expired");
        throw new ConflictError(
          "HOLD_EXPIRED",
          "the points hold expired and the points are no longer available; apply bonuses again",
        );
      }
      throw error;
    }
  }

  /** The old cart's hold, made again after a refused change; the order keeps (or learns) its hold id. */
  async restore(order: OrderRecord, provider: LoyaltyProvider): Promise<void> {
    const again = await this.loyalty.hold(order, provider, heldPoints(order), "restore");
    if (again.ref !== order.hold?.ref || again.expiresAt?.getTime() !== order.hold?.expiresAt?.getTime()) {
      await this.transitions.amend(order, { hold: again }, "updateOrderItems: hold restored");
    }
  }
}
