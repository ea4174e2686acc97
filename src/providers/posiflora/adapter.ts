import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type * as Port from "../../domain/ports/loyalty-provider.port.ts";
import { calculateByRules, type GroupRules, phoneMatches, stableId, toAccount, toRules } from "./mapper.ts";
import { createWithOwnId } from "./client.ts";
import { fullPhone, PosifloraCustomers } from "./customers.ts";
import { decimalToPoints } from "../../domain/money.ts";
import {
  anyDocument,
  bonusGroupWire,
  bonusHistoryWire,
  changedCustomersWire,
  type CustomerResource,
  JSON_API,
  orderWire,
  PAGE_SIZE,
} from "./wire.ts";

/** Bonus-history line ids are numbers in the example ("1", "2"): "10" comes after "9". */
const LINE_ORDER = new Intl.Collator("en", { numeric: true });

export const options = z.object({
  /** How long bonus-group rules are cached; they change rarely and every calculation needs them. */
  rulesTtlSeconds: z.number().int().min(0).max(86_400).default(300),
  /** The bonus group a customer registered through the gateway joins; without it they earn nothing until staff assign one. */
  newCustomerBonusGroupId: z.string().min(1).optional(),
  /** The country code Posiflora stores phones under (`countryCode` beside the local `phone`). */
  countryCode: z.number().int().min(1).max(999).default(7),
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
  private readonly customers: PosifloraCustomers;

  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly opts: Options,
  ) {
    this.customers = new PosifloraCustomers(http, opts.countryCode);
  }

  async findCustomer({ phone }: Port.CustomerQuery): Promise<Port.LoyaltyAccount | null> {
    const found = await this.customer(phone);
    return found && toAccount(found.customer, phone, found.rules);
  }

  /** `search` matches bonus cards too; the customer whose `bonusCard` is exactly this one is kept. */
  async findCustomerByCard(card: string): Promise<Port.LoyaltyAccount | null> {
    const wire = await this.customers.search(card, "bonusGroup");
    const customer = wire.data.find(
      (c) =>
        c.attributes.status !== "deleted" && c.attributes.bonusCard?.trim().toLowerCase() === card.trim().toLowerCase(),
    );
    if (!customer) return null;
    return toAccount(customer, fullPhone(customer), await this.groupRules(customer, wire.included));
  }

  /** `POST /v1/customers` with the phone and name, in the configured bonus group; a customer who exists is kept. */
  async registerCustomer(profile: Port.CustomerProfile): Promise<Port.LoyaltyAccount> {
    await this.customers.ensure(profile.phone, profile.name, this.opts.newCustomerBonusGroupId);
    return this.mustFind(profile.phone);
  }

  /** `PATCH /v1/customers/{id}` with the new `title`. */
  async updateCustomer(query: Port.CustomerQuery, profile: Port.CustomerProfile): Promise<Port.LoyaltyAccount> {
    const found = await this.customers.byPhone(query.phone);
    if (!found) throw new ProviderError("CUSTOMER_NOT_FOUND", "no Posiflora customer with this phone", this.instanceId);
    await this.customers.rename(found, profile.name);
    return this.mustFind(query.phone);
  }

  /**
   * `GET /v1/customers?filter[updatedAt][from]=<date>`, a page at a time. The filter is a date (the
   * operation declares `format: date`), read in a time zone the document does not name, so the day
   * before `since` is asked for and the customers changed at or after `since` are kept by their own
   * `updatedAt`. `since` is required: a first look without one would list every customer.
   */
  async changedCustomers(since: string | null, page: number): Promise<Port.ChangedCustomers> {
    const from = Date.parse(since ?? "");
    if (Number.isNaN(from)) throw new Error(`changedCustomers needs a time to start from, not ${since}`);
    const day = new Date(from - 86_400_000).toISOString().slice(0, 10);
    const wire = await this.http.request({
      method: "GET",
      path: "v1/customers",
      query: { "filter[updatedAt][from]": day, "page[number]": page, "page[size]": PAGE_SIZE },
      schema: changedCustomersWire,
      idempotent: true,
    });
    const customers = wire.data
      .filter((c) => Date.parse(c.attributes.updatedAt) >= from && c.attributes.status !== "deleted")
      .map((c) => ({
        externalId: c.id,
        phone: fullPhone(c),
        balance: c.attributes.currentPoints == null ? 0 : decimalToPoints(c.attributes.currentPoints),
        updatedAt: c.attributes.updatedAt,
      }));
    const last = wire.meta?.page?.last;
    return { customers, next: (last != null ? page < last : wire.data.length === PAGE_SIZE) ? page + 1 : null };
  }

  /**
   * `GET /v1/customers/{id}/bonus-history`: signed `amount`s with `admin` ("Added by admin") and the
   * order they belong to. The operation declares no paging parameter, so the lines it answers with are
   * all the gateway can read.
   */
  async pointsHistory(query: Port.CustomerQuery): Promise<Port.ProviderPointsEntry[] | null> {
    const id = query.externalId ?? (await this.customers.byPhone(query.phone))?.id;
    if (!id) return null;
    return (await this.bonusHistory(id)).data
      .map((line) => {
        const orderRef = line.relationships?.order?.data?.id ?? null;
        return {
          id: line.id,
          points: decimalToPoints(line.attributes.amount),
          at: new Date(line.attributes.createdAt),
          reason: line.attributes.admin ? "changed by the shop's staff" : orderRef ? "an order" : null,
          orderRef,
        };
      })
      .sort((a, b) => b.at.getTime() - a.at.getTime() || LINE_ORDER.compare(b.id, a.id));
  }

  /**
   * What Posiflora accrued on a done order, read from its books, since the payment that spends points
   * accrues nothing (`commit` earns 0). The order (`GET /v1/orders/{id}`) names the customer it accrues
   * to (`relationships.customer`); the lines of their bonus history that name the order and add points
   * are the accrual. Before `done`, the only line that adds points to an order is a bonus payment given
   * back, and the gateway gives one back only when it cancels the order, which is then never completed.
   * `null` (the calculation's estimate stays) where the order is not `done`, say returned before the
   * gateway followed it, or where no line shows an accrual: nothing in the documents says Posiflora
   * accrues at the moment of `done` rather than some time after.
   */
  async earnedPoints(query: Port.EarnedPointsQuery): Promise<number | null> {
    const path = `v1/orders/${encodeURIComponent(query.orderId)}`;
    const order = (await this.http.request({ method: "GET", path, schema: orderWire, idempotent: true })).data;
    if (order.attributes.status !== "done") return null;
    const customerId = order.relationships?.customer?.data?.id;
    // An order without a customer has no one to accrue to.
    if (!customerId) return 0;
    const added = (await this.bonusHistory(customerId)).data
      .filter((line) => line.relationships?.order?.data?.id === query.orderId)
      .map((line) => decimalToPoints(line.attributes.amount))
      .filter((points) => points > 0);
    return added.length ? added.reduce((a, b) => a + b, 0) : null;
  }

  /** `GET /v1/customers/{id}/bonus-history`: every line it answers (the operation declares no paging). */
  private bonusHistory(customerId: string) {
    return this.http.request({
      method: "GET",
      path: `v1/customers/${encodeURIComponent(customerId)}/bonus-history`,
      schema: bonusHistoryWire,
      idempotent: true,
    });
  }

  private async mustFind(phone: string): Promise<Port.LoyaltyAccount> {
    const account = await this.findCustomer({ phone });
    if (!account) throw new ProviderError("PROVIDER_REJECTED", "Posiflora did not keep the customer", this.instanceId);
    return account;
  }

  async calculate(cart: Port.Cart): Promise<Port.Calculation> {
    const found = cart.customer ? await this.customer(cart.customer.phone) : null;
    if (cart.customer && !found)
      throw new ProviderError("CUSTOMER_NOT_FOUND", "no Posiflora customer with this phone", this.instanceId, {
        vendorCode: "NOT_FOUND",
      });
    const account = found ? toAccount(found.customer, cart.customer!.phone, found.rules) : null;
    const rules = found?.rules ?? { title: null, earnBp: 0, redeemBp: 0 };
    const calculation = calculateByRules(cart, account?.redeemBlocked ? 0 : (account?.balance ?? 0), rules);
    return account ? { ...calculation, balance: account.balance } : calculation;
  }

  /**
   * Pays the order's points as a bonus payment (`bonusAmount`, and `amount: 0`: no money was paid; the
   * customer pays the rest at pickup or delivery, and the shop records that payment itself). The order
   * must exist in Posiflora: the order provider creates it. The payment id is derived from the
   * idempotency key. A repeat is refused with 409 Conflict, JSON:API's answer to a create whose
   * client-generated id exists; the order is then read back, and the payment counts as made when the
   * order lists it. Posiflora accrues points itself when the order is done.
   */
  async commit(req: Port.CommitRequest): Promise<Port.CommitReceipt> {
    const id = stableId(req.idempotencyKey);
    const body = {
      data: {
        type: "order-payments",
        id,
        attributes: {
          paymentType: "payment",
          amount: 0,
          bonusAmount: req.cart.redeemPoints,
          description: "Оплата бонусами",
        },
      },
    };
    const path = `v1/orders/${encodeURIComponent(req.orderId)}`;
    const existed = await createWithOwnId(this.http, `${path}/payments`, body);
    if (existed) {
      // Made by an earlier attempt whose answer was lost: the order shows it.
      const order = await this.http.request({ method: "GET", path, schema: orderWire, idempotent: true });
      if (!order.data.relationships?.payments?.data?.some((p) => p.id === id)) throw existed;
    }
    return { reference: id, pointsRedeemed: req.cart.redeemPoints, pointsEarned: 0 };
  }

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
      await createWithOwnId(this.http, `${path}/payments`, body);
    }
    return { reference: id, refunded: null };
  }

  private async customer(phone: string) {
    const wire = await this.customers.search(phone, "bonusGroup");
    const customer = wire.data.find((c) => c.attributes.status !== "deleted" && phoneMatches(c, phone));
    if (!customer) return null;
    return { customer, rules: await this.groupRules(customer, wire.included) };
  }

  private async groupRules(
    customer: CustomerResource,
    included: Array<{ type: string; id: string }> | null | undefined,
  ) {
    const groupId = customer.relationships?.bonusGroup?.data?.id;
    const group = included?.find((r) => r.type === "bonus-groups" && r.id === groupId);
    return groupId ? this.rules(groupId, group) : toRules(null);
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
