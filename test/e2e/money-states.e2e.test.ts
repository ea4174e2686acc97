import { describe, expect, it } from "vitest";
import { OrderByIdDocument } from "../../generated/graphql/graphql.ts";
import { DEMO_GROUPS } from "../../src/simulators/posiflora/state.ts";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { sseEvents } from "../support/sse.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

/**
 * The money states tell the truth: what was paid and given back, one balance event for each change of
 * the customer's points at the provider, and the points earned as the provider accrues them.
 */
const gw = useDemoGateway();
const sims = () => gw.t.gateway.simulators!;

/** The customer's balance events, and a way to see that no other came within a while. */
async function balanceEvents(shopId: string, headers: Record<string, string>) {
  const query = `subscription B($s: ID!) { loyaltyBalanceChanged(shopId: $s) { loyalty { ... on LoyaltyAccount { balance } } } }`;
  const res = await gw.t.gateway.yoga.fetch(
    `http://gateway.test/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ s: shopId }))}`,
    { headers: { accept: "text/event-stream", ...headers } },
  );
  const next = sseEvents(res);
  // Events are read as they come and queued, so one that arrives while nobody waits is kept for the next read.
  const queue: any[] = [];
  const waiting: Array<(e: any) => void> = [];
  void (async () => {
    for (;;) {
      const event = await next().catch(() => null);
      if (!event) return;
      const waiter = waiting.shift();
      if (waiter) waiter(event);
      else queue.push(event);
    }
  })();
  const take = () =>
    queue.length ? Promise.resolve(queue.shift()) : new Promise<any>((resolve) => waiting.push(resolve));
  const balance = async () => (await take()).data.loyaltyBalanceChanged.loyalty[0].balance as number;
  /** True when no event arrives within `ms`: the last change was announced once. */
  const quiet = async (ms = 300) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return queue.length === 0;
  };
  // The current balance comes first; then a moment for the stream's subscription to reach Redis, where a
  // run has one (an event published before it is there is not this stream's).
  const start = await balance();
  await quiet(300);
  return { start, balance, quiet };
}

describe("paymentState", () => {
  it("is UNPAID once a whole refund gave everything back, and PAID while part of it is kept", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1), line("rose", 1)]));
    c.ok(await c.apply(order.id, 20));
    c.ok(await c.confirm(order.id));
    await c.complete(order.id);
    const read = async () => ((await gw.t.run(OrderByIdDocument, { id: order.id }, c.headers)).data?.order as any).data;
    expect((await read()).paymentState).toBe("PAID");
    const lines = (await read()).lines as Array<{ lineId: string }>;
    expect(await c.refund(order.id, [{ lineId: lines[0]!.lineId, quantity: 1 }])).toMatchObject({
      data: { status: "PARTIALLY_REFUNDED" },
    });
    expect((await read()).paymentState).toBe("PAID");
    expect(await c.refund(order.id)).toMatchObject({ data: { status: "REFUNDED" } });
    expect((await read()).paymentState).toBe("UNPAID");
  });
});

describe("loyaltyBalanceChanged, once for every change of the customer's points at the provider", () => {
  it("BonusPlus: the reserve, then the purchase at completion, each announced once", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const events = await balanceEvents("demo-bonusplus", c.headers);
    const { start } = events;
    const order = c.ok(await c.create([line("rose-15", 1)]));
    expect(await events.quiet()).toBe(true);
    c.ok(await c.apply(order.id, 30));
    expect(await events.balance()).toBe(start - 30);
    expect(await events.quiet()).toBe(true);
    c.ok(await c.confirm(order.id));
    expect(await events.quiet()).toBe(true);
    const done = await c.complete(order.id);
    const earned = done.data.pointsEarned as number;
    expect(await events.balance()).toBe(start - 30 + earned);
    expect(await events.quiet()).toBe(true);
  });

  it("Posiflora: a cancel that gives the spent points back is announced", async () => {
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const events = await balanceEvents("demo-posiflora", c.headers);
    const { start } = events;
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 25));
    c.ok(await c.confirm(order.id));
    expect(await events.balance()).toBe(start - 25);
    expect(await events.quiet()).toBe(true);
    c.ok(await c.cancel(order.id));
    expect(await events.balance()).toBe(start);
    expect(await events.quiet()).toBe(true);
  });
});

