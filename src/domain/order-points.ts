import type { LedgerKind } from "./ledger-entry.ts";
import { heldPoints, type Hold, type OrderRecord } from "./order.ts";
import type { Cart, CustomerQuery, LoyaltyProvider, RefundLine } from "./ports/loyalty-provider.port.ts";
import type { CustomerService } from "./customer.service.ts";
import type { LoyaltyLedger } from "./ledger.ts";
import { ConflictError, ProviderError } from "./errors.ts";

/** The promo codes an order was priced with: its calculation keeps one result per code. */
export function couponsOf(order: { calculation?: OrderRecord["calculation"] }): string[] {
  return order.calculation?.coupons?.map((c) => c.code) ?? [];
}

/** The order's loyalty moves (hold, release, commit, refund), each through the ledger. */
export class OrderPoints {
  constructor(
    private readonly ledger: LoyaltyLedger,
    private readonly customers: CustomerService,
  ) {}

  /** The order as a cart; its promo codes are those it was priced with, unless new ones are given. */
  cart(
    order: Pick<OrderRecord, "phone" | "currency" | "lines"> & {
      calculation?: OrderRecord["calculation"];
      createdAt?: Date;
    },
    redeemPoints: number,
    coupons: string[] = couponsOf(order),
  ): Cart {
    return {
      customer: order.phone ? { phone: order.phone } : null,
      ...(order.createdAt ? { openedAt: order.createdAt.toISOString() } : {}),
      currency: order.currency,
      redeemPoints,
      coupons,
      lines: order.lines.map((l) => ({
        lineId: l.lineId,
        productId: l.productId,
        name: l.name ?? undefined,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
      })),
    };
  }

  async customer(order: OrderRecord, provider: LoyaltyProvider): Promise<CustomerQuery> {
    const externalId = order.customerId
      ? await this.customers.providerRef(order.customerId, provider.instanceId)
      : undefined;
    return { phone: order.phone!, ...(externalId ? { externalId } : {}) };
  }

  /** `purpose` keeps a second hold at the same order version (one made again) apart from the first. */
  async hold(order: OrderRecord, provider: LoyaltyProvider, points: number, purpose = ""): Promise<Hold> {
    const entry = this.entry(order, provider, "HOLD", points, purpose);
    if (provider.capabilities.hold !== "NATIVE") {
      await this.ledger.note(entry);
      return { kind: "ledger", ref: entry.idempotencyKey, points, expiresAt: null };
    }
    let expiresAt: Date | null = null;
    const customer = await this.customer(order, provider);
    const ref = await this.ledger.run(entry, async (key) => {
      const receipt = await provider.hold({
        orderId: order.id,
        customer,
        cart: this.cart(order, points),
        points,
        idempotencyKey: key,
      });
      expiresAt = receipt.expiresAt;
      return receipt.holdId;
    });
    // The ledger keeps the vendor's reference of every hold it ran, so a retried request finds it too.
    if (!ref) throw new Error(`hold ${entry.idempotencyKey} succeeded without a reference`);
    return { kind: "vendor", ref, points, expiresAt };
  }

  async release(order: OrderRecord, provider: LoyaltyProvider): Promise<void> {
    const hold = order.hold;
    if (!hold) return;
    const entry = this.entry(order, provider, "RELEASE", hold.points);
    if (hold.kind === "ledger") return this.ledger.note(entry);
    const customer = await this.customer(order, provider);
    await this.ledger.run(entry, async (key) => {
      await provider.release({
        orderId: order.id,
        customer,
        holdId: hold.ref,
        points: hold.points,
        idempotencyKey: key,
      });
      return null;
    });
  }

  /** Records the purchase: points spent and earned. */
  async commit(
    order: OrderRecord,
    provider: LoyaltyProvider,
  ): Promise<{ reference: string; pointsRedeemed: number; pointsEarned: number }> {
    const { flow } = provider.behaviour;
    let holdId = order.hold?.kind === "vendor" ? order.hold.ref : undefined;
    if (flow.releaseBeforeCommit) await this.release(order, provider);
    else if (flow.holdCanLapse && holdId && heldPoints(order) > 0) holdId = await this.holdAgain(order, provider);
    const entry = this.entry(order, provider, "COMMIT", order.redeemPoints);
    const customer = await this.customer(order, provider);
    let receipt = {
      reference: "",
      pointsRedeemed: order.redeemPoints,
      pointsEarned: order.calculation?.pointsEarned ?? 0,
    };
    const reference = await this.ledger.run(entry, async (key) => {
      const r = await provider.commit({
        orderId: order.id,
        customer,
        cart: this.cart(order, order.redeemPoints),
        holdId,
        idempotencyKey: key,
      });
      receipt = { ...r, pointsEarned: r.pointsEarned || receipt.pointsEarned };
      return r.reference;
    });
    return { ...receipt, reference: reference ?? receipt.reference };
  }

  /**
   * A hold the vendor may have ended is released (a release of what is gone succeeds) and made again
   * for the same points; if they are no longer there the order answers HOLD_EXPIRED.
   */
  private async holdAgain(order: OrderRecord, provider: LoyaltyProvider): Promise<string> {
    await this.release(order, provider);
    try {
      return (await this.hold(order, provider, heldPoints(order))).ref;
    } catch (error) {
      if (
        error instanceof ProviderError &&
        (error.code === "INSUFFICIENT_BONUSES" || error.code === "REDEEM_LIMIT_EXCEEDED")
      ) {
        throw new ConflictError(
          "HOLD_EXPIRED",
          "the points hold ended and the points are no longer available; apply bonuses again",
        );
      }
      throw error;
    }
  }

  /** The ledger key of the order's refund at its current version. */
  refundKey(order: OrderRecord, provider: LoyaltyProvider): string {
    return this.entry(order, provider, "REFUND", 0).idempotencyKey;
  }

  /** Whether the order's refund at this version was already begun (a request retried after a crash). */
  refundBegun(order: OrderRecord, provider: LoyaltyProvider): Promise<boolean> {
    return this.ledger.begun(this.refundKey(order, provider));
  }

  /** A refund the order system makes by itself (its return takes the points): recorded, nothing is called. */
  noteRefund(order: OrderRecord, provider: LoyaltyProvider): Promise<void> {
    return this.ledger.note(this.entry(order, provider, "REFUND", order.pointsRedeemed));
  }

  async refund(order: OrderRecord, provider: LoyaltyProvider, lines: RefundLine[] | undefined): Promise<void> {
    const entry = this.entry(order, provider, "REFUND", lines ? 0 : order.pointsRedeemed);
    const customer = await this.customer(order, provider);
    await this.ledger.run(
      entry,
      async (key) =>
        (
          await provider.refund({
            orderId: order.id,
            customer,
            lines,
            pointsRedeemed: order.pointsRedeemed,
            pointsEarned: order.pointsEarned,
            idempotencyKey: key,
          })
        ).reference,
    );
  }

  /**
   * The key names the order's version: a request retried after a crash between the provider call and
   * the order update finds the same key and reuses the call's result instead of repeating it.
   */
  private entry(order: OrderRecord, provider: LoyaltyProvider, kind: LedgerKind, points: number, purpose = "") {
    return {
      orderId: order.id,
      providerInstanceId: provider.instanceId,
      kind,
      points,
      idempotencyKey: `${order.id}:${kind}:v${order.version}${purpose ? `:${purpose}` : ""}`,
    };
  }
}
