import { afterEach, describe, expect, it, vi } from "vitest";
import { sendWebhook } from "../support/webhooks.ts";
import { RETRY_RULES } from "../../src/domain/order-attention.ts";
import { CreateOrderDocument } from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer, pickup } from "../support/orders.ts";
import { sseEvents } from "../support/sse.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

/**
 * A shop over days, through the GraphQL API against the simulators: the poller keeps going past an
 * order it cannot follow, staff settle what waits for them, abandoned checkouts give their points back,
 * and the courier's outcome reaches the buyer. The gateway's clock (Date) is moved by the test.
 */
const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0", CHECKOUT_EXPIRY_SECONDS: "0" });
const posiflora = () => gw.t.gateway.simulators!.posiflora.handler;
const bonusplus = () => gw.t.gateway.simulators!.bonusplus.handler;
const bonusplusBooks = () => bonusplus().state;
const posifloraBooks = () => posiflora().state;

const webhook = (event: object) => sendWebhook(gw.t, "posiflora", event);

afterEach(() => vi.useRealTimers());

/** Moves the gateway's and the simulators' clock (they share the process's Date) by `ms`. */
function moveClock(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(Date.now() + ms));
}

async function florist(orderId: string, path: string, body: object) {
  const res = await posiflora()(
    new Request(`http://posiflora.sim/__sim/orders/${orderId}/${path}`, { method: "POST", body: JSON.stringify(body) }),
  );
  expect(res.status, await res.clone().text()).toBe(200);
}

async function gql(query: string, variables: Record<string, unknown> = {}, headers = asService()) {
  const body = await (await gw.t.post(query, variables, headers)).json();
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data;
}

const ATTENTION = `query A($shop: ID!) { ordersNeedingAttention(shopId: $shop) {
  __typename ... on QueryOrdersNeedingAttentionSuccess { data { orderId reason vendorStatus errorCode attempts nextRetryAt detail } } } }`;
const RESOLVE = `mutation R($id: ID!, $action: AttentionAction!, $note: String!) {
  resolveOrderAttention(orderId: $id, action: $action, note: $note) {
    __typename ... on MutationResolveOrderAttentionSuccess { data { reason settledAt settledBy note attempts } }
    ... on Error { code message } } }`;
const ORDER = `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data {
  status vendorStatus pointsHeld pointsEarned deliveryStatus deliveryStatusAt
  history { to cause event } } } } }`;

async function attention(shop: string) {
  return (await gql(ATTENTION, { shop })).ordersNeedingAttention.data as Array<{
    orderId: string;
    reason: string;
    vendorStatus: string | null;
    errorCode: string | null;
    attempts: number;
    nextRetryAt: string | null;
  }>;
}

const order = async (id: string) => (await gql(ORDER, { id })).order.data;

async function metric(name: string, label: string): Promise<number> {
  const text = await (await gw.t.gateway.yoga.fetch("http://gateway.test/metrics")).text();
  const row = text.split("\n").find((l) => l.startsWith(`${name}{${label}}`));
  return row ? Number(row.split(" ").at(-1)) : NaN;
}

