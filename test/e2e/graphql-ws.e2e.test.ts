import { copyFileSync, mkdtempSync } from "node:fs";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { signWebhook } from "../../src/auth/webhook-signature.ts";
import { tmaHeader } from "../support/init-data.ts";
import { spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";
import { DEMO_KEY } from "../support/test-gateway.ts";

let gw: SpawnedGateway;

beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-ws-")), "gateway.db");
  copyFileSync(inject("templateDb"), file);
  gw = await spawnGateway({ DATABASE_URL: `file:${file}`, MIGRATE_ON_START: "false", STATUS_SYNC_SECONDS: "0" });
}, 60_000);
afterAll(() => gw.stop());

const post = async (query: string, variables: object, headers: Record<string, string>) =>
  (
    await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
    })
  ).json();

/** Collects a subscription's results as they arrive. */
function subscribe(authorization: string, query: string, variables: Record<string, unknown>) {
  const client = createClient({
    url: `${gw.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
  });
  const received: any[] = [];
  const waiters: Array<() => void> = [];
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        received.push(value);
        waiters.splice(0).forEach((w) => w());
      },
      error: (error) => {
        received.push({ errors: [error] });
        waiters.splice(0).forEach((w) => w());
      },
      complete: () => {},
    },
  );
  const nth = async (n: number) => {
    while (received.length < n) await new Promise<void>((r) => waiters.push(r));
    return received[n - 1];
  };
  return {
    nth,
    close: () => {
      dispose();
      return client.dispose();
    },
  };
}

describe("subscriptions over graphql-ws", () => {
  it("streams an order's status to its owner, fed by a signed webhook", async () => {
    const userId = 880_001;
    const me = tmaHeader(userId);
    await post(
      `mutation L($i: LinkTelegramUserInput!) { linkTelegramUser(input: $i) { __typename } }`,
      { i: { shopId: "demo-posiflora", phone: "+79001234567", telegramUserId: String(userId) } },
      { authorization: `Bearer ${DEMO_KEY}` },
    );
    const created = await post(
      `mutation { createOrder(idempotencyKey: "ws-create-1", input: { shopId: "demo-posiflora", lines: [{ productId: "${demoItemId("rose-15")}", quantity: 1, unitPrice: { amount: 350000, currency: "RUB" } }], fulfilment: { kind: "PICKUP", storeId: "store-1" }, contact: { name: "WS" } }) { ... on MutationCreateOrderSuccess { data { id } } } }`,
      {},
      me,
    );
    const orderId = created.data.createOrder.data.id;
    await post(
      `mutation C($o: ID!) { confirmOrder(orderId: $o, idempotencyKey: "ws-confirm-1") { __typename } }`,
      { o: orderId },
      me,
    );

    const sub = subscribe(
      me.authorization!,
      `subscription S($id: ID!) { orderStatusChanged(orderId: $id) { status vendorStatus } }`,
      { id: orderId },
    );
    expect((await sub.nth(1)).data.orderStatusChanged).toEqual({ status: "PLACED", vendorStatus: "new" });

    const body = JSON.stringify({ id: randomUUID(), type: "order.status", orderId, status: "courier" });
    const ts = Math.floor(Date.now() / 1000);
    const hook = await fetch(`${gw.url}/webhooks/posiflora`, {
      method: "POST",
      headers: {
        "x-webhook-timestamp": String(ts),
        "x-webhook-signature": signWebhook("demo-webhook-secret-000", ts, body),
      },
      body,
    });
    expect(hook.status).toBe(202);
    expect((await sub.nth(2)).data.orderStatusChanged).toEqual({ status: "IN_DELIVERY", vendorStatus: "courier" });
    await sub.close();
  });

  it("refuses a forged initData on the socket", async () => {
    const forged = tmaHeader(880_002).authorization!.replace("user880002", "user880003");
    const sub = subscribe(forged, `subscription S($id: ID!) { orderStatusChanged(orderId: $id) { status } }`, {
      id: randomUUID(),
    });
    const first = await sub.nth(1);
    expect(JSON.stringify(first)).toMatch(/UNAUTHENTICATED|initData/);
    await sub.close();
  });
});
