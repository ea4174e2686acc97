import { describe, expect, it } from "vitest";
import { CustomerByPhoneDocument, OrderByIdDocument } from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { sseEvents as events } from "../support/sse.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0" });
const SHOP = "demo-bonusplus";

async function moveInPosiflora(orderId: string, status: string) {
  const sim = gw.t.gateway.simulators!.posiflora.handler;
  const res = await sim(
    new Request(`http://posiflora.sim/__sim/orders/${orderId}/status`, {
      method: "POST",
      body: JSON.stringify({ status }),
    }),
  );
  expect(res.status).toBe(200);
}

describe("order status from Posiflora to a subscriber", () => {
  it("streams the current state, then each synced status over SSE; completion commits the held points", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 50));
    c.ok(await c.confirm(order.id));

    const query = `subscription S($id: ID!) { orderStatusChanged(orderId: $id) { id status vendorStatus pointsRedeemed } }`;
    const url = `http://gateway.test/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id: order.id }))}`;
    const controller = new AbortController();
    const res = await gw.t.gateway.yoga.fetch(url, {
      headers: { accept: "text/event-stream", ...c.headers },
      signal: controller.signal,
    });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const next = events(res);

    expect((await next()).data.orderStatusChanged).toMatchObject({
      id: order.id,
      status: "PLACED",
      vendorStatus: "new",
    });

    await moveInPosiflora(order.id, "assembled");
    await gw.t.gateway.statusSync.runOnce();
    expect((await next()).data.orderStatusChanged).toMatchObject({ status: "READY", vendorStatus: "assembled" });

    const before = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79001234567" }, asService());
    await moveInPosiflora(order.id, "done");
    await gw.t.gateway.statusSync.runOnce();
    let done = (await next()).data.orderStatusChanged;
    while (done.vendorStatus !== "done") done = (await next()).data.orderStatusChanged;
    expect(done).toMatchObject({ status: "COMPLETED", pointsRedeemed: 50 });
    const after = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79001234567" }, asService());
    const balance = (r: typeof before) =>
      r.data?.customer.__typename === "QueryCustomerSuccess" &&
      r.data.customer.data.loyalty[0]?.__typename === "LoyaltyAccount"
        ? r.data.customer.data.loyalty[0].balance
        : NaN;
    // The reserve became a sale: the 50 held points are spent, and the earned points accrued.
    expect(balance(after)).toBeGreaterThan(balance(before));

    // Seeing the same change again changes nothing.
    expect(await gw.t.gateway.statusSync.runOnce()).toMatchObject({ seen: expect.any(Number) });
    controller.abort();
  });

  it("refuses a subscription to someone else's order", async () => {
    const owner = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const other = await miniAppCustomer(gw.t, SHOP, "+79007654321");
    const order = owner.ok(await owner.create([line("rose", 1)]));
    const query = `subscription S($id: ID!) { orderStatusChanged(orderId: $id) { id status } }`;
    const url = `http://gateway.test/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id: order.id }))}`;
    const res = await gw.t.gateway.yoga.fetch(url, { headers: { accept: "text/event-stream", ...other.headers } });
    const first = await events(res)();
    expect(first.errors[0].extensions.code).toBe("NOT_FOUND");
  });
});