describe("a poller that never stops", () => {
  it("isolates an order whose completion fails, moves on, retries it with back-off, and settles it", async () => {
    const shop = "demo-bonusplus";
    const a = await miniAppCustomer(gw.t, shop, "+79001234567");
    const stuck = a.ok(await a.create([line("rose-15", 1)]));
    a.ok(await a.confirm(stuck.id));
    const b = await miniAppCustomer(gw.t, shop, "+79007654321");
    const other = b.ok(await b.create([line("rose-15", 1)]));
    b.ok(await b.confirm(other.id));
    await gw.t.gateway.statusSync.runOnce();

    // The florist closes both; BonusPlus turns every sale away for a while (429: nothing was done).
    await florist(stuck.id, "status", { status: "done" });
    bonusplus().faults.add({ kind: "rateLimit", retryAfterSeconds: 0, path: "/retail", times: 100 });
    const first = await gw.t.gateway.statusSync.runOnce();
    expect(first.isolated).toBe(1);
    bonusplus().faults.clear();
    await florist(other.id, "status", { status: "assembled" });
    const second = await gw.t.gateway.statusSync.runOnce();
    // The cursor moved past the stuck order: the other buyer's order still moves.
    expect(second.isolated).toBe(0);
    expect((await order(other.id)).status).toBe("READY");
    expect((await order(stuck.id)).status).toBe("PLACED");

    const [record] = (await attention(shop)).filter((r) => r.orderId === stuck.id);
    expect(record).toMatchObject({ reason: "STATUS_FOLLOW_UP", vendorStatus: "done", attempts: 1 });
    expect(record!.errorCode).toBe("RATE_LIMITED");
    const due = Date.parse(record!.nextRetryAt!);
    expect(due - Date.now()).toBeGreaterThan((RETRY_RULES.firstSeconds - 5) * 1000);
    expect(await metric("lg_orders_attention", 'reason="STATUS_FOLLOW_UP"')).toBe(1);

    // Polls before the retry is due leave it alone; once the clock passes it, the retry goes through.
    await gw.t.gateway.statusSync.runOnce();
    expect((await order(stuck.id)).status).toBe("PLACED");
    moveClock(RETRY_RULES.firstSeconds * 1000 + 1000);
    await gw.t.gateway.statusSync.runOnce();
    expect((await order(stuck.id)).status).toBe("COMPLETED");
    expect((await attention(shop)).some((r) => r.orderId === stuck.id)).toBe(false);
    expect(await metric("lg_orders_attention", 'reason="STATUS_FOLLOW_UP"')).toBe(0);
    expect(await metric("lg_status_sync_lag_seconds", 'provider="demo-bonusplus-orders"')).toBeLessThan(5);
  });

  it("a failure no retry heals waits for staff: RETRY answers it again, MARK_SETTLED closes it for good", async () => {
    const shop = "demo-bonusplus";
    const c = await miniAppCustomer(gw.t, shop, "+79001234567");
    const o = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(o.id));
    await gw.t.gateway.statusSync.runOnce();
    await florist(o.id, "status", { status: "done" });
    // 412 is BonusPlus' business-rule refusal: PROVIDER_REJECTED, final.
    bonusplus().faults.add({ kind: "status", status: 412, path: "/retail", times: 100 });
    await gw.t.gateway.statusSync.runOnce();
    const [record] = (await attention(shop)).filter((r) => r.orderId === o.id);
    expect(record).toMatchObject({ reason: "STATUS_FOLLOW_UP", errorCode: "PROVIDER_REJECTED", nextRetryAt: null });

    const retried = (await gql(RESOLVE, { id: o.id, action: "RETRY", note: "tried after a call to BonusPlus" }))
      .resolveOrderAttention.data;
    expect(retried).toMatchObject([{ settledAt: null, attempts: 2 }]);

    const settled = (
      await gql(RESOLVE, { id: o.id, action: "MARK_SETTLED", note: "sale entered in BonusPlus by hand" })
    ).resolveOrderAttention.data;
    expect(settled).toMatchObject([{ settledBy: "demo-developer", note: "sale entered in BonusPlus by hand" }]);
    expect(settled[0].settledAt).not.toBeNull();
    // The settled report is not followed again: the next polls call BonusPlus no more.
    const before = bonusplus().requests.entries.filter((r) => r.path.includes("/retail")).length;
    await gw.t.gateway.statusSync.runOnce();
    expect(bonusplus().requests.entries.filter((r) => r.path.includes("/retail")).length).toBe(before);
    expect((await attention(shop)).filter((r) => r.orderId === o.id)).toEqual([]);

    const again = (await gql(RESOLVE, { id: o.id, action: "MARK_SETTLED", note: "twice" })).resolveOrderAttention;
    expect(again).toMatchObject({ code: "INVALID_STATE" });
  });

  it("staff only: a Mini App user cannot see or settle the queue", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const res = await (await gw.t.post(ATTENTION, { shop: "demo-bonusplus" }, c.headers)).json();
    expect(res.data?.ordersNeedingAttention ?? null).toBeNull();
    expect(JSON.stringify(res.errors)).toMatch(/FORBIDDEN|Not authorized/i);
  });

  it("a webhook whose status cannot be followed is taken in (202) and waits in the queue, not resent for ever", async () => {
    const shop = "demo-bonusplus";
    const c = await miniAppCustomer(gw.t, shop, "+79001234567");
    const o = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(o.id));
    bonusplus().faults.add({ kind: "status", status: 412, path: "/retail", times: 100 });
    const res = await webhook({ id: `evt-${o.id}`, type: "order.status", orderId: o.id, status: "done" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: true, attention: true });
    expect((await attention(shop)).find((r) => r.orderId === o.id)).toMatchObject({ vendorStatus: "done" });
  });
});

