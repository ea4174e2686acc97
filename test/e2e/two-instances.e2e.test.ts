import { randomUUID } from "node:crypto";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhook } from "../../src/auth/webhook-signature.ts";
import { tmaHeader } from "../support/init-data.ts";
import { spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";
import { sseEvents } from "../support/sse.ts";
import { DEMO_KEY } from "../support/test-gateway.ts";

const PG = process.env.TEST_DATABASE_URL;
const REDIS = process.env.REDIS_URL;

/**
 * Two gateway processes on one PostgreSQL and one Redis (started by scripts/services.sh): a client
 * subscribed on instance A receives, exactly once, a status change that instance B took in.
 */
describe.skipIf(!PG || !REDIS)("two gateway instances on PostgreSQL and Redis", () => {
  let a: SpawnedGateway;
  let b: SpawnedGateway;

  beforeAll(async () => {
    const url = new URL(PG!);
    url.pathname = `/lg_two_${process.pid}_${Date.now()}`;
    const env = { DATABASE_URL: url.toString(), REDIS_URL: REDIS!, STATUS_SYNC_SECONDS: "0" };
    a = await spawnGateway({ ...env, MIGRATE_ON_START: "true" }); // creates and migrates the database
    b = await spawnGateway({ ...env, MIGRATE_ON_START: "false" });
  }, 90_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const post = async (gw: SpawnedGateway, query: string, headers: Record<string, string>) =>
    (
      await fetch(`${gw.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query }),
      })
    ).json();

  const hook = (gw: SpawnedGateway, orderId: string, status: string) => {
    const body = JSON.stringify({ id: randomUUID(), type: "order.status", orderId, status });
    const ts = Math.floor(Date.now() / 1000);
    return fetch(`${gw.url}/webhooks/posiflora`, {
      method: "POST",
      headers: {
        "x-webhook-timestamp": String(ts),
        "x-webhook-signature": signWebhook("demo-webhook-secret-000", ts, body),
      },
      body,
    });
  };

  it("delivers a change taken in by B to A's subscriber exactly once, and measures the latency", async () => {
    const userId = 990_001;
    const me = tmaHeader(userId);
    await post(
      a,
      `mutation { linkTelegramUser(input: { shopId: "demo-posiflora", phone: "+79001234567", telegramUserId: "${userId}" }) { __typename } }`,
      { authorization: `Bearer ${DEMO_KEY}` },
    );
    const created = await post(
      a,
      `mutation { createOrder(idempotencyKey: "two-create-1", input: { shopId: "demo-posiflora", lines: [{ productId: "${demoItemId("rose-15")}", quantity: 1, unitPrice: { amount: 350000, currency: "RUB" } }], fulfilment: { kind: "PICKUP", storeId: "store-1" }, contact: { name: "Two" } }) { ... on MutationCreateOrderSuccess { data { id } } } }`,
      me,
    );
    const orderId = created.data.createOrder.data.id as string;
    await post(
      a,
      `mutation { confirmOrder(orderId: "${orderId}", idempotencyKey: "two-confirm-1") { __typename } }`,
      me,
    );

    const query = `subscription { orderStatusChanged(orderId: "${orderId}") { status vendorStatus } }`;
    const controller = new AbortController();
    const res = await fetch(`${a.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { accept: "text/event-stream", ...me },
      signal: controller.signal,
    });
    const next = sseEvents(res);
    expect((await next()).data.orderStatusChanged).toEqual({ status: "PLACED", vendorStatus: "new" });

    // One change through B: A's subscriber sees it once.
    expect((await hook(b, orderId, "assembled")).status).toBe(202);
    expect((await next()).data.orderStatusChanged).toEqual({ status: "READY", vendorStatus: "assembled" });

    // 100 more changes through B, timed from the webhook to A's subscriber; each arrives once, in order.
    const latencies: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      expect((await hook(b, orderId, `probe-${i}`)).status).toBe(202);
      const event = (await next()).data.orderStatusChanged;
      latencies.push(performance.now() - t0);
      expect(event).toEqual({ status: "READY", vendorStatus: `probe-${i}` });
    }
    controller.abort();
    latencies.sort((x, y) => x - y);
    const p = (q: number) => +latencies[Math.floor((latencies.length - 1) * q)]!.toFixed(1);
    process.stdout.write(
      `TWO INSTANCES ${JSON.stringify({ changes: latencies.length, p50Ms: p(0.5), p99Ms: p(0.99), maxMs: p(1) })}\n`,
    );
  }, 120_000);
});
