import { z } from "zod";
import { decimalToPoints } from "../../domain/money.ts";
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
 * points) → reset when the order changes → close to spend and accrue. No document lists r_keeper's
 * error codes, so no decision here reads one.
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
      this.findGuest(guest),
      this.calculateOrder({ openedAt: new Date().toISOString(), items: [] }, guest, false).catch(
        (error: unknown) => error as Error,
      ),
    ]);
    if (!found) return null;
    if (progress instanceof Error) throw progress;
    return toAccount(guest.phone, found, progress);
  }

  /**
   * The cheapest documented read of a balance: the guest's `progress` comes only with `orders/calculate`,
   * so an empty order is priced (one call, where findCustomer also asks `guests/get`). Null where the
   * answer carries no progress.
   */
  async balance({ phone }: Port.CustomerQuery): Promise<number | null> {
    const wire = await this.calculateOrder({ openedAt: new Date().toISOString(), items: [] }, this.guest(phone), false);
    const progress = wire.loyalty.details.bonuses?.progress;
    return progress ? decimalToPoints(progress.balance) : null;
  }

  async calculate(cart: Port.Cart): Promise<Port.Calculation> {
    const wire = await this.calculateOrder(
      toOrder(cart, new Date()),
      cart.customer ? this.guest(cart.customer.phone) : null,
      true,
      cart.coupons,
    );
    return toCalculation(cart, wire);
  }

  /** Confirms the order with the fingerprint of a fresh calculation of the same order: the points are held until close or reset. */
  async hold(req: Port.HoldRequest): Promise<Port.HoldReceipt> {
    await this.confirm(req.orderId, req.customer.phone, req.cart, req.points);
    return { holdId: this.orderId(req.orderId), points: req.points, expiresAt: null };
  }

  /**
   * `orders/reset`: the confirmed loyalty is undone and the order may be calculated again. Resetting a
   * reset order changes nothing; any refusal is passed on (no document gives r_keeper's error codes).
   */
  async release(req: Port.ReleaseRequest): Promise<void> {
    await this.http.request({
      method: "POST",
      path: `${PATH}/orders/reset`,
      body: { id: this.orderId(req.orderId), resetAt: new Date().toISOString() },
      schema: idWire,
      idempotent: true,
    });
  }

  /**
   * The seed's flow for every order is calculate → confirm → close. An order that holds points was
   * confirmed by `hold` (the request names its `holdId`), so it is closed. One that was never confirmed
   * (no `holdId`) is calculated and confirmed now, paying the cart's points (none in the gateway's own
   * flow, which holds whatever it redeems), and then closed. The decision is the request's, never an
   * error code's. `orders/close` is not documented as safe to repeat, so it is sent once.
   */
  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    const id = this.orderId(req.orderId);
    let earned = 0;
    if (!req.holdId) {
      const quote = await this.confirm(id, req.customer.phone, req.cart, req.cart.redeemPoints);
      earned = quote.pointsEarned;
    }
    await this.http.request({
      method: "POST",
      path: `${PATH}/orders/close`,
      body: { id, closedAt: new Date().toISOString() },
      schema: idWire,
      idempotent: false,
    });
    // CloseOrderResponseDto and ConfirmOrderResponseDto carry only `id`: the vendor's accrual is the
    // calculation's quote where this call made one, and otherwise the caller's calculation stands (0).
    return { reference: id, pointsRedeemed: req.cart.redeemPoints, pointsEarned: earned };
  }

  /** calculate, then confirm with its fingerprint and `payment` points; the calculation, as the port's. */
  private async confirm(orderId: string, phone: string, cart: Port.Cart, payment: number): Promise<Port.Calculation> {
    const id = this.orderId(orderId);
    const guest = this.guest(phone);
    const order = toOrder(cart, new Date());
    // The promo codes count at the confirm through the fingerprint of the calculation that had them.
    const wire = await this.calculateOrder(order, guest, true, cart.coupons);
    const quote = toCalculation({ ...cart, redeemPoints: payment }, wire);
    if (payment > quote.maxRedeemablePoints) {
      const over = quote.balance !== undefined && payment > quote.balance;
      throw new ProviderError(
        over ? "INSUFFICIENT_BONUSES" : "REDEEM_LIMIT_EXCEEDED",
        over ? `the guest has ${quote.balance} bonuses` : `at most ${quote.maxRedeemablePoints} points`,
        this.instanceId,
        { vendorCode: "summary.bonuses.max" },
      );
    }
    const loyalty = {
      pattern: "fingerprint",
      fingerprint: { value: wire.loyalty.fingerprint, options: { bonuses: { payment } } },
    };
    await this.http.request({
      method: "POST",
      path: `${PATH}/orders/confirm`,
      body: { id, order, organization: this.organization, guest, loyalty },
      schema: idWire,
      idempotent: false,
    });
    return quote;
  }

  /**
   * `orders/calculate`. When it is refused for a guest, `guests/get` says why where it can: a guest it
   * does not return is CUSTOMER_NOT_FOUND (no document gives the code of a calculation for an unknown
   * guest, and GetGuestResponseDto requires nothing, so "no guest" is the answer).
   */
  private async calculateOrder(
    order: OrderDto,
    guest: { type: "phone"; phone: string } | null,
    explain = true,
    coupons: string[] = [],
  ) {
    // An anonymous order leaves `guest` out: the OpenAPI document does not allow it to be null.
    // CalculateOrderRequestDto.promocodes: "Промокоды для применения к заказу", each a PromocodeDto {value}.
    const body = {
      order,
      organization: this.organization,
      ...(guest ? { guest } : {}),
      ...(coupons.length ? { promocodes: coupons.map((value) => ({ value })) } : {}),
    };
    try {
      return await this.http.request({
        method: "POST",
        path: `${PATH}/orders/calculate`,
        body,
        schema: calculateWire,
        idempotent: true,
      });
    } catch (error) {
      if (!explain || !guest || !(error instanceof ProviderError) || error.code !== "PROVIDER_REJECTED") throw error;
      if (!(await this.findGuest(guest))) throw this.unknownGuest();
      throw error;
    }
  }

  /**
   * `guests/get`. The documents allow two answers for a phone r_keeper has no guest for: a 200 without
   * `guest` (nothing in GetGuestResponseDto is required), or the operation's documented 400 refusal
   * (ErrorResponseDto, whose codes no document lists). A refusal is told from a broken request without
   * reading its code: the same organization is asked for an anonymous calculation, and when that goes
   * through, only the guest was refused, so there is no guest. When it is refused too, the first refusal
   * stands (a wrong rkObjectId, say, stays an error rather than every buyer losing their loyalty).
   */
  private async findGuest(guest: { type: "phone"; phone: string }) {
    try {
      const found = await this.http.request({
        method: "POST",
        path: `${PATH}/guests/get`,
        body: { guest, organization: this.organization },
        schema: guestWire,
        idempotent: true,
      });
      return found.guest ?? null;
    } catch (error) {
      if (!(error instanceof ProviderError) || error.code !== "PROVIDER_REJECTED") throw error;
      await this.calculateOrder({ openedAt: new Date().toISOString(), items: [] }, null, false).catch(() => {
        throw error;
      });
      return null;
    }
  }

  private unknownGuest(): ProviderError {
    return new ProviderError("CUSTOMER_NOT_FOUND", "r_keeper has no guest with this phone", this.instanceId, {
      vendorCode: "guest",
    });
  }

  private guest(phone: string) {
    return { type: "phone" as const, phone: `+${phone.replace(/^\+/, "")}` };
  }

  private orderId(id: string): string {
    if (!UUID.test(id))
      throw new ProviderError("PROVIDER_REJECTED", "r_keeper order ids must be UUIDs", this.instanceId, {
        vendorCode: "ORDER_ID",
      });
    return id;
  }
}
