import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { decimalToPoints, minorToJsonNumber } from "../../domain/money.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type * as Port from "../../domain/ports/loyalty-provider.port.ts";
import { toAccount, toCalculation } from "./mapper.ts";
import { clientWire, heldWire, okWire, recalcWire, retailWire } from "./wire.ts";

export const options = z.object({
  /** The point (outlet) id at LoyalClient. */
  point: z.string().min(1),
  /** How long a hold lasts; the vendor allows 30 minutes at most. */
  holdMinutes: z.number().int().min(1).max(30).default(30),
});
export type Options = z.infer<typeof options>;

export class LoyalClientAdapter implements Port.LoyaltyAdapter {
  /** phone -> LoyalClient's client id, which every call after the search needs. */
  private readonly clientIds = new Map<string, string>();

  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly opts: Options,
  ) {}

  async findCustomer({ phone }: Port.CustomerQuery): Promise<Port.LoyaltyAccount | null> {
    const wire = await this.search(phone);
    if (!wire) return null;
    this.remember(phone, wire.client.id);
    return toAccount(wire.client, phone);
  }

  /** Seed 003: `search` is "Телефон, карта или код клиента из приложения"; the card's client answers. */
  findCustomerByCard(card: string): Promise<Port.LoyaltyAccount | null> {
    return this.byOther(card);
  }

  /** The code from the customer's app, by the same `search`. */
  findCustomerByToken(code: string): Promise<Port.LoyaltyAccount | null> {
    return this.byOther(code);
  }

  /** A card or app code: the answer's `phone` is the customer's; one without a phone cannot be linked. */
  private async byOther(text: string): Promise<Port.LoyaltyAccount | null> {
    const wire = await this.search(text);
    const phone = wire?.client.phone?.replace(/\D/g, "");
    if (!wire || !phone) return null;
    this.remember(phone, wire.client.id);
    return toAccount(wire.client, phone);
  }

  private search(text: string) {
    return this.http.request({
      method: "POST",
      path: "integration/general/client",
      body: { search: text, point: this.opts.point },
      schema: clientWire,
      idempotent: true,
      nullWhen: "CUSTOMER_NOT_FOUND",
    });
  }

  async calculate(cart: Port.Cart): Promise<Port.Calculation> {
    const amount = cart.lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0);
    if (!cart.customer)
      return toCalculation(
        { ...cart, redeemPoints: 0 },
        { amount: 0, percent: 0, type: "cashback", spend: 0, earn: 0 },
      );
    const client = await this.clientId(cart.customer.phone);
    const wire = await this.http.request({
      method: "POST",
      path: "integration/general/recalc",
      body: { client, point: this.opts.point, amount: minorToJsonNumber(amount) },
      schema: recalcWire,
      idempotent: true,
    });
    return toCalculation(cart, wire.recalc);
  }

  async hold(req: Port.HoldRequest): Promise<Port.HoldReceipt> {
    const client = await this.clientId(req.customer.phone);
    const wire = await this.http.request({
      method: "POST",
      path: "integration/general/bonuses/hold",
      body: { client, point: this.opts.point, amount: req.points, duration: this.opts.holdMinutes },
      schema: heldWire,
      idempotent: false,
    });
    return { holdId: wire.held.id, points: req.points, expiresAt: new Date(wire.held.until * 1000) };
  }

  /** The vendor answers success even for a hold that no longer exists, so a release can be repeated. */
  async release(req: Port.ReleaseRequest): Promise<void> {
    // A hold whose id was never learnt cannot be named; LoyalClient's holds lapse within 30 minutes.
    if (!req.holdId) return;
    await this.http.request({
      method: "POST",
      path: "integration/general/bonuses/release",
      body: { id: req.holdId },
      schema: okWire,
      idempotent: true,
    });
  }

  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    const client = await this.clientId(req.customer.phone);
    const body = {
      client,
      point: this.opts.point,
      amount: minorToJsonNumber(req.cart.lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0)),
      spend: req.cart.redeemPoints,
      ...(req.holdId ? { hold: [req.holdId] } : {}),
    };
    const wire = await this.http.request({
      method: "POST",
      path: "integration/general/retail",
      body,
      schema: retailWire,
      idempotent: false,
    });
    return {
      reference: `${req.orderId}`,
      pointsRedeemed: wire.retail.spend == null ? 0 : decimalToPoints(wire.retail.spend),
      pointsEarned: wire.retail.earn == null ? 0 : decimalToPoints(wire.retail.earn),
    };
  }

  private async clientId(phone: string): Promise<string> {
    const known = this.clientIds.get(phone);
    if (known) return known;
    const account = await this.findCustomer({ phone });
    if (!account)
      throw new ProviderError("CUSTOMER_NOT_FOUND", "client not found", this.instanceId, { vendorCode: "client" });
    return account.externalId;
  }

  private remember(phone: string, id: string): void {
    if (this.clientIds.size >= 10_000) this.clientIds.delete(this.clientIds.keys().next().value!);
    this.clientIds.set(phone, id);
  }
}
