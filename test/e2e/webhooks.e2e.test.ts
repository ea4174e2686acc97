import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OrderByIdDocument } from "../../generated/graphql/graphql.ts";
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
});