describe("checkouts that expire", () => {
  it("an abandoned checkout gives its BonusPlus reserve back and is CANCELLED with EXPIRED, told to subscribers", async () => {
    const shop = "demo-bonusplus";
    const phone = "+79001234567";
    const c = await miniAppCustomer(gw.t, shop, phone);
    const o = c.ok(await c.create([line("rose-15", 2)]));
    c.ok(await c.apply(o.id, 30));
    const reserved = () => bonusplusBooks().reserved("79001234567");
    expect(reserved()).toBe(30);
    const query = `subscription S($id: ID!) { orderStatusChanged(orderId: $id) { status history { event } } }`;
    const url = `http://gateway.test/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id: o.id }))}`;
    const controller = new AbortController();
    const stream = await gw.t.gateway.yoga.fetch(url, {
      headers: { accept: "text/event-stream", ...c.headers },
      signal: controller.signal,
    });
    const next = sseEvents(stream);
    expect((await next()).data.orderStatusChanged.status).toBe("BONUSES_HELD");

    // Not yet: 29 minutes on, the checkout lives.
    moveClock(29 * 60_000);
    expect(await gw.t.gateway.expiry.runOnce()).toMatchObject({ expired: 0 });
    expect((await order(o.id)).status).toBe("BONUSES_HELD");
    moveClock(2 * 60_000);
    // Two sweepers at once (two instances): one wins, the vendor is released once.
    const [x, y] = await Promise.all([gw.t.gateway.expiry.runOnce(), gw.t.gateway.expiry.runOnce()]);
    expect(x.expired + y.expired).toBe(1);
    const after = await order(o.id);
    expect(after).toMatchObject({ status: "CANCELLED", pointsHeld: 0 });
    expect(after.history.at(-1)).toMatchObject({ to: "CANCELLED", event: "EXPIRED" });
    let event = (await next()).data.orderStatusChanged;
    while (event.status !== "CANCELLED") event = (await next()).data.orderStatusChanged;
    expect(event.history.at(-1).event).toBe("EXPIRED");
    controller.abort();
    expect(reserved()).toBe(0);
    const releases = bonusplus().requests.entries.filter((r) => r.method === "PATCH" && r.path.includes("/reserve"));
    expect(releases.length).toBe(2); // the hold, then its one release
  });

  it("a Posiflora checkout's ledger hold stops counting, and an expiry that fails is recorded, then retried by the sweep", async () => {
    const shop = "demo-posiflora";
    const c = await miniAppCustomer(gw.t, shop, "+79001234567");
    const o = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(o.id, 20));
    expect((await order(o.id)).pointsHeld).toBe(20);
    // A placed order is never expired.
    const placed = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(placed.id));
    moveClock(31 * 60_000);
    expect(await gw.t.gateway.expiry.runOnce()).toMatchObject({ expired: 1, failed: 0 });
    expect(await order(o.id)).toMatchObject({ status: "CANCELLED", pointsHeld: 0 });
    expect((await order(placed.id)).status).toBe("PLACED");
  });

  it("an expiry the vendor refuses is left for staff with EXPIRY_FAILED and done by the next sweep", async () => {
    const shop = "demo-bonusplus";
    const c = await miniAppCustomer(gw.t, shop, "+79001234567");
    const o = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(o.id, 10));
    moveClock(31 * 60_000);
    bonusplus().faults.add({ kind: "status", status: 412, path: "/reserve", times: 1 });
    expect(await gw.t.gateway.expiry.runOnce()).toMatchObject({ failed: 1 });
    expect((await attention(shop)).find((r) => r.orderId === o.id)).toMatchObject({ reason: "EXPIRY_FAILED" });
    expect(await gw.t.gateway.expiry.runOnce()).toMatchObject({ expired: 1 });
    expect((await attention(shop)).some((r) => r.orderId === o.id)).toBe(false);
  });
});

