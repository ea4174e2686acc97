import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type * as Port from "../../domain/ports/loyalty-provider.port.ts";
import { toAccount, toCalculation, toOrder } from "./mapper.ts";
import { calculateWire, guestWire, idWire, type OrderDto, type OrganizationDto } from "./wire.ts";

export const options = z.object({
  /** The restaurant's (shop's) object id in r_keeper. */
  rkObjectId: z.string().min(1),
});
export type Options = z.infer<typeof options>;

const PATH = "b2b/v1/loyalty";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * r_keeper's flow (seed 004): calculate → confirm with the calculation's fingerprint (this holds the
 * points) → reset when the order changes → close to spend and accrue.
 */
export class RkeeperAdapter implements Port.LoyaltyAdapter {
  private readonly organization: OrganizationDto;

  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    opts: Options,
  ) {
    this.organization = { type: "rkObjectId", id: opts.rkObjectId };
  }

  async findCustomer({ phone }: Port.CustomerQuery): Promise<Port.LoyaltyAccount | null> {
    const guest = this.guest(phone);
    // The balance and rank come only with a calculation; an empty order asks for just those, in parallel.
    const [found, progress] = await Promise.all([
      this.http.request({
        method: "POST",
        path: `${PATH}/guests/get`,
        body: { guest, organization: this.organization },
        schema: guestWire,
        idempotent: true,
      }),
      this.calculateOrder({ openedAt: new Date().toISOString(), items: [] }, guest).catch(
        (error: unknown) => error as Error,
      ),
    ]);
    if (!found.guest) return null;
    if (progress instanceof Error) throw progress;
    return toAccount(guest.phone, found.guest, progress);
  }

  async calculate(cart: Port.Cart): Promise<Port.Calculation> {
    const wire = await this.calculateOrder(
      toOrder(cart, new Date()),
      cart.customer ? this.guest(cart.customer.phone) : null,
    );
    return toCalculation(cart, wire);
  }

  /** Confirms the order with the fingerprint of a fresh calculation of the same order: the points are held until close or reset. */
  async hold(req: Port.HoldRequest): Promise<Port.HoldReceipt> {
    const id = this.orderId(req.orderId);
    const guest = this.guest(req.customer.phone);
    const order = toOrder(req.cart, new Date());
    const wire = await this.calculateOrder(order, guest);
    const max = toCalculation({ ...req.cart, redeemPoints: 0 }, wire).maxRedeemablePoints;
    if (req.points > max)
      throw new ProviderError(
        "REDEEM_LIMIT_EXCEEDED",
        `at most ${max} points`,
        this.instanceId,
        "BONUS_PAYMENT_EXCEEDS_MAX",
      );
    const loyalty = {
      pattern: "fingerprint",
      fingerprint: { value: wire.loyalty.fingerprint, options: { bonuses: { payment: req.points } } },
    };
    await this.http.request({
      method: "POST",
      path: `${PATH}/orders/confirm`,
      body: { id, order, organization: this.organization, guest, loyalty },
      schema: idWire,
      idempotent: false,
    });
    return { holdId: id, points: req.points, expiresAt: null };
  }

  /** `orders/reset`: the confirmed loyalty is undone and the order may be calculated again. */
  async release(req: Port.ReleaseRequest): Promise<void> {
    const id = this.orderId(req.orderId);
    try {
      await this.http.request({
        method: "POST",
        path: `${PATH}/orders/reset`,
        body: { id, resetAt: new Date().toISOString() },
        schema: idWire,
        idempotent: true,
      });
    } catch (error) {
      // Nothing was confirmed under this id, so there is nothing to release.
      if (error instanceof ProviderError && error.vendorCode === "ORDER_NOT_FOUND") return;
      throw error;
    }
  }

  /** `orders/close`. Closing a closed order is success, so a repeated commit is one operation at the vendor. */
  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    const id = this.orderId(req.orderId);
    try {
      await this.close(id);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      if (error.vendorCode === "ORDER_ALREADY_CLOSED")
        return { reference: id, pointsRedeemed: req.cart.redeemPoints, pointsEarned: 0 };
      if (error.vendorCode !== "ORDER_NOT_CONFIRMED" && error.vendorCode !== "ORDER_NOT_FOUND") throw error;
      // A commit-only flow: confirm first, then close.
      await this.hold({
        orderId: id,
        customer: req.customer,
        cart: req.cart,
        points: req.cart.redeemPoints,
        idempotencyKey: req.idempotencyKey,
      });
      await this.close(id);
    }
    return { reference: id, pointsRedeemed: req.cart.redeemPoints, pointsEarned: 0 };
  }

  /** Safe to repeat: a second close answers ORDER_ALREADY_CLOSED, which commit treats as done. */
  private close(id: string) {
    return this.http.request({
      method: "POST",
      path: `${PATH}/orders/close`,
      body: { id, closedAt: new Date().toISOString() },
      schema: idWire,
      idempotent: true,
    });
  }

  private calculateOrder(order: OrderDto, guest: { type: "phone"; phone: string } | null) {
    // An anonymous order leaves `guest` out: the OpenAPI document does not allow it to be null.
    const body = { order, organization: this.organization, ...(guest ? { guest } : {}) };
    return this.http.request({
      method: "POST",
      path: `${PATH}/orders/calculate`,
      body,
      schema: calculateWire,
      idempotent: true,
    });
  }

  private guest(phone: string) {
    return { type: "phone" as const, phone: `+${phone.replace(/^\+/, "")}` };
  }

  private orderId(id: string): string {
    if (!UUID.test(id))
      throw new ProviderError("PROVIDER_REJECTED", "r_keeper order ids must be UUIDs", this.instanceId, "ORDER_ID");
    return id;
  }
}
