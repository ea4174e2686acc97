import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { minorToJsonNumber } from "../../domain/money.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type * as Port from "../../domain/ports/loyalty-provider.port.ts";
import {
  calculateByRules,
  type GroupRules,
  isConflict,
  phoneMatches,
  POINT_VALUE_MINOR,
  stableId,
  toAccount,
  toRules,
} from "./mapper.ts";
import { anyDocument, bonusGroupWire, customersWire, JSON_API, orderWire } from "./wire.ts";

export const options = z.object({
  /** How long bonus-group rules are cached; they change rarely and every calculation needs them. */
  rulesTtlSeconds: z.number().int().min(0).max(86_400).default(300),
});
export type Options = z.infer<typeof options>;

/**
 * Posiflora as a loyalty provider: balances from the customer (`currentPoints`), rules from the
 * customer's bonus group, spending as an order payment with `bonusAmount`, and the order's return.
 * It has no hold (the gateway keeps one in its ledger) and no calculation endpoint (the group's rules
 * are applied here).
 */
export class PosifloraLoyaltyAdapter implements Port.LoyaltyAdapter {
  private readonly groups = new Map<string, { rules: GroupRules; until: number }>();

  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly opts: Options,
  ) {}

  async findCustomer({ phone }: Port.CustomerQuery): Promise<Port.LoyaltyAccount | null> {
    const found = await this.customer(phone);
    return found && toAccount(found.customer, phone, found.rules);
  }

  async calculate(cart: Port.Cart): Promise<Port.Calculation> {
    const found = cart.customer ? await this.customer(cart.customer.phone) : null;
    if (cart.customer && !found)
      throw new ProviderError(
        "CUSTOMER_NOT_FOUND",
        "no Posiflora customer with this phone",
        this.instanceId,
        "NOT_FOUND",
      );
    const account = found ? toAccount(found.customer, cart.customer!.phone, found.rules) : null;
    const rules = found?.rules ?? { title: null, earnBp: 0, redeemBp: 0 };
    const calculation = calculateByRules(cart, account?.redeemBlocked ? 0 : (account?.balance ?? 0), rules);
    return account ? { ...calculation, balance: account.balance } : calculation;
  }

  /**
   * Pays the order's points as a payment with `bonusAmount` (the order must exist in Posiflora: the order
   * provider creates it). The payment id is derived from the idempotency key. A repeat is refused with
   * 409 Conflict, JSON:API's answer to a create whose client-generated id exists; the order is then read
   * back, and the payment counts as made when the order lists it. Posiflora accrues points itself when
   * the order is done.
   */
  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    const id = stableId(req.idempotencyKey);
    const payable = req.cart.lines.reduce((a, l) => a + l.unitPrice * l.quantity - (l.shopDiscount ?? 0), 0);
    const body = {
      data: {
        type: "order-payments",
        id,
        attributes: {
          paymentType: "payment",
          amount: minorToJsonNumber(payable - req.cart.redeemPoints * POINT_VALUE_MINOR),
          bonusAmount: req.cart.redeemPoints,
          prepayment: true,
        },
      },
    };
    try {
      await this.http.request({
        method: "POST",
        path: `v1/orders/${encodeURIComponent(req.orderId)}/payments`,
        body,
        schema: anyDocument,
        idempotent: true,
        contentType: JSON_API,
      });
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Made by an earlier attempt whose answer was lost: the order shows it.
      const order = await this.http.request({
        method: "GET",
        path: `v1/orders/${encodeURIComponent(req.orderId)}`,
        schema: orderWire,
        idempotent: true,
      });
      if (!order.data.relationships?.payments?.data?.some((p) => p.id === id)) throw error;
    }
    return { reference: id, pointsRedeemed: req.cart.redeemPoints, pointsEarned: 0 };
  }

  /** `PATCH /v1/orders/{id}/return`: the whole order; Posiflora gives the spent points back. Repeating it is harmless. */
  /**
   * A done order is returned (`PATCH /v1/orders/{id}/return`: spent points come back, accrued ones go);
   * an order not done yet has its bonus payment reversed by a `return` payment of the same points, and
   * the order system then cancels it. A returned order, or a repeated reversal (409), is already done.
   */
  async refund(req: Port.RefundRequest): Promise<Port.RefundReceipt> {
    if (req.lines)
      throw new ProviderError("UNSUPPORTED_BY_PROVIDER", "Posiflora returns whole orders only", this.instanceId);
    const path = `v1/orders/${encodeURIComponent(req.orderId)}`;
    const status = (await this.http.request({ method: "GET", path, schema: orderWire, idempotent: true })).data
      .attributes.status;
    if (status === "returned") return { reference: req.orderId, refunded: null };
    if (status === "done") {
      const body = {
        data: {
          type: "orders",
          id: req.orderId,
          attributes: { returnedAt: new Date().toISOString(), withWriteOff: false },
        },
      };
      await this.http.request({
        method: "PATCH",
        path: `${path}/return`,
        body,
        schema: anyDocument,
        idempotent: true,
        contentType: JSON_API,
      });
      return { reference: req.orderId, refunded: null };
    }
    if (req.pointsRedeemed === undefined) {
      throw new ProviderError(
        "PROVIDER_REJECTED",
        "a reversal before the order is done needs the points spent",
        this.instanceId,
      );
    }
    const id = stableId(req.idempotencyKey);
    if (req.pointsRedeemed > 0) {
      const body = {
        data: {
          type: "order-payments",
          id,
          attributes: { paymentType: "return", amount: 0, bonusAmount: req.pointsRedeemed },
        },
      };
      try {
        await this.http.request({
          method: "POST",
          path: `${path}/payments`,
          body,
          schema: anyDocument,
          idempotent: true,
          contentType: JSON_API,
        });
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    return { reference: id, refunded: null };
  }

  private async customer(phone: string) {
    const wire = await this.http.request({
      method: "GET",
      path: "v1/customers",
      query: { search: phone, include: "bonusGroup" },
      schema: customersWire,
      idempotent: true,
    });
    const customer = wire.data.find((c) => c.attributes.status !== "deleted" && phoneMatches(c, phone));
    if (!customer) return null;
    const groupId = customer.relationships?.bonusGroup?.data?.id;
    const included = wire.included?.find((r) => r.type === "bonus-groups" && r.id === groupId);
    return { customer, rules: groupId ? await this.rules(groupId, included) : toRules(null) };
  }

  private async rules(groupId: string, included: unknown): Promise<GroupRules> {
    const cached = this.groups.get(groupId);
    if (cached && cached.until > Date.now()) return cached.rules;
    const parsed = bonusGroupWire.shape.data.safeParse(included);
    const group = parsed.success
      ? parsed.data
      : (
          await this.http.request({
            method: "GET",
            path: `v1/bonus-groups/${encodeURIComponent(groupId)}`,
            schema: bonusGroupWire,
            idempotent: true,
          })
        ).data;
    const rules = toRules(group);
    this.groups.set(groupId, { rules, until: Date.now() + this.opts.rulesTtlSeconds * 1000 });
    return rules;
  }
}