describe("the viewer's streams", () => {
  const sse = (query: string, variables: object, headers: Record<string, string>) =>
    gw.t.gateway.yoga.fetch(
      `http://gateway.test/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(variables))}`,
      { headers: { accept: "text/event-stream", ...headers } },
    );

  it("loyaltyBalanceChanged sends the balance now and after a purchase; myOrderUpdates sends the order", async () => {
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const balances = events(
      await sse(
        `subscription B($s: ID!) { loyaltyBalanceChanged(shopId: $s) { phone loyalty { ... on LoyaltyAccount { balance } } } }`,
        { s: "demo-posiflora" },
        c.headers,
      ),
    );
    const orders = events(
      await sse(
        `subscription O($s: ID!) { myOrderUpdates(shopId: $s) { id status pointsRedeemed } }`,
        { s: "demo-posiflora" },
        c.headers,
      ),
    );
    const first = (await balances()).data.loyaltyBalanceChanged;
    expect(first.phone).toBe("79001234567");
    const before = first.loyalty[0].balance as number;

    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 40));
    c.ok(await c.confirm(order.id));
    // Posiflora's points are spent at confirmation (a bonus payment): the stream shows the new balance.
    expect((await balances()).data.loyaltyBalanceChanged.loyalty[0].balance).toBe(before - 40);
    let update = (await orders()).data.myOrderUpdates;
    while (update.status !== "PLACED") update = (await orders()).data.myOrderUpdates;
    expect(update).toMatchObject({ id: order.id, status: "PLACED", pointsRedeemed: 40 });

    // Posiflora accrues by itself when the florist marks the order done: the stream shows that too.
    const moved = await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/posiflora/orders/${order.id}/status`, {
      method: "POST",
      body: JSON.stringify({ status: "done" }),
    });
    expect(moved.status).toBe(200);
    await gw.t.gateway.statusSync.runOnce();
    const accrued = (await balances()).data.loyaltyBalanceChanged.loyalty[0].balance as number;
    expect(accrued).toBeGreaterThan(before - 40);
  });
});

describe("status sync rules", () => {
  it("follows a cancellation in Posiflora: the held points are released", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 25));
    c.ok(await c.confirm(order.id));
    const reserves = () => gw.t.gateway.simulators!.bonusplus.handler.state.reserved("79001234567");
    expect(reserves()).toBe(25);
    // Through the demo gateway's own door to its simulators, as a developer would use it.
    const moved = await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/posiflora/orders/${order.id}/status`, {
      method: "POST",
      body: JSON.stringify({ status: "canceled" }),
    });
    expect(moved.status).toBe(200);
    await gw.t.gateway.statusSync.runOnce();
    const read = await gw.t.run(OrderByIdDocument, { id: order.id }, c.headers);
    expect(read.data?.order).toMatchObject({ data: { status: "CANCELLED", vendorStatus: "canceled", pointsHeld: 0 } });
    expect(reserves()).toBe(0);
  });

  it("follows a return in Posiflora after completion: the purchase is refunded at the loyalty provider", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 30));
    c.ok(await c.confirm(order.id));
    for (const status of ["done", "returned"]) {
      await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/posiflora/orders/${order.id}/status`, {
        method: "POST",
        body: JSON.stringify({ status }),
      });
      await gw.t.gateway.statusSync.runOnce();
    }
    const read = await gw.t.run(OrderByIdDocument, { id: order.id }, c.headers);
    expect(read.data?.order).toMatchObject({ data: { status: "REFUNDED", vendorStatus: "returned" } });
    const state = gw.t.gateway.simulators!.bonusplus.handler.state;
    const sale = state.retail.find((r) => r.externalId === order.id)!;
    expect(Object.keys(sale.returned)).toEqual([`${order.id}_1`]);
  });

  it("backs off from a failing order system, then catches up", async () => {
    const posiflora = gw.t.gateway.simulators!.posiflora.handler;
    posiflora.faults.add({ kind: "status", status: 500, path: "/api/v1/orders", times: 10 });
    posiflora.requests.clear();
    await gw.t.gateway.statusSync.runOnce();
    const afterFailure = posiflora.requests.count("GET", "/api/v1/orders");
    expect(afterFailure).toBeGreaterThan(0);
    await gw.t.gateway.statusSync.runOnce(); // skipped: backing off
    expect(posiflora.requests.count("GET", "/api/v1/orders")).toBe(afterFailure);
    posiflora.faults.clear();
    await gw.t.gateway.statusSync.runOnce(); // one skipped interval after the first failure, then it polls again
    expect(posiflora.requests.count("GET", "/api/v1/orders")).toBeGreaterThan(afterFailure);
  });
});
