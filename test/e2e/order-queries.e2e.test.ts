import { sql } from "../support/db.ts";
import { describe, expect, it } from "vitest";
import { MyOrdersDocument } from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();

describe("myOrders", () => {
  it("pages through the viewer's own orders, newest first, and shows no one else's", async () => {
    const me = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const other = await miniAppCustomer(gw.t, "demo-bonusplus", "+79007654321");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(me.ok(await me.create([line("rose", 1 + i)])).id);
    other.ok(await other.create([line("tulip", 5)]));

    const page1 = await gw.t.run(MyOrdersDocument, { shopId: "demo-bonusplus", first: 2 }, me.headers);
    if (page1.data?.myOrders.__typename !== "QueryMyOrdersSuccess") throw new Error(JSON.stringify(page1));
    const p1 = page1.data.myOrders.data;
    expect(p1.edges.map((e) => e.node.id)).toEqual([ids[2], ids[1]]);
    expect(p1.pageInfo.hasNextPage).toBe(true);

    const page2 = await gw.t.run(
      MyOrdersDocument,
      { shopId: "demo-bonusplus", first: 2, after: p1.pageInfo.endCursor },
      me.headers,
    );
    if (page2.data?.myOrders.__typename !== "QueryMyOrdersSuccess") throw new Error(JSON.stringify(page2));
    expect(page2.data.myOrders.data.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(page2.data.myOrders.data.pageInfo.hasNextPage).toBe(false);

    const bad = await gw.t.run(MyOrdersDocument, { shopId: "demo-bonusplus", after: "garbage" }, me.headers);
    expect(bad.data?.myOrders).toMatchObject({ __typename: "InvalidInputError" });
  });
});

describe("an expired hold", () => {
  async function heldOrder() {
    const c = await miniAppCustomer(gw.t, "demo-loyalclient", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 100));
    // Time passes: the vendor's hold runs out, and so does the gateway's record of it.
    const state = gw.t.gateway.simulators!.loyalclient.handler.state;
    for (const hold of state.holds.values()) hold.until = 0;
    await sql(
      gw.t.databaseUrl,
      `update "Order" set "holdExpiresAt" = ? where "id" = ?`,
      new Date(Date.now() - 60_000).toISOString(),
      order.id,
    );
    return { c, order, state };
  }

  it("is held again at confirmation when the points are still there", async () => {
    const { c, order } = await heldOrder();
    const placed = c.ok(await c.confirm(order.id));
    expect(placed).toMatchObject({ status: "PLACED", pointsHeld: 100, pointsRedeemed: 0 });
    // LoyalClient records the sale at completion, and makes the hold again right before it.
    const done = await c.complete(order.id);
    expect(done).toMatchObject({ data: { status: "COMPLETED", pointsRedeemed: 100 } });
    const kinds = await sql<{ kind: string }>(
      gw.t.databaseUrl,
      `select "kind" from "LedgerEntry" where "orderId" = ? and "state" = 'SUCCEEDED' order by "createdAt"`,
      order.id,
    );
    expect(kinds.map((k) => k.kind)).toEqual(["HOLD", "RELEASE", "HOLD", "RELEASE", "HOLD", "COMMIT"]);
  });

  it("answers HOLD_EXPIRED when the points are gone, and the order goes back to CALCULATED", async () => {
    const { c, order, state } = await heldOrder();
    state.clients.get("c-1001")!.balance = 10;
    expect(await c.confirm(order.id)).toMatchObject({ __typename: "ConflictError", code: "HOLD_EXPIRED" });
    const again = c.ok(await c.apply(order.id, 0));
    expect(again).toMatchObject({ status: "CALCULATED", pointsHeld: 0 });
  });
});
