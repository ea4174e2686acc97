import { GatewayError, InvalidInputError, ProviderError } from "./errors.ts";
import { captureDue, type OrderPayments, takesPrepayment } from "./order-payments.ts";
import type { PaymentRecord, RefundLegRecord } from "./payment.ts";
import type { OrderAccess } from "./order-access.ts";
import type { CreateOrderInput } from "./order-input.ts";
import type { OrderPoints } from "./order-points.ts";
import { checkGuards, type Command, type Effect, flowKindOf, ORDER_PROCESS } from "./order-process.ts";
import type { OrderStatus } from "./order-state.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { OrderEvent, OrderLine, OrderPatch, OrderRecord } from "./order.ts";
import type { HoldEffects } from "./hold-effects.ts";
import type { PointsHolds } from "./points-hold.ts";
import type { PointsRefund } from "./points-refund.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { providerOrder } from "./provider-order.ts";
import { listTotal, soldLines } from "./sold-lines.ts";
import type { AttentionRepository } from "./ports/attention-repository.port.ts";
import type { RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";
import { linePaid, refundAmounts, type RefundAmount } from "./refund-amounts.ts";

/** What a command is asked with. */
export interface CommandInput {
  /** applyBonuses */
  points?: number;
  /** updateItems */
  items?: CreateOrderInput["lines"];
  coupons?: string[] | null;
  /** cancel */
  reason?: string;
  /** refund: lines by quantity (none: what is left of the whole order) */
  lines?: Array<{ lineId: string; quantity: number }> | null;
  /** complete, cancel, refund: the order system reported it, so it is not told again */
  reported?: boolean;
  /** The history's cause; the command's name by default. */
  cause?: string;
  /** cancel: a move the buyer is told of by name (EXPIRED). */
  event?: OrderEvent;
}

/** One command on one order, as the effects see it: they move `order` on and fill the final transition. */
interface StepContext {
  command: Command;
  scope: RequestScope;
  shop: Shop;
  provider: LoyaltyProvider;
  order: OrderRecord;
  input: CommandInput;
  cause: string;
  /** The status the command ends in, and what its last write stores. */
  to: OrderStatus;
  patch: OrderPatch;
  /** An effect that made the last write itself (the hold effects) leaves the result here. */
  result?: OrderRecord;
  /** Points moved at the provider: the customer's other holds are checked afterwards. */
  moved: boolean;
  refund?: { amounts: RefundAmount[]; lines: OrderLine[]; all: boolean; money: number };
  /** The event the last transition tells, where an effect names one. */
  event?: OrderEvent;
  /** refund: the money leg, once the PSP returned it. */
  moneyLeg?: RefundLegRecord;
}

export interface OrderProcessOptions {
  shops: ShopDirectory;
  loyalty: OrderPoints;
  holds: PointsHolds;
  holdEffects: HoldEffects;
  refunds: PointsRefund;
  access: OrderAccess;
  transitions: OrderTransitions;
  attention: AttentionRepository;
  payments: OrderPayments;
}

/** The cause a command writes into the order's history, unless its caller names one. */
const CAUSE: Record<Command, string> = {
  applyBonuses: "applyBonuses",
  updateItems: "updateOrderItems",
  confirm: "confirmOrder",
  pay: "payOrder",
  paymentAuthorised: "payment authorised",
  paymentDeclined: "payment declined",
  capture: "payment captured",
  complete: "completeOrder",
  cancel: "cancelOrder",
  refund: "refund",
};

const SERVICE_SCOPE: Record<Command, string> = {
  applyBonuses: SCOPES.ordersWrite,
  updateItems: SCOPES.ordersWrite,
  confirm: SCOPES.ordersWrite,
  pay: SCOPES.ordersWrite,
  paymentAuthorised: SCOPES.ordersManage,
  paymentDeclined: SCOPES.ordersManage,
  capture: SCOPES.ordersManage,
  cancel: SCOPES.ordersWrite,
  complete: SCOPES.ordersManage,
  refund: SCOPES.ordersManage,
};

/**
 * Runs the commands of the order process (order-process.ts): under the order's lock, on a fresh read, the
 * command's guards, then its declared effects for the provider's flow kind, in order, then the last
 * transition. Services call `run`; they decide nothing about status, holds or points themselves.
 */
export class OrderProcess {
  constructor(private readonly o: OrderProcessOptions) {}

  async run(asked: Command, scope: RequestScope, orderId: string, input: CommandInput = {}): Promise<OrderRecord> {
    let after: StepContext | null = null;
    let start: OrderRecord | null = null;
    const done = await this.o.access.change(
      scope,
      orderId,
      async (order, shop) => {
        start = order;
        // A shop that takes prepayment confirms by asking for the money first.
        const command: Command = asked === "confirm" && takesPrepayment(shop, order) ? "pay" : asked;
        const provider = this.o.shops.loyaltyProvider(shop, order.loyaltyProviderId);
        const ctx: StepContext = {
          command,
          scope,
          shop,
          provider,
          order,
          input,
          cause: input.cause ?? CAUSE[command],
          to: ORDER_PROCESS[command].to[0]!,
          patch: {},
          moved: false,
        };
        if (command === "refund") ctx.to = input.lines ? "PARTIALLY_REFUNDED" : "REFUNDED";
        if (command === "applyBonuses") ctx.to = "BONUSES_HELD";
        if (command === "capture") ctx.to = order.status;
        if (command === "paymentDeclined") ctx.event = "PAYMENT_DECLINED";
        checkGuards(command, { order, shop, provider, points: input.points, lines: input.lines }, ctx.to);
        if (command === "refund") this.prepareRefund(ctx);
        if (command === "cancel") ctx.cause = `${ctx.cause}: ${input.reason ?? ""}`;
        const effects = ORDER_PROCESS[command].effects[flowKindOf(provider)];
        try {
          for (const effect of effects) {
            if (effect === "recheckOtherHolds") continue;
            await this.effects[effect](ctx);
            if (ctx.result) return ctx.result;
          }
        } catch (error) {
          if (ctx.moneyLeg) await this.moneyWithoutPoints(ctx, error);
          throw error;
        }
        after = effects.includes("recheckOtherHolds") && ctx.moved ? ctx : null;
        return this.o.transitions.transition(ctx.order, ctx.to, ctx.patch, ctx.cause, {
          event: input.event ?? ctx.event,
        });
      },
      SERVICE_SCOPE[asked === "confirm" ? "confirm" : asked],
    );
    this.o.transitions.booksMoved(start!, done);
    // After the lock: the other orders are locked one by one, never while this one is held.
    const moved = after as StepContext | null;
    if (moved) await this.o.refunds.recheckHolds(moved.provider, done);
    return done;
  }

  private prepareRefund(ctx: StepContext): void {
    const { order } = ctx;
    const amounts = refundAmounts(order, ctx.input.lines);
    const money = amounts.reduce((a, l) => a + l.amount, 0);
    if (money === 0)
      throw new InvalidInputError("nothing is left to refund on these lines", [
        { path: "lines", message: "already refunded" },
      ]);
    const lines = order.lines.map((l) => {
      const back = amounts.find((a) => a.lineId === l.lineId);
      return {
        ...l,
        refunded: (l.refunded ?? 0) + (back?.amount ?? 0),
        refundedSubtotal: (l.refundedSubtotal ?? 0) + (back?.subtotal ?? 0),
      };
    });
    const all = lines.every((l) => l.refunded >= linePaid(order, l.lineId));
    ctx.refund = { amounts, lines, all, money };
    ctx.to = all ? "REFUNDED" : "PARTIALLY_REFUNDED";
    ctx.cause = ctx.input.lines ? `${ctx.cause}: lines` : ctx.cause;
    ctx.patch = { refundedAmount: order.refundedAmount + money, lines };
  }

  /** The money of a refund went back and a later step failed: staff repeat the same refund, or settle. */
  private async moneyWithoutPoints(ctx: StepContext, error: unknown): Promise<void> {
    const leg = ctx.moneyLeg!;
    await this.o.attention.open({
      id: `payment-refund:${leg.id}`,
      orderId: ctx.order.id,
      shopId: ctx.order.shopId,
      reason: "PAYMENT_REFUND",
      points: 0,
      detail: `${leg.amount} minor units went back to the buyer, and the rest of the refund failed: ${error instanceof Error ? error.message : String(error)}. Repeat the refund with the same lines (the money is not returned twice).`,
      errorCode: error instanceof GatewayError ? error.code : "INTERNAL",
    });
  }

  /** The order's newest payment; none in a shop that takes no payments (no query then). */
  private async paymentOf(ctx: StepContext): Promise<PaymentRecord | null> {
    if (!ctx.shop.payment) return null;
    return this.o.payments.latest(ctx.order.id);
  }

  /** Each effect of order-process.ts, under its declared name. */
  private readonly effects: Record<Exclude<Effect, "recheckOtherHolds">, (ctx: StepContext) => Promise<void>> = {
    holdPoints: async (ctx) => {
      ctx.result = await this.o.holdEffects.holdPoints(ctx.order, ctx.provider, ctx.input.points ?? 0, ctx.cause);
    },
    holdPointsForNewCart: async (ctx) => {
      const { scope, shop, order, provider, input } = ctx;
      ctx.result = await this.o.holdEffects.holdForNewCart({
        scope,
        shop,
        order,
        provider,
        items: input.items,
        coupons: input.coupons,
      });
    },

    renewLapsedHold: async (ctx) => {
      ctx.order = await this.o.holds.renewIfExpired(ctx.order, ctx.provider, ctx.cause);
    },

    createInOrderSystem: async (ctx) => {
      const { shop, order, provider } = ctx;
      if (!shop.orders || order.orderRef) return;
      const created = await shop.orders.createOrder(
        providerOrder(order, provider, await this.buyerName(order, provider), shop, new Date()),
      );
      ctx.order = await this.o.transitions.transition(
        order,
        order.status,
        { orderRef: created.reference, vendorStatus: created.vendorStatus },
        `${ctx.cause}: order system`,
      );
    },

    commitPurchase: async (ctx) => {
      const { order, provider } = ctx;
      const { flow } = provider.behaviour;
      if (!order.phone || order.loyaltyRef || (order.redeemPoints === 0 && flow.commitOnlyToRedeem)) return;
      const receipt = await this.o.loyalty.commit(order, provider);
      ctx.order = await this.o.transitions.amend(
        order,
        {
          loyaltyRef: receipt.reference,
          pointsRedeemed: receipt.pointsRedeemed,
          pointsEarned: receipt.pointsEarned,
          hold: null,
        },
        `${ctx.cause}: commit`,
      );
    },

    takeWhatWasSold: async (ctx) => {
      const { shop, order, provider } = ctx;
      if (!shop.orders || !order.orderRef) return;
      const sold = soldLines(order, await shop.orders.getOrder(order.id));
      if (!sold) return;
      const cause = `${ctx.cause}: as sold`;
      if (!order.loyaltyRef) {
        ctx.order = await this.o.holdEffects.holdForSoldLines(order, provider, sold, cause);
        return;
      }
      // The sale was recorded at placement: the order shows what was sold, and staff weigh the points.
      ctx.order = await this.o.transitions.transition(
        order,
        order.status,
        { lines: sold, placedLines: order.placedLines ?? order.lines },
        cause,
        { inHistory: true, event: "SOLD_AS_CHANGED" },
      );
      const less = listTotal(order.lines) - listTotal(sold);
      if (less > 0)
        await this.o.attention.open({
          id: `sold:${order.id}`,
          orderId: order.id,
          shopId: order.shopId,
          reason: "SOLD_DIFFERS",
          points: order.pointsEarned,
          detail: `${provider.instanceId} recorded the sale at placement; the florist sold ${less} minor units less. Refund the lines not sold, or settle.`,
        });
    },

    completeInOrderSystem: async (ctx) => {
      const { shop, order } = ctx;
      const alreadyDone = order.vendorStatus !== null && shop.orders?.statusMap[order.vendorStatus] === "COMPLETED";
      if (!shop.orders || !order.orderRef || ctx.input.reported || alreadyDone) return;
      const { vendorStatus } = await shop.orders.completeOrder(order.id);
      ctx.order = await this.o.transitions.transition(
        order,
        order.status,
        { vendorStatus },
        `${ctx.cause}: order system`,
      );
    },

    readEarnedPoints: async (ctx) => {
      const { order, provider } = ctx;
      if (!provider.behaviour.flow.commitOnlyToRedeem) return;
      // A reading only: the order is done at the vendor whatever it answers, so a vendor that cannot be
      // read now leaves the estimate rather than failing the completion.
      try {
        const earned = await provider.earnedPoints({
          orderId: order.id,
          customer: order.phone ? await this.o.loyalty.customer(order, provider) : null,
        });
        if (earned !== null) ctx.patch.pointsEarned = earned;
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
      }
    },

    releaseOrReturnPoints: async (ctx) => {
      const { shop, order, provider } = ctx;
      ctx.patch = { hold: null };
      if (!order.loyaltyRef) return this.o.loyalty.release(order, provider);
      const { shortfall } = await this.o.refunds.returnPoints(shop, order, provider, undefined);
      ctx.patch.refundShortfallPoints = order.refundShortfallPoints + shortfall;
      ctx.moved = true;
    },

    cancelInOrderSystem: async (ctx) => {
      const { shop, order } = ctx;
      if (!shop.orders || !order.orderRef) return;
      ctx.patch.vendorStatus = (await shop.orders.cancelOrder(order.id, ctx.input.reason ?? "")).vendorStatus;
    },

    refundPoints: async (ctx) => {
      const { shop, order, provider, input } = ctx;
      const refund = ctx.refund!;
      const systemReturns = refund.all && shop.orders !== null && order.orderRef !== null;
      if (order.loyaltyRef) {
        const lines = provider.capabilities.refund === "PARTIAL" ? refund.amounts : undefined;
        const { shortfall } = await this.o.refunds.returnPoints(shop, order, provider, lines, !input.reported);
        ctx.patch.refundShortfallPoints = order.refundShortfallPoints + shortfall;
        ctx.moved = true;
      } else if (order.phone && provider.behaviour.flow.commitOnlyToRedeem && systemReturns) {
        // The vendor accrued by itself at completion, and the order system's return takes those points back.
        if (!input.reported) await this.o.refunds.weighReturn(shop, order, provider);
        ctx.moved = true;
      }
    },

    createPayment: async (ctx) => {
      const { shop, order } = ctx;
      const record = await this.o.payments.start(shop, order);
      if (order.status === "AWAITING_PAYMENT" && record.status === "PENDING") {
        // The buyer's next try at the live payment: nothing about the order changes.
        ctx.result = order;
      }
    },

    capturePayment: async (ctx) => {
      const { shop, order } = ctx;
      const record = await this.paymentOf(ctx);
      // The capture command on its own writes nothing when there is nothing to take or record.
      const idle = () => {
        if (ctx.command === "capture") ctx.result = ctx.order;
      };
      if (!record || !captureDue(shop, ctx.to)) return idle();
      let paid = record;
      if (record.status === "AUTHORIZED") {
        let failure: ProviderError | null = null;
        try {
          paid = await this.o.payments.capture(shop, order, record);
        } catch (error) {
          if (!(error instanceof ProviderError) || !["INVALID_STATE", "PROVIDER_REJECTED"].includes(error.code))
            throw error;
          failure = error;
          paid = (await this.o.payments.refresh(shop, record)) ?? record;
        }
        if (paid.status === "CAPTURED") ctx.event = "PAYMENT_CAPTURED";
        // The hold is gone (lapsed, or cancelled at the PSP): the shop was not paid, and a person decides.
        else
          await this.o.attention.open({
            id: `payment-capture:${record.id}`,
            orderId: order.id,
            shopId: order.shopId,
            reason: "PAYMENT_CAPTURE",
            points: 0,
            detail: `the capture of ${record.amount} minor units failed: the payment is ${paid.status}${paid.cancellation ? ` (${paid.cancellation})` : ""}${failure ? `; ${failure.code}: ${failure.message}` : ""}`,
            errorCode: failure?.code ?? "INVALID_STATE",
          });
      }
      const recorded = await this.o.payments.recordCapture(shop, ctx.order, paid);
      if (ctx.event === undefined && recorded === record) idle();
    },

    settleReceipt: async (ctx) => {
      const record = await this.paymentOf(ctx);
      if (record) await this.o.payments.settle(ctx.shop, ctx.order, record);
    },

    cancelPayment: async (ctx) => {
      const { shop, order } = ctx;
      let record = await this.paymentOf(ctx);
      if (!record) return;
      if (record.status === "AUTHORIZED") {
        // The PSP is read first: the hold may be gone, taken by a capture whose answer was lost (a crash,
        // a timeout) or ended by the PSP, and its cancel would be refused. Money taken is refunded below.
        record = (await this.o.payments.refresh(shop, record)) ?? record;
        if (record.status === "AUTHORIZED") {
          await this.o.payments.cancel(shop, record);
          return;
        }
      }
      if (record.status !== "CAPTURED") return;
      // The order system is told of the money taken before it is told of its return (a capture's
      // recording may have been cut short with its answer).
      record = await this.o.payments.recordCapture(shop, order, record);
      const lines = order.lines.map((l) => ({
        lineId: l.lineId,
        quantity: l.quantity,
        amount: linePaid(order, l.lineId) - (l.refunded ?? 0),
      }));
      await this.returnMoney(shop, order, record, lines);
    },

    refundMoney: async (ctx) => {
      const { shop, order, input } = ctx;
      const record = await this.paymentOf(ctx);
      if (!record || record.status !== "CAPTURED") return;
      const lines = ctx.refund!.amounts.map((a) => ({
        lineId: a.lineId,
        quantity:
          input.lines?.find((l) => l.lineId === a.lineId)?.quantity ??
          order.lines.find((l) => l.lineId === a.lineId)!.quantity,
        amount: a.amount,
      }));
      ctx.moneyLeg = (await this.returnMoney(shop, order, record, lines)) ?? undefined;
    },

    returnInOrderSystem: async (ctx) => {
      const { shop, order } = ctx;
      // The whole order came back: the order system records the return too (it returns whole orders only).
      if (!ctx.refund!.all || !shop.orders || !order.orderRef || ctx.input.reported) return;
      ctx.patch.vendorStatus = (await shop.orders.returnOrder(order.id)).vendorStatus;
    },
  };

  /**
   * A money leg through the PSP, recorded in the order system once it went through; a leg the PSP refused
   * or has not finished stops the command (a repeat sends the same leg).
   */
  private async returnMoney(
    shop: Shop,
    order: OrderRecord,
    record: PaymentRecord,
    lines: RefundLegRecord["lines"],
  ): Promise<RefundLegRecord | null> {
    const leg = await this.o.payments.refund(shop, order, record, lines);
    if (!leg) return null;
    if (leg.status !== "SUCCEEDED") throw this.refundNotDone(shop, leg);
    await this.o.payments.recordReturn(shop, order, leg);
    return leg;
  }

  private refundNotDone(shop: Shop, leg: RefundLegRecord): ProviderError {
    const instance = shop.payment!.provider.instanceId;
    return leg.status === "CANCELED"
      ? new ProviderError("PROVIDER_REJECTED", `the PSP refused the refund of ${leg.amount}`, instance)
      : new ProviderError(
          "PROVIDER_UNAVAILABLE",
          "the PSP has not finished the refund yet; repeat it shortly",
          instance,
          {
            uncertain: true,
          },
        );
  }

  /** The buyer's name for the order system: the contact's, or else the loyalty account's, where it has one. */
  private async buyerName(order: OrderRecord, provider: LoyaltyProvider): Promise<string | null> {
    if (order.contact.name) return order.contact.name;
    if (!order.phone || !provider.capabilities.lookupBy.includes("PHONE")) return null;
    return (await provider.findCustomer({ phone: order.phone }).catch(() => null))?.name ?? null;
  }
}
