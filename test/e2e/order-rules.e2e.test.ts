import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ApplyBonusesDocument, CreateOrderDocument, OrderByIdDocument } from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer, pickup } from "../support/orders.ts";
import { count } from "../support/db.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();
const SHOP = "demo-bonusplus";
const bonusplus = () => gw.t.gateway.simulators!.bonusplus.handler;

const rows = (table: string) => count(gw.t.databaseUrl, table);

describe("order rules", () => {
  it.each([
    ["a negative quantity", line("rose", -1, 100), "input.lines.0.quantity"],
    ["a zero quantity", line("rose", 0, 100), "input.lines.0.quantity"],
    ["a price of 0", line("rose", 1, 0), "input.lines.0.unitPrice.amount"],
    [
      "a price of 10^9 minor units",
      { ...line("rose", 1, 1), unitPrice: { amount: 1_000_000_000, currency: "RUB" } },
      "input.lines.0.unitPrice.amount",
    ],
  ])("rejects %s with INVALID_INPUT and stores nothing", async (_name, bad, path) => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const before = await rows("Order");
    const res = await c.create([bad]);
    expect(res).toMatchObject({ __typename: "InvalidInputError", code: "INVALID_INPUT" });
    expect((res as { issues: Array<{ path: string }> }).issues.map((i) => i.path)).toContain(path);
    expect(await rows("Order")).toBe(before);
    expect(bonusplus().requests.entries).toHaveLength(0);
  });

  it("rejects a fractional quantity before anything runs", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const before = await rows("Order");
    const res = await gw.t.run(
      CreateOrderDocument,
      { input: pickup(SHOP, [{ ...line("rose", 1, 100), quantity: 1.5 }]), key: randomUUID() },
      c.headers,
    );
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(/Int cannot represent non-integer value: 1.5/);
    expect(await rows("Order")).toBe(before);
  });

  it("answers NOT_FOUND for an unknown order and for someone else's, changing nothing", async () => {
    const owner = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const stranger = await miniAppCustomer(gw.t, SHOP, "+79007654321");
    const order = owner.ok(await owner.create([line("rose", 1)]));
    bonusplus().requests.clear();
    expect(await stranger.apply(randomUUID(), 10)).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(await stranger.apply(order.id, 10)).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
    expect(await stranger.cancel(order.id)).toMatchObject({ __typename: "NotFoundError" });
    const read = await gw.t.run(OrderByIdDocument, { id: order.id }, stranger.headers);
    expect(read.data?.order).toMatchObject({ __typename: "NotFoundError" });
    expect(bonusplus().requests.entries).toHaveLength(0);
    const mine = await gw.t.run(OrderByIdDocument, { id: order.id }, owner.headers);
    expect(mine.data?.order).toMatchObject({
      __typename: "QueryOrderSuccess",
      data: { status: "CALCULATED", pointsHeld: 0 },
    });
  });

  it("rejects an order id that is not a UUID and negative points", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    expect(await c.apply("not-a-uuid", 10)).toMatchObject({ __typename: "InvalidInputError" });
    const order = c.ok(await c.create([line("rose", 1)]));
    expect(await c.apply(order.id, -5)).toMatchObject({ __typename: "InvalidInputError" });
  });

  it("refuses an illegal transition with INVALID_STATE and changes nothing", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const order = c.ok(await c.create([line("rose", 1)]));
    c.ok(await c.cancel(order.id));
    const before = await rows("OrderTransition");
    expect(await c.confirm(order.id)).toMatchObject({ __typename: "ConflictError", code: "INVALID_STATE" });
    expect(await c.apply(order.id, 10)).toMatchObject({ __typename: "ConflictError", code: "INVALID_STATE" });
    expect(await rows("OrderTransition")).toBe(before);
  });

  it("returns the first result for a repeated key, and IDEMPOTENCY_CONFLICT for the same key with other input", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const key = randomUUID();
    const before = await rows("Order");
    const first = c.ok(await c.create([line("rose", 1)], key));
    const again = c.ok(await c.create([line("rose", 1)], key));
    expect(again.id).toBe(first.id);
    expect(await rows("Order")).toBe(before + 1);
    expect(await c.create([line("rose", 2)], key)).toMatchObject({
      __typename: "ConflictError",
      code: "IDEMPOTENCY_CONFLICT",
    });
  });

  it("turns two concurrent identical requests into one provider operation", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const order = c.ok(await c.create([line("rose", 3)]));
    bonusplus().requests.clear();
    const key = randomUUID();
    const [a, b] = await Promise.all([
      gw.t.run(ApplyBonusesDocument, { orderId: order.id, points: 60, key }, c.headers),
      gw.t.run(ApplyBonusesDocument, { orderId: order.id, points: 60, key }, c.headers),
    ]);
    expect(c.ok(a.data?.applyBonuses).pointsHeld).toBe(60);
    expect(c.ok(b.data?.applyBonuses).id).toBe(order.id);
    expect(bonusplus().requests.count("PATCH", "/balance/reserve")).toBe(1);
    expect(await rows("LedgerEntry")).toBeGreaterThan(0);
  });

  it("a repeated key returns the first error too", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const order = c.ok(await c.create([line("tulip", 1)]));
    const key = randomUUID();
    const first = await c.apply(order.id, 999, key);
    expect(first).toMatchObject({ __typename: "LoyaltyRuleError" });
    expect(await c.apply(order.id, 999, key)).toEqual(first);
  });
});