describe("points earned", () => {
  it("r_keeper: after a partial redemption, the order's figure is what r_keeper accrues on the money part", async () => {
    const c = await miniAppCustomer(gw.t, "demo-rkeeper", "+79001234567");
    const order = c.ok(await c.create([line("hot-1", 2, 500)]));
    expect(order.maxRedeemablePoints).toBeGreaterThan(40);
    const held = c.ok(await c.apply(order.id, 40));
    c.ok(await c.confirm(order.id));
    const done = await c.complete(order.id);
    const accrued = sims().rkeeper.handler.state.orders.get(order.id)!.accrual;
    expect(accrued).toBeGreaterThan(0);
    expect(held.pointsEarned).toBe(accrued);
    expect(done.data.pointsEarned).toBe(accrued);
  });

  /** The Posiflora order made done by the florist, and the done followed by the status sync. */
  async function doneInPosiflora(orderId: string) {
    const moved = await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/posiflora/orders/${orderId}/status`, {
      method: "POST",
      body: JSON.stringify({ status: "done" }),
    });
    expect(moved.status).toBe(200);
    await gw.t.gateway.statusSync.runOnce();
  }
  /** Anna's balance in Posiflora's own books. */
  const posifloraBalance = () => sims().posiflora.handler.state.search("79001234567")[0]!.currentPoints;

  it.each([0, 40])(
    "Posiflora, %i points redeemed: the estimate until done, then what Posiflora accrued, though its rate changed",
    async (points) => {
      const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
      const created = c.ok(await c.create([line("rose-15", 1)]));
      if (points > 0) c.ok(await c.apply(created.id, points));
      const placed = c.ok(await c.confirm(created.id));
      // The bonus group's 10% on what is paid in money, in whole points: the gateway's estimate.
      const estimate = Math.floor((created.subtotal.amount - points * 100) / 1000);
      expect(placed.pointsEarned).toBe(estimate);
      // Staff halve the group's rate after the order was priced: Posiflora accrues at the new one.
      const group = sims().posiflora.handler.state.groups.get(DEMO_GROUPS[0]!.id)!;
      group.bonusRate = DEMO_GROUPS[0]!.bonusRate / 2;
      const before = posifloraBalance();
      await doneInPosiflora(created.id);
      const accrued = posifloraBalance() - before;
      expect(accrued).toBe(Math.floor(estimate / 2));
      const read = await gw.t.run(OrderByIdDocument, { id: created.id }, c.headers);
      expect((read.data?.order as any).data).toMatchObject({
        status: "COMPLETED",
        pointsRedeemed: points,
        pointsEarned: accrued,
      });
    },
  );

  it("Posiflora: points redeemed and the florist sold a cheaper bouquet; the order shows what Posiflora accrued", async () => {
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const created = c.ok(await c.create([line("rose-25", 1)]));
    c.ok(await c.apply(created.id, 40));
    const placed = c.ok(await c.confirm(created.id));
    expect(placed.pointsEarned).toBe(Math.floor((created.subtotal.amount - 4000) / 1000));
    // The sale was recorded at placement (the bonus payment), so the gateway keeps the placed lines'
    // calculation; Posiflora accrues at done on the bouquet sold, less the points paid.
    const edited = await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/posiflora/orders/${created.id}/lines`, {
      method: "POST",
      body: JSON.stringify({ lines: [{ itemId: demoItemId("rose-15"), qty: "1.00", price: "3500.00" }] }),
    });
    expect(edited.status).toBe(200);
    const before = posifloraBalance();
    await doneInPosiflora(created.id);
    const accrued = posifloraBalance() - before;
    expect(accrued).toBe(Math.floor((350_000 - 4000) / 1000));
    const read = await gw.t.run(OrderByIdDocument, { id: created.id }, c.headers);
    expect((read.data?.order as any).data).toMatchObject({ status: "COMPLETED", pointsEarned: accrued });
  });
});
