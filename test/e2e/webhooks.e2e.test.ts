import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OrderByIdDocument } from "../../generated/graphql/graphql.ts";
import { createDb } from "../../src/persistence/db.ts";
import { WebhookEventRepository } from "../../src/persistence/webhook-event.repository.ts";
import { WEBHOOK_CLAIM_LEASE_MS } from "../../src/server/webhooks.ts";
import { sendWebhook } from "../support/webhooks.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0" });

const send = (provider: string, event: object, opts: { secret?: string; timestamp?: number } = {}) =>
  sendWebhook(gw.t, provider, event, opts);

describe("POST /webhooks/:provider", () => {
  it("feeds a signed status event to the order, once per event id", async () => {
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    const event = { id: randomUUID(), type: "order.status", orderId: order.id, status: "courier" };

    const first = await send("posiflora", event);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ accepted: true, order: { status: "IN_DELIVERY" } });
    const again = await send("posiflora", event);
    expect(await again.json()).toEqual({ duplicate: true });

    const read = await gw.t.run(OrderByIdDocument, { id: order.id }, c.headers);
    if (read.data?.order.__typename !== "QueryOrderSuccess") throw new Error(JSON.stringify(read));
    const syncs = read.data.order.data.history.filter((h) => h.cause.startsWith("sync: posiflora-webhook"));
    expect(syncs).toHaveLength(1);
    expect(read.data.order.data).toMatchObject({ status: "IN_DELIVERY", vendorStatus: "courier" });
  });

  it("touches only the orders of its own provider's order system", async () => {
    const c = await miniAppCustomer(gw.t, "demo-rkeeper", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    const res = await send("posiflora", { id: randomUUID(), type: "order.status", orderId: order.id, status: "done" });
    expect(await res.json()).toMatchObject({ accepted: true, order: null });
    const read = await gw.t.run(OrderByIdDocument, { id: order.id }, c.headers);
    expect(read.data?.order).toMatchObject({ data: { status: "PLACED" } });
  });

  it("rejects a bad signature, a stale timestamp, an unknown provider and a malformed event, changing nothing", async () => {
    const event = { id: randomUUID(), type: "order.status", orderId: randomUUID(), status: "done" };
    expect((await send("posiflora", event, { secret: "wrong-secret-wrong-secret" })).status).toBe(401);
    expect((await send("posiflora", event, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    expect((await send("nobody", event)).status).toBe(404);
    expect((await send("posiflora", { id: "x", type: "something" })).status).toBe(400);
    const unknownOrder = await send("posiflora", event);
    expect(await unknownOrder.json()).toMatchObject({ accepted: true, order: null });
  });

  describe("an event counts as taken in only once it was processed", () => {
    afterEach(() => vi.useRealTimers());
    /** The gateway's clock (the webhook's claims and signatures read Date), moved on. */
    const moveClock = (ms: number) => {
      vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
      vi.setSystemTime(new Date(Date.now() + ms));
    };
    const historyOf = async (c: Awaited<ReturnType<typeof miniAppCustomer>>, id: string) => {
      const read = await gw.t.run(OrderByIdDocument, { id }, c.headers);
      if (read.data?.order.__typename !== "QueryOrderSuccess") throw new Error(JSON.stringify(read));
      return read.data.order.data;
    };

    it("a claim left by a process killed before it was done: 503 while fresh, processed once after the lease", async () => {
      const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
      const order = c.ok(await c.create([line("rose-15", 1)]));
      c.ok(await c.confirm(order.id));
      const event = { id: randomUUID(), type: "order.status", orderId: order.id, status: "courier" };

      // Another instance on the same database claimed the event and was killed before it was done.
      const other = await createDb(gw.t.databaseUrl);
      try {
        const claim = await new WebhookEventRepository(other).claim(
          `posiflora:${event.id}`,
          WEBHOOK_CLAIM_LEASE_MS,
          new Date(),
        );
        expect(claim.kind).toBe("taken");
      } finally {
        await other.$disconnect();
      }

      moveClock(WEBHOOK_CLAIM_LEASE_MS / 2);
      const fresh = await send("posiflora", event);
      expect(fresh.status).toBe(503);
      expect(await historyOf(c, order.id)).toMatchObject({ status: "PLACED" });

      moveClock(WEBHOOK_CLAIM_LEASE_MS / 2 + 1_000);
      const redelivered = await send("posiflora", event);
      expect(redelivered.status).toBe(202);
      expect(await redelivered.json()).toMatchObject({ accepted: true, order: { status: "IN_DELIVERY" } });
      expect(await (await send("posiflora", event)).json()).toEqual({ duplicate: true });

      const data = await historyOf(c, order.id);
      expect(data.history.filter((h) => h.cause.startsWith("sync: posiflora-webhook"))).toHaveLength(1);
    });

    it("concurrent deliveries of one event: one processes it, the others answer 503", async () => {
      const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
      const order = c.ok(await c.create([line("rose-15", 1)]));
      c.ok(await c.confirm(order.id));
      const event = { id: randomUUID(), type: "order.status", orderId: order.id, status: "courier" };
      const answers = await Promise.all([1, 2, 3, 4].map(() => send("posiflora", event)));
      const statuses = answers.map((a) => a.status);
      // One was processed (202); each of the others met its claim in progress (503) or done (200).
      expect(statuses.filter((s) => s === 202)).toHaveLength(1);
      expect(statuses.every((s) => [200, 202, 503].includes(s))).toBe(true);
      const data = await historyOf(c, order.id);
      expect(data.history.filter((h) => h.cause.startsWith("sync: posiflora-webhook"))).toHaveLength(1);
    });
  });
});
