import type { CheckoutService } from "./checkout.service.ts";
import { InvalidInputError, ProviderError } from "./errors.ts";
import type { OrderAccess } from "./order-access.ts";
import type { OrderLoyalty } from "./order-loyalty.ts";
import { assertTransition, canTransition, type OrderStatus } from "./order-state.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { OrderRecord, OrderRepository } from "./order.ts";
import type { PointsRefund } from "./points-refund.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { createRequestScope, type RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";

/**
 * The shop's side of an order once it is placed: completion (which commits where the provider's flow
 * commits late), refunds, and the order system's own reports (status sync and webhooks).
 */
export class FulfilmentService {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly loyalty: OrderLoyalty,
    private readonly access: OrderAccess,
    private readonly transitions: OrderTransitions,
    private readonly orders: OrderRepository,
    private readonly checkout: CheckoutService,
    private readonly refunds: PointsRefund,
  ) {}

  /**
   * The order is done: the order system is told (unless it is the one reporting it), and providers that
   * held points until now record the purchase.
   */
  complete(scope: RequestScope, orderId: string, cause = "completeOrder", reported = false): Promise<OrderRecord> {
    return this.access.change(
      scope,
      orderId,
      async (order, shop) => {
        assertTransition(order.status, "COMPLETED");
        const provider = this.provider(shop, order);
        let current = order;
        const alreadyDone = order.vendorStatus !== null && shop.orders?.statusMap[order.vendorStatus] === "COMPLETED";
        if (shop.orders && order.orderRef && !reported && !alreadyDone) {
          const { vendorStatus } = await shop.orders.completeOrder(order.id);
          current = await this.transitions.transition(
            current,
            current.status,
            { vendorStatus },
            `${cause}: order system`,
          );
        }
        if (provider.behaviour.flow.commitAt === "COMPLETE" && order.phone && !order.loyaltyRef) {
          const receipt = await this.loyalty.commit(current, provider);
          current = await this.transitions.amend(
            current,
            {
              loyaltyRef: receipt.reference,
              pointsRedeemed: receipt.pointsRedeemed,
              pointsEarned: receipt.pointsEarned,
              pointsHeld: 0,
              holdId: null,
            },
            `${cause}: commit`,
          );
        }
        return this.transitions.transition(current, "COMPLETED", {}, cause);
      },
      SCOPES.ordersManage,
    );
  }

  /**
   * Returns the whole order (what is left of it), or some lines by quantity, where the provider can. The
   * points leg is weighed against the customer's balance first (PointsRefund), and the gateway's holds
   * of their other open orders are checked against what it leaves.
   */
  async refund(
    scope: RequestScope,
    orderId: string,
    lines: Array<{ lineId: string; quantity: number }> | null | undefined,
    reported = false,
  ): Promise<OrderRecord> {
    let moved: LoyaltyProvider | null = null;
    const refunded = await this.access.change(
      scope,
      orderId,
      async (order, shop) => {
        assertTransition(order.status, lines ? "PARTIALLY_REFUNDED" : "REFUNDED");
        const provider = this.provider(shop, order);
        const amounts = refundAmounts(order, lines);
        let shortfall = 0;
        const refunded = amounts.reduce((a, l) => a + l.amount, 0);
        if (refunded === 0)
          throw new InvalidInputError("nothing is left to refund on these lines", [
            { path: "lines", message: "already refunded" },
          ]);
        const newLines = order.lines.map((l) => {
          const back = amounts.find((a) => a.lineId === l.lineId);
          return {
            ...l,
            refunded: (l.refunded ?? 0) + (back?.amount ?? 0),
            refundedSubtotal: (l.refundedSubtotal ?? 0) + (back?.subtotal ?? 0),
          };
        });
        const all = newLines.every((l) => l.refunded >= linePaid(order, l.lineId));
        const systemReturns = all && shop.orders !== null && order.orderRef !== null;
        if (order.loyaltyRef) {
          const partial = provider.capabilities.refund === "PARTIAL";
          if (provider.capabilities.refund === "NONE" || (lines && !partial)) {
            throw new ProviderError(
              "UNSUPPORTED_BY_PROVIDER",
              `${provider.instanceId} cannot refund ${lines ? "part of a purchase" : "purchases"}`,
              provider.instanceId,
            );
          }
          const sent = partial ? amounts : undefined;
          shortfall = (await this.refunds.returnPoints(shop, order, provider, sent, !reported)).shortfall;
          moved = provider;
        } else if (order.phone && provider.behaviour.flow.commitOnlyToRedeem && systemReturns) {
          // The vendor accrued by itself at completion, and the order system's return takes those points back.
          if (!reported) await this.refunds.weighReturn(shop, order, provider);
          moved = provider;
        }
        // The whole order came back: the order system records the return too (it returns whole orders only).
        let vendorStatus = order.vendorStatus;
        if (systemReturns && shop.orders && !reported)
          vendorStatus = (await shop.orders.returnOrder(order.id)).vendorStatus;
        return this.transitions.transition(
          order,
          all ? "REFUNDED" : "PARTIALLY_REFUNDED",
          {
            refundedAmount: order.refundedAmount + refunded,
            lines: newLines,
            vendorStatus,
            refundShortfallPoints: order.refundShortfallPoints + shortfall,
          },
          lines ? "refund: lines" : "refund",
        );
      },
      SCOPES.ordersManage,
    );
    if (moved) await this.refunds.recheckHolds(moved, refunded);
    return refunded;
  }

  /**
   * The order system reported a status (status sync or webhook): the vendor's status is recorded, and
   * the unified one follows where the lifecycle allows, with loyalty following it (completion commits,
   * cancellation releases or refunds, a return refunds). Repeating the same report changes nothing.
   */
  async applyVendorStatus(
    orderId: string,
    vendorStatus: string,
    from: { adapter: string; instanceId?: string },
    source: string,
  ): Promise<OrderRecord | null> {
    const order = await this.orders.get(orderId);
    if (!order) return null;
    // A report counts only from the order system that holds this order: a vendor's webhook or poller
    // never touches another vendor's (or another instance's) orders.
    const system = this.shops.get(order.shopId).orders;
    const ours =
      system !== null &&
      system.instanceId === order.orderProviderId &&
      system.adapter === from.adapter &&
      (from.instanceId === undefined || from.instanceId === system.instanceId);
    if (!ours) return null;
    let unified: OrderStatus | undefined = system.statusMap[vendorStatus];
    const scope = systemScope(source);
    const cause = `sync: ${source} ${vendorStatus}`;
    // Only confirmOrder places an order (it commits loyalty on the way); before that, the order system's
    // status is noted, and only a cancellation is followed.
    const placed = !["DRAFT", "CALCULATED", "BONUSES_HELD"].includes(order.status);
    if (!placed && unified !== "CANCELLED") unified = undefined;
    const note = (o: OrderRecord) => this.noteVendor(o, vendorStatus, cause);
    if (unified === "COMPLETED" && canTransition(order.status, "COMPLETED"))
      return this.complete(scope, orderId, cause, true).then(note);
    if (unified === "CANCELLED" && canTransition(order.status, "CANCELLED")) {
      return this.checkout.cancel(scope, orderId, `${source} ${vendorStatus}`, "sync").then(note);
    }
    if (unified === "REFUNDED" && canTransition(order.status, "REFUNDED"))
      return this.refund(scope, orderId, null, true).then(note);
    return this.access.locked(orderId, async () => {
      const fresh = (await this.orders.get(orderId))!;
      const to = unified && unified !== fresh.status && canTransition(fresh.status, unified) ? unified : fresh.status;
      return this.transitions.vendorReport(fresh, to, vendorStatus, cause);
    });
  }

  private noteVendor(order: OrderRecord, vendorStatus: string, cause: string): Promise<OrderRecord> {
    if (order.vendorStatus === vendorStatus) return Promise.resolve(order);
    return this.access.locked(order.id, async () => {
      const fresh = (await this.orders.get(order.id))!;
      return this.transitions.vendorReport(fresh, fresh.status, vendorStatus, cause);
    });
  }

  private provider(shop: Shop, order: OrderRecord): LoyaltyProvider {
    return this.shops.loyaltyProvider(shop, order.loyaltyProviderId);
  }
}

