import { describe, expect, it } from "vitest";
import {
  CustomerByPhoneDocument,
  CustomerByQrTokenDocument,
  OrderByIdDocument,
} from "../../generated/graphql/graphql.ts";
import type { Simulator } from "../../src/simulators/registry.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();

interface Flow {
  shopId: string;
  adapter: "bonusplus" | "rkeeper" | "loyalclient" | "integrations" | "posiflora";
  phone: string;
  qr?: string;
  commitAt: "CONFIRM" | "COMPLETE";
  refund: "PARTIAL" | "FULL" | "NONE";
  /** The provider itself holds points (its balance drops at applyBonuses). */
  nativeHold: boolean;
  blocked?: { phone: string; qr?: string };
}

const FLOWS: Flow[] = [
  {
    shopId: "demo-bonusplus",
    adapter: "bonusplus",
    phone: "+79001234567",
    commitAt: "COMPLETE",
    refund: "PARTIAL",
    nativeHold: true,
    blocked: { phone: "+79000000003" },
  },
  {
    shopId: "demo-rkeeper",
    adapter: "rkeeper",
    phone: "+79001234567",
    commitAt: "COMPLETE",
    refund: "NONE",
    nativeHold: true,
  },
  {
    shopId: "demo-loyalclient",
    adapter: "loyalclient",
    phone: "+79001234567",
    commitAt: "COMPLETE",
    refund: "NONE",
    nativeHold: true,
    blocked: { phone: "+79000000003" },
  },
  {
    shopId: "demo-integrations",
    adapter: "integrations",
    phone: "+79001234567",
    qr: "qr-anna-501",
    commitAt: "COMPLETE",
    refund: "FULL",
    nativeHold: false,
    blocked: { phone: "+79000000003", qr: "qr-oleg-503" },
  },
  {
    shopId: "demo-posiflora",
    adapter: "posiflora",
    phone: "+79001234567",
    commitAt: "CONFIRM",
    refund: "FULL",
    nativeHold: false,
    blocked: { phone: "+79000000003" },
  },
];

const sim = (f: Flow): Simulator => gw.t.gateway.simulators![f.adapter].handler;

/** The balance as the gateway shows it. */
async function balance(f: Flow, phone = f.phone, qr = f.qr): Promise<number> {
  const res = qr
    ? (await gw.t.run(CustomerByQrTokenDocument, { shopId: f.shopId, token: qr }, asService())).data?.customerByQrToken
    : (await gw.t.run(CustomerByPhoneDocument, { shopId: f.shopId, phone }, asService())).data?.customer;
  const account = res && "data" in res ? res.data.loyalty[0] : undefined;
  if (account?.__typename !== "LoyaltyAccount") throw new Error(JSON.stringify(res));
  return account.balance;
}

/** Points the provider's own books say it accrued for this order. */
function earnedAtProvider(f: Flow, orderId: string): number {
  const s = sim(f).state.snapshot() as Record<string, any>;
  switch (f.adapter) {
    case "bonusplus":
      return (s.retail as any[]).filter((r) => r.externalId === orderId).reduce((a, r) => a + r.earned, 0);
    case "rkeeper":
      return (s.orders as any[])
        .filter((o) => o.id === orderId && o.status === "CLOSED")
        .reduce((a, o) => a + o.accrual, 0);
    case "loyalclient":
      return (s.retail as any[]).reduce((a, r) => a + r.earn, 0);
    case "integrations":
      return (s.bonuses as any[]).filter((b) => b.invoice_num === orderId).reduce((a, b) => a + b.earned, 0);
    case "posiflora":
      return (s.orders as any[]).filter((o) => o.id === orderId).reduce((a, o) => a + o.accrued, 0);
  }
}

const cart = [line("rose-15", 1), line("card", 2)];

