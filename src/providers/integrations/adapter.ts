import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type * as Port from "../../domain/ports/loyalty-provider.port.ts";
import { points, toAccount, toCalculation, toRubles } from "./mapper.ts";
import { type ActionWire, actionWire, bonusCalcWire, bonusWire, codeWire, refundWire } from "./wire.ts";

/** The documented codes with which `code` refuses a token (see findCustomerByToken). */
const TOKEN_REFUSED = new Set(["BadRequest", "ValidationFailed", "NotFound"]);

export const options = z.object({
  /** The outlet id at the loyalty platform; `bonus` needs an outlet, device or manager. */
  outletId: z.string().min(1),
});
export type Options = z.infer<typeof options>;

/**
 * The "Integrations" REST API: QR lookup (`code`), promotions (`calculate/action`), a dry run
 * (`calculate/bonus`), the purchase (`bonus`, deduplicated by `idempotency_key`) and `refund`.
 * It has no hold: the gateway keeps one in its ledger (capabilities.hold = LEDGER).
 */
export class IntegrationsAdapter implements Port.LoyaltyAdapter {
  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly opts: Options,
  ) {}

  /**
   * No documented call returns a profile for a phone, so a customer is found by phone only once their
   * QR token was linked and the gateway keeps their `id_client` (`customer.externalId`). Their account is
   * then the dry run of `calculate/bonus` (see `balance`): the points they can spend, and nothing the
   * dry run does not tell (no name, rates or tier). Without the id: UNSUPPORTED_BY_PROVIDER.
   */
  async findCustomer(query: Port.CustomerQuery): Promise<Port.LoyaltyAccount | null> {
    if (!query.externalId) {
      throw new ProviderError(
        "UNSUPPORTED_BY_PROVIDER",
        "this provider finds customers by QR token only (customerByQrToken, or linkMyLoyaltyToken)",
        this.instanceId,
      );
    }
    let spendable: number;
    try {
      spendable = await this.spendable(query.externalId);
    } catch (error) {
      if (error instanceof ProviderError && error.code === "CUSTOMER_NOT_FOUND") return null;
      throw error;
    }
    return {
      externalId: query.externalId,
      phone: query.phone,
      name: null,
      balance: spendable,
      pendingBalance: 0,
      tier: null,
      nextTier: null,
      amountToNextTier: null,
      earnRateBp: null,
      discountRateBp: null,
      maxRedeemRateBp: null,
      redeemBlocked: false,
      redeemMultiple: 1,
    };
  }

  /**
   * `code` checks a QR `user_token` and returns the client. A token it refuses as a bad request or not
   * found (`BadRequest`, `ValidationFailed`, `NotFound`: the seed's own list of codes; README.md:
   * "customer not found ... mostly 400") is a token no client has, so nobody is found. Decided by the
   * call, which has one field to check, not by the message.
   */
  async findCustomerByToken(token: string): Promise<Port.LoyaltyAccount | null> {
    try {
      const wire = await this.http.request({
        method: "POST",
        path: "code",
        body: { user_token: token },
        schema: codeWire,
        idempotent: true,
      });
      return toAccount(wire.client, null);
    } catch (error) {
      if (error instanceof ProviderError && TOKEN_REFUSED.has(error.vendorCode ?? "")) return null;
      throw error;
    }
  }

  async calculate(cart: Port.Cart): Promise<Port.Calculation> {
    const items = this.items(cart);
    if (!cart.customer) {
      return toCalculation(
        { ...cart, redeemPoints: 0 },
        { status: "ok", positions: [], info: [] },
        { status: "ok", max_pay_bonus: 0, bonus_value: 0, final_payable: 0 },
      );
    }
    const who = this.who(cart.customer);
    const actions = await this.promotions(who, items);
    const bonus = await this.http.request({
      method: "POST",
      path: "calculate/bonus",
      body: { ...who, outlet_id: this.opts.outletId, paid_bonus: cart.redeemPoints, items: positionsAsItems(actions) },
      schema: bonusCalcWire,
      idempotent: true,
    });
    return toCalculation(cart, actions, bonus);
  }

  /** `bonus`: the vendor deduplicates by `idempotency_key`, so this write is safe to retry. */
  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    if (!req.customer.externalId) {
      throw new ProviderError(
        "PROVIDER_REJECTED",
        "the customer must be identified by QR token before a purchase",
        this.instanceId,
        { vendorCode: "CLIENT_ID_REQUIRED" },
      );
    }
    // Promotions count at `bonus` only when their actions are passed, so the positions come from calculate/action.
    const actions = await this.promotions({ id_client: req.customer.externalId }, this.items(req.cart));
    const wire = await this.http.request({
      method: "POST",
      path: "bonus",
      body: {
        id_client: req.customer.externalId,
        idempotency_key: req.idempotencyKey,
        invoice_num: req.orderId,
        outlet_id: this.opts.outletId,
        paid_bonus: req.cart.redeemPoints,
        items: positionsAsItems(actions),
      },
      schema: bonusWire,
      idempotent: true,
    });
    return {
      reference: wire.order_id ?? req.orderId,
      pointsRedeemed: points(wire.redeem_applied),
      pointsEarned: points(wire.earn_applied),
    };
  }

  /**
   * `refund` cancels the whole purchase; a replay returns the stored result, so it is retried. What it
   * takes back is weighed by the domain first, against `balance` (the shop's refundShortfall policy).
   */
  async refund(req: Port.RefundRequest): Promise<Port.RefundReceipt> {
    if (req.lines)
      throw new ProviderError("UNSUPPORTED_BY_PROVIDER", "this provider refunds whole purchases only", this.instanceId);
    const wire = await this.http.request({
      method: "POST",
      path: "refund",
      body: { invoice_num: req.orderId, outlet_id: this.opts.outletId },
      schema: refundWire,
      idempotent: true,
    });
    return { reference: wire.order_id, refunded: null };
  }

  /**
   * No call reads a balance by `id_client` (`code` needs the QR token, which the gateway does not keep),
   * so a dry run of `calculate/bonus` over a cheque far larger than any balance tells the most that could
   * be spent: the balance, or 0 where redemptions are blocked (the defensive reading). Null without the
   * client's id.
   */
  async balance(customer: Port.CustomerQuery): Promise<number | null> {
    return customer.externalId ? this.spendable(customer.externalId) : null;
  }

  private async spendable(idClient: string): Promise<number> {
    const probe = await this.http.request({
      method: "POST",
      path: "calculate/bonus",
      body: { id_client: idClient, outlet_id: this.opts.outletId, total: 1_000_000 },
      schema: bonusCalcWire,
      idempotent: true,
    });
    return points(probe.max_pay_bonus);
  }

  private promotions(who: Record<string, string>, items: ReturnType<IntegrationsAdapter["items"]>) {
    return this.http.request({
      method: "POST",
      path: "calculate/action",
      body: { ...who, outlet_id: this.opts.outletId, items },
      schema: actionWire,
      idempotent: true,
    });
  }

  private who(customer: Port.CustomerQuery): Record<string, string> {
    return customer.externalId ? { id_client: customer.externalId } : { phone: `+${customer.phone}` };
  }

  private items(cart: Port.Cart) {
    return cart.lines.map((l) => ({
      id_product: l.productId,
      name: l.name ?? l.productId,
      qty: l.quantity,
      price: toRubles(this.instanceId, l.unitPrice),
    }));
  }
}

function positionsAsItems(actions: ActionWire) {
  return actions.positions.map((p) => ({
    id_product: p.id_product,
    qty: p.qty,
    price: p.price,
    actions: p.actions,
    action_names: p.actions_names,
  }));
}