describe("the whole delivery", () => {
  it("the courier's outcome reaches the order and its subscriber with its time", async () => {
    const shop = "demo-bonusplus";
    const c = await miniAppCustomer(gw.t, shop, "+79001234567");
    const input = {
      ...pickup(shop, [line("rose-15", 1)]),
      fulfilment: {
        kind: "DELIVERY",
        address: { city: "Москва", street: "Тверская", house: "1" },
        recipientName: "Анна",
        recipientPhone: "+79005556677",
      },
    };
    const created = await gw.t.run(CreateOrderDocument, { input, key: crypto.randomUUID() }, c.headers);
    const id = c.ok(created.data?.createOrder).id;
    c.ok(await c.confirm(id));
    await gw.t.gateway.statusSync.runOnce();
    // The courier app's PATCH /v1/orders/{id}/delivery-status, as the florist's side of the simulator.
    posifloraBooks().setDeliveryStatus(id, "cannotBeDelivered");
    await gw.t.gateway.statusSync.runOnce();
    const o = await order(id);
    expect(o).toMatchObject({ deliveryStatus: "NOT_DELIVERED", status: "PLACED" });
    expect(Date.parse(o.deliveryStatusAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(o.history.at(-1)).toMatchObject({ event: "NOT_DELIVERED" });
  });
});

describe("the order as the florist finished it", () => {
  const SOLD = `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data {
    status pointsRedeemed pointsEarned subtotal { amount } soldDifference { amount }
    lines { lineId productId quantity unitPrice { amount } } placedLines { productId quantity unitPrice { amount } }
    history { event } } } } }`;

  it("a BonusPlus sale is recorded on what was sold: a bouquet substituted and a price cut before completion", async () => {
    const shop = "demo-bonusplus";
    const c = await miniAppCustomer(gw.t, shop, "+79001234567");
    const o = c.ok(await c.create([line("rose-25", 1), line("rose-white-11", 1)]));
    c.ok(await c.apply(o.id, 100));
    c.ok(await c.confirm(o.id));
    await gw.t.gateway.statusSync.runOnce();
    // The florist is out of white roses: the white bouquet becomes peony roses, and the big one is sold 500 ₽ off.
    await florist(o.id, "lines", {
      lines: [
        { itemId: line("rose-25", 1).productId, qty: "1", price: "5000.00" },
        { itemId: line("rose-peony", 1).productId, qty: "1", price: "4200.00" },
      ],
    });
    await florist(o.id, "status", { status: "done" });
    await gw.t.gateway.statusSync.runOnce();

    const after = (await gql(SOLD, { id: o.id })).order.data;
    expect(after.status).toBe("COMPLETED");
    expect(after.placedLines).toEqual([
      { productId: line("rose-25", 1).productId, quantity: 1, unitPrice: { amount: 550_000 } },
      { productId: line("rose-white-11", 1).productId, quantity: 1, unitPrice: { amount: 290_000 } },
    ]);
    expect(after.lines.map((l: { productId: string }) => l.productId)).toEqual([
      line("rose-25", 1).productId,
      line("rose-peony", 1).productId,
    ]);
    expect(after.soldDifference.amount).toBe(500_000 + 420_000 - (550_000 + 290_000));
    expect(after.history.some((h: { event: string | null }) => h.event === "SOLD_AS_CHANGED")).toBe(true);
    // BonusPlus recorded the sale on the sold lines and their sums, with the points still spent.
    const sale = bonusplusBooks().retail.find((r) => r.externalId === o.id)!;
    const sums = sale.items.map((i) => i.sum).sort((a, b) => a - b);
    expect(sums).toEqual([420_000, 500_000]);
    expect(sale.debit).toBe(100);
    expect(after.pointsRedeemed).toBe(100);
    expect(after.pointsEarned).toBe(sale.earned);
  });

  it("a Posiflora sale recorded at placement: the order shows what was sold, Posiflora accrues on it, staff see SOLD_DIFFERS", async () => {
    const shop = "demo-posiflora";
    const c = await miniAppCustomer(gw.t, shop, "+79001234567");
    const o = c.ok(await c.create([line("rose-25", 2)]));
    // Points spent: the bonus payment is recorded at placement.
    c.ok(await c.apply(o.id, 40));
    c.ok(await c.confirm(o.id));
    await gw.t.gateway.statusSync.runOnce();
    await florist(o.id, "lines", { lines: [{ itemId: line("rose-25", 1).productId, qty: "1", price: "5500.00" }] });
    await florist(o.id, "status", { status: "done" });
    await gw.t.gateway.statusSync.runOnce();
    const after = (await gql(SOLD, { id: o.id })).order.data;
    expect(after).toMatchObject({ status: "COMPLETED", soldDifference: { amount: -550_000 } });
    expect(after.lines).toMatchObject([{ quantity: 1 }]);
    const [record] = (await attention(shop)).filter((r) => r.orderId === o.id);
    expect(record).toMatchObject({ reason: "SOLD_DIFFERS" });
    // Posiflora accrues at done on the order as it stands: the sold bouquet less the points paid.
    const vendor = posifloraBooks()
      .snapshot()
      .orders.find((x) => x.id === o.id)!;
    expect(vendor.totalAmount).toBe(550_000);
    expect(vendor.accrued).toBe(Math.floor(((550_000 - 40 * 100) * 10) / 100 / 100));
  });
});