describe.each(FLOWS)("orders through GraphQL: $adapter", (f) => {
  it("happy path: create, hold, confirm, complete; the balance matches the provider's books", async () => {
    const c = await miniAppCustomer(gw.t, f.shopId, f.phone, f.qr);
    const before = await balance(f);
    const created = c.ok(await c.create(cart));
    expect(created).toMatchObject({ status: "CALCULATED", redeemPoints: 0 });
    expect(created.subtotal.amount).toBe(380_000);

    const held = c.ok(await c.apply(created.id, 50));
    expect(held).toMatchObject({ status: "BONUSES_HELD", pointsHeld: 50, redeemPoints: 50 });
    expect(await balance(f)).toBe(f.nativeHold ? before - 50 : before);

    const placed = c.ok(await c.confirm(created.id));
    expect(placed.status).toBe("PLACED");
    if (f.commitAt === "CONFIRM") expect(placed).toMatchObject({ pointsRedeemed: 50, pointsHeld: 0 });
    else expect(placed).toMatchObject({ pointsRedeemed: 0, pointsHeld: 50 });
    if (f.adapter === "posiflora" || f.adapter === "bonusplus") expect(placed.providerRefs.orderReference).toBeTruthy();

    const done = await c.complete(created.id);
    expect(done).toMatchObject({
      __typename: "MutationCompleteOrderSuccess",
      data: { status: "COMPLETED", pointsRedeemed: 50 },
    });
    expect(done.data.providerRefs.loyaltyReference).toBeTruthy();
    expect(await balance(f)).toBe(before - 50 + earnedAtProvider(f, created.id));
    const read = await gw.t.run(OrderByIdDocument, { id: created.id }, c.headers);
    const history =
      read.data?.order.__typename === "QueryOrderSuccess" ? read.data.order.data.history.map((h) => h.to) : [];
    expect(history).toEqual(["CALCULATED", "BONUSES_HELD", "PLACED", "COMPLETED"]);
  });

  it("a changed cart releases the hold, recalculates and holds again", async () => {
    const c = await miniAppCustomer(gw.t, f.shopId, f.phone, f.qr);
    const before = await balance(f);
    const order = c.ok(await c.create(cart));
    c.ok(await c.apply(order.id, 40));
    const changed = c.ok(await c.update(order.id, [...cart, line("vase", 1)]));
    expect(changed).toMatchObject({ status: "BONUSES_HELD", pointsHeld: 40, redeemPoints: 40 });
    expect(changed.subtotal.amount).toBe(470_000);
    expect(changed.lines).toHaveLength(3);
    expect(await balance(f)).toBe(f.nativeHold ? before - 40 : before);
  });

  it("cancelling after the hold gives every point back", async () => {
    const c = await miniAppCustomer(gw.t, f.shopId, f.phone, f.qr);
    const before = await balance(f);
    const order = c.ok(await c.create(cart));
    c.ok(await c.apply(order.id, 30));
    const cancelled = c.ok(await c.cancel(order.id));
    expect(cancelled).toMatchObject({ status: "CANCELLED", pointsHeld: 0 });
    expect(await balance(f)).toBe(before);
    expect(await c.cancel(order.id)).toMatchObject({ __typename: "ConflictError", code: "INVALID_STATE" });
  });

  it(`refunds ${f.refund === "NONE" ? "are refused as unsupported" : "return the points"}`, async () => {
    const c = await miniAppCustomer(gw.t, f.shopId, f.phone, f.qr);
    const before = await balance(f);
    const order = c.ok(await c.create(cart));
    c.ok(await c.apply(order.id, 20));
    c.ok(await c.confirm(order.id));
    await c.complete(order.id);
    if (f.refund === "NONE") {
      expect(await c.refund(order.id)).toMatchObject({ __typename: "ProviderError", code: "UNSUPPORTED_BY_PROVIDER" });
      return;
    }
    if (f.refund === "PARTIAL") {
      const part = await c.refund(order.id, [{ lineId: "2", quantity: 1 }]);
      expect(part).toMatchObject({ __typename: "MutationRefundSuccess", data: { status: "PARTIALLY_REFUNDED" } });
      expect(part.data.refunded.amount).toBeGreaterThan(0);
    } else {
      expect(await c.refund(order.id, [{ lineId: "2", quantity: 1 }])).toMatchObject({
        __typename: "ProviderError",
        code: "UNSUPPORTED_BY_PROVIDER",
      });
    }
    const full = await c.refund(order.id);
    expect(full).toMatchObject({ __typename: "MutationRefundSuccess", data: { status: "REFUNDED" } });
    if (f.refund === "FULL") expect(await balance(f)).toBe(before);
  });

  it("refuses more points than allowed, without holding anything", async () => {
    const c = await miniAppCustomer(gw.t, f.shopId, f.phone, f.qr);
    const before = await balance(f);
    const order = c.ok(await c.create([line("tulip", 1)]));
    const res = await c.apply(order.id, 5_000);
    expect(res?.__typename).toBe("LoyaltyRuleError");
    expect(["REDEEM_LIMIT_EXCEEDED", "INSUFFICIENT_BONUSES"]).toContain((res as { code: string }).code);
    expect(await balance(f)).toBe(before);
    expect(c.ok(await c.confirm(order.id))).toMatchObject({ status: "PLACED", pointsHeld: 0 });
  });

  it.skipIf(!f.blocked)("refuses points for a customer whose redemptions are blocked", async () => {
    const c = await miniAppCustomer(gw.t, f.shopId, f.blocked!.phone, f.blocked!.qr);
    const order = c.ok(await c.create(cart));
    const res = await c.apply(order.id, 10);
    expect(res?.__typename).toBe("LoyaltyRuleError");
    expect(["REDEEM_BLOCKED", "REDEEM_LIMIT_EXCEEDED"]).toContain((res as { code: string }).code);
    expect((res as { maxRedeemablePoints: number }).maxRedeemablePoints).toBe(0);
  });
});
