import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { minorToJsonNumber } from "../../domain/money.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type * as Port from "../../domain/ports/loyalty-provider.port.ts";
import { toAccount, toCalcRequest, toCalculation } from "./mapper.ts";
import { anyBody, calcWire, customerWire, noContent, retailWire } from "./wire.ts";

export const options = z.object({
  /** The store's id or name in BonusPlus (seed 001, section 3). */
  store: z.string().min(1),
});
export type Options = z.infer<typeof options>;

export class BonusPlusAdapter implements Port.LoyaltyAdapter {
  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly opts: Options,
  ) {}

  async findCustomer({ phone }: Port.CustomerQuery): Promise<Port.LoyaltyAccount | null> {
    const wire = await this.http.request({
      method: "GET",
      path: "customer",
      query: { phone },
      schema: customerWire,
      idempotent: true,
      nullWhen: "CUSTOMER_NOT_FOUND",
    });
    return wire && toAccount(wire);
  }

  async calculate(cart: Port.Cart): Promise<Port.Calculation> {
    // BonusPlus requires a phone; an anonymous cart is priced without loyalty, as documented.
    if (!cart.customer) return toCalculation({ ...cart, redeemPoints: 0 }, { maxDebitBonuses: 0, discount: [] });
    const body = toCalcRequest({ ...cart, customer: cart.customer }, this.opts.store);
    const wire = await this.http.request({
      method: "PUT",
      path: "retail/calc",
      body,
      schema: calcWire,
      idempotent: true,
    });
    return toCalculation(cart, wire);
  }

  async hold(req: Port.HoldRequest): Promise<Port.HoldReceipt> {
    await this.reserve(req.customer.phone, req.orderId, req.points);
    return { holdId: req.orderId, points: req.points, expiresAt: null };
  }

  async release(req: Port.ReleaseRequest): Promise<void> {
    await this.reserve(req.customer.phone, req.orderId, -req.points);
  }

  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    const body = {
      ...toCalcRequest({ ...req.cart, customer: req.customer }, this.opts.store),
      externalId: req.orderId,
    };
    // POST /retail is not documented as deduplicated, so it is never retried here: the ledger decides.
    const wire = await this.http.request({
      method: "POST",
      path: "retail",
      body,
      schema: retailWire,
      idempotent: false,
    });
    return { reference: wire.id, pointsRedeemed: req.cart.redeemPoints, pointsEarned: 0 };
  }

  async refund(req: Port.RefundRequest): Promise<Port.RefundReceipt> {
    if (!req.lines) {
      throw new ProviderError(
        "UNSUPPORTED_BY_PROVIDER",
        "BonusPlus returns line by line; name the lines",
        this.instanceId,
      );
    }
    let refunded = 0;
    for (const line of req.lines) {
      const body = { ext: line.lineId, sum: minorToJsonNumber(line.amount) };
      await this.http.request({ method: "PUT", path: "retail/back", body, schema: anyBody, idempotent: false });
      refunded += line.amount;
    }
    return { reference: req.orderId, refunded };
  }

  readonly importBatchLimit = 100;

  /** `POST /product/import?store=…` (seed 001 §3.1): the store in the request's parameters, the products in the body. */
  async importProducts(products: Port.ProductExport[]): Promise<void> {
    const body = products.map((p) => ({
      product: p.id,
      name: p.name,
      cat: p.category,
      price: minorToJsonNumber(p.price),
    }));
    // An upsert by product id, so a repeat (a retry, a resumed sync) changes nothing.
    await this.http.request({
      method: "POST",
      path: "product/import",
      query: { store: this.opts.store },
      body,
      schema: anyBody,
      idempotent: true,
    });
  }

  /** A positive amount reserves, a negative one releases (`PATCH /customer/{phone}/balance/reserve`). */
  private async reserve(phone: string, orderId: string, amount: number): Promise<void> {
    await this.http.request({
      method: "PATCH",
      path: `customer/${encodeURIComponent(phone)}/balance/reserve`,
      body: { id: orderId, amount },
      schema: noContent,
      idempotent: false,
    });
  }
}