/** What the customer paid for a line: its subtotal less discounts and redeemed points. */
function linePaid(order: OrderRecord, lineId: string): number {
  const line = order.lines.find((l) => l.lineId === lineId)!;
  const calc = order.calculation?.lines.find((c) => c.lineId === lineId);
  return calc ? calc.subtotal - calc.discount - calc.redeemed : line.unitPrice * line.quantity;
}

/** Money to refund per line: the rest of every line, or a share by quantity, never more than is left. */
function refundAmounts(order: OrderRecord, lines: Array<{ lineId: string; quantity: number }> | null | undefined) {
  const wanted = lines ?? order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  return wanted
    .map(({ lineId, quantity }, i) => {
      const line = order.lines.find((l) => l.lineId === lineId);
      if (!line)
        throw new InvalidInputError(`no line ${lineId}`, [
          { path: `lines.${i}.lineId`, message: "not a line of this order" },
        ]);
      if (quantity > line.quantity) {
        throw new InvalidInputError(`line ${lineId} has ${line.quantity}`, [
          { path: `lines.${i}.quantity`, message: "more than was ordered" },
        ]);
      }
      const paid = linePaid(order, lineId);
      const left = paid - (line.refunded ?? 0);
      const listLeft = line.unitPrice * line.quantity - (line.refundedSubtotal ?? 0);
      if (!lines) return { lineId, amount: left, subtotal: listLeft };
      return {
        lineId,
        amount: Math.min(left, Math.floor((paid * quantity) / line.quantity)),
        subtotal: Math.min(listLeft, line.unitPrice * quantity),
      };
    })
    .filter((a) => a.amount > 0);
}

/** The gateway itself acting on an order system's report. */
function systemScope(source: string): RequestScope {
  return createRequestScope({
    kind: "service",
    name: `sync:${source}`,
    scopes: new Set([SCOPES.ordersRead, SCOPES.ordersWrite, SCOPES.ordersManage]),
  });
}
