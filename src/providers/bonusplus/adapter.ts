import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { minorToJsonNumber } from "../../domain/money.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type * as Port from "../../domain/ports/loyalty-provider.port.ts";
import { lineExt, statusOf, toAccount, toCalcRequest, toCalculation, toCustomerBody } from "./mapper.ts";
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
    if (!cart.customer) {
      const anonymous = toCalculation({ ...cart, redeemPoints: 0 }, { maxDebitBonuses: 0, discount: [] });
      const reason = "BonusPlus prices the carts of known customers only; sign in to use a promo code";
      return {
        ...anonymous,
        coupons: (cart.coupons ?? []).map((code) => ({
          code,
          applied: false,
          reason,
          reasonCode: "CUSTOMER_REQUIRED" as const,
        })),
      };
    }
    const body = toCalcRequest({ ...cart, customer: cart.customer }, this.opts.store);
    try {
      const wire = await this.http.request({
        method: "PUT",
        path: "retail/calc",
        body,
        schema: calcWire,
        idempotent: true,
      });
      return toCalculation(cart, wire);
    } catch (error) {
      if (cart.redeemPoints > 0 && statusOf(error) === 412)
        throw await this.refusedDebit(cart.customer.phone, cart.redeemPoints, error as ProviderError);
      throw error;
    }
  }

  /**
   * A calculation with `bonusDebit` refused by a business rule (412). No document names the codes, but
   * the seed says what bounds a debit: `maxDebitBonuses`, "количество бонусов, которые можно списать на
   * данный заказ", and the customer record tells the rest. Debits denied (`bonusDebitDenided`) is
   * REDEEM_BLOCKED; more than `availableBonuses` is INSUFFICIENT_BONUSES; points off the customer's
   * `multiplicityDebitBonus` have no gateway code, so the vendor's refusal is passed on as it came
   * (PROVIDER_REJECTED with its code); anything else is over the order's maximum, REDEEM_LIMIT_EXCEEDED.
   */
  private async refusedDebit(phone: string, points: number, refusal: ProviderError): Promise<ProviderError> {
    const customer = await this.findCustomer({ phone });
    if (!customer)
      return new ProviderError("CUSTOMER_NOT_FOUND", "no such customer", this.instanceId, {
        vendorCode: refusal.vendorCode,
      });
    if (!customer.redeemBlocked && points <= customer.balance && points % customer.redeemMultiple !== 0) return refusal;
    const [code, why]: ["REDEEM_BLOCKED" | "INSUFFICIENT_BONUSES" | "REDEEM_LIMIT_EXCEEDED", string] =
      customer.redeemBlocked
        ? ["REDEEM_BLOCKED", "debits are denied for this customer"]
        : points > customer.balance
          ? ["INSUFFICIENT_BONUSES", `the customer has ${customer.balance} bonuses`]
          : ["REDEEM_LIMIT_EXCEEDED", "more than maxDebitBonuses allows on this order"];
    return new ProviderError(code, `${this.instanceId}: ${why}`, this.instanceId, { vendorCode: refusal.vendorCode });
  }

  /** A reserve refused by a business rule (412) can only be short of bonuses: the reserve names no order rule. */
  async hold(req: Port.HoldRequest): Promise<Port.HoldReceipt> {
    try {
      await this.reserve(req.customer.phone, req.orderId, req.points);
    } catch (error) {
      if (statusOf(error) !== 412) throw error;
      throw new ProviderError(
        "INSUFFICIENT_BONUSES",
        `${this.instanceId}: not enough bonuses to reserve ${req.points}`,
        this.instanceId,
        { vendorCode: (error as ProviderError).vendorCode },
      );
    }
    return { holdId: req.orderId, points: req.points, expiresAt: null };
  }

  async release(req: Port.ReleaseRequest): Promise<void> {
    await this.reserve(req.customer.phone, req.orderId, -req.points);
  }

  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    // Seed 001 2.3: "Заполняются те же поля, что и при калькуляции заказа", with the order's line ids.
    const body = {
      ...toCalcRequest({ ...req.cart, customer: req.customer }, this.opts.store, req.orderId),
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
      // "sum (сумма к возврату)" is measured like the line's own `sum`, "без учета скидок": the part
      // of the line's list amount being returned, which the gateway sends as `subtotal`.
      const body = { ext: lineExt(req.orderId, line.lineId), sum: minorToJsonNumber(line.subtotal) };
      await this.http.request({ method: "PUT", path: "retail/back", body, schema: anyBody, idempotent: false });
      refunded += line.amount;
    }
    return { reference: req.orderId, refunded };
  }

  /** `PUT /customer/{phone}/sendCode` (seed 001, 1.1) → 204. Not retried: each attempt is an SMS. */
  async sendCode(phone: string): Promise<void> {
    await this.http.request({
      method: "PUT",
      path: `customer/${encodeURIComponent(phone)}/sendCode`,
      schema: noContent,
      idempotent: false,
    });
  }

  /** `PUT /customer/{phone}/checkCode/{code}` → 204 when right; 412 when wrong (README.md, "Phone verification"). */
  async checkCode(phone: string, code: string): Promise<boolean> {
    try {
      await this.http.request({
        method: "PUT",
        path: `customer/${encodeURIComponent(phone)}/checkCode/${encodeURIComponent(code)}`,
        schema: noContent,
        idempotent: false,
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 412) return false;
      throw error;
    }
  }

  /**
   * `POST /customer` (seed 001, 1.1 and 2.1: "Если покупатель не найден в системе лояльности, тогда
   * необходимо его создать"). The seed names no fields, so only those of the customer record are sent
   * (`phone`, `person{fn, ln}`). A refusal for a phone the vendor knows already is not an error: the
   * record is read back. The answer's body is not documented; the account is read with `GET /customer`.
   */
  async registerCustomer(profile: Port.CustomerProfile): Promise<Port.LoyaltyAccount> {
    try {
      await this.http.request({
        method: "POST",
        path: "customer",
        body: toCustomerBody(profile),
        schema: anyBody,
        idempotent: false,
      });
    } catch (error) {
      if (!(error instanceof ProviderError) || error.code !== "PROVIDER_REJECTED") throw error;
      const existing = await this.findCustomer({ phone: profile.phone });
      if (!existing) throw error;
      return existing;
    }
    return this.readBack(profile.phone);
  }

  /** `PUT /customer` (seed 001, 1.3: "При редактировании данных покупателя ... PUT /customer"), the same fields. */
  async updateCustomer(customer: Port.CustomerQuery, profile: Port.CustomerProfile): Promise<Port.LoyaltyAccount> {
    await this.http.request({
      method: "PUT",
      path: "customer",
      body: toCustomerBody({ ...profile, phone: customer.phone }),
      schema: anyBody,
      idempotent: true,
    });
    return this.readBack(customer.phone);
  }

  private async readBack(phone: string): Promise<Port.LoyaltyAccount> {
    const account = await this.findCustomer({ phone });
    if (!account) throw new ProviderError("PROVIDER_REJECTED", "the customer was not kept", this.instanceId);
    return account;
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
