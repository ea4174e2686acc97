import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import WebSocket from "ws";
import { signWebhook } from "../../src/auth/webhook-signature.ts";
import { ERROR_CODES } from "../../src/domain/errors.ts";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { sql } from "../support/db.ts";
import { tmaHeader } from "../support/init-data.ts";
import { spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";
import { COMPLETE_ORDER } from "../support/staff-operations.ts";
import { DEMO_KEY } from "../support/test-gateway.ts";
import {
  startThrowawayPostgres,
  startThrowawayRedis,
  throwawayServicesMissing,
  type ThrowawayPostgres,
  type ThrowawayRedis,
} from "../support/throwaway-services.ts";

/**
 * PostgreSQL, then Redis, stopped for a few seconds and started again on the same port while buyers keep
 * checking out through a real gateway process. Runs in the PostgreSQL pass of .ci/run (TEST_DATABASE_URL
 * set), on servers of its own: the shared ones of scripts/services.sh are never stopped.
 */
const skipReason = !process.env.TEST_DATABASE_URL
  ? "TEST_DATABASE_URL is not set: this runs in the PostgreSQL + Redis pass"
  : throwawayServicesMissing();

const SHOP = "demo-bonusplus";
const PHONE = "+79001234567";
const SUBSCRIBER_PHONE = "+79007654321";
const REQUEST_TIMEOUT_MS = 8_000;
/** No answer may take longer than the gateway's own request deadline and this much more. */
const DEADLINE_MS = REQUEST_TIMEOUT_MS + 2_000;
const OUTAGE_MS = 4_000;
const BUYERS = 4;
const FINAL = ["COMPLETED", "CANCELLED", "REFUNDED", "PARTIALLY_REFUNDED"];
const TYPED = new Set<string>([...ERROR_CODES, "REQUEST_TIMEOUT"]);

const CREATE = `mutation C($input: CreateOrderInput!, $key: String!) {
  createOrder(input: $input, idempotencyKey: $key) {
    __typename ... on MutationCreateOrderSuccess { data { id status } } ... on Error { code message } } }`;
const APPLY = `mutation A($orderId: ID!, $points: Int!, $key: String!) {
  applyBonuses(orderId: $orderId, points: $points, idempotencyKey: $key) {
    __typename ... on MutationApplyBonusesSuccess { data { id status } } ... on Error { code message } } }`;
const CONFIRM = `mutation F($orderId: ID!, $key: String!) {
  confirmOrder(orderId: $orderId, idempotencyKey: $key) {
    __typename ... on MutationConfirmOrderSuccess { data { id status } } ... on Error { code message } } }`;
const CANCEL = `mutation X($orderId: ID!, $key: String!) {
  cancelOrder(orderId: $orderId, reason: "after the fault test", idempotencyKey: $key) {
    __typename ... on MutationCancelOrderSuccess { data { id status } } ... on Error { code message } } }`;
const ORDER = `query O($id: ID!) { order(id: $id) {
    __typename ... on QueryOrderSuccess { data { id status } } ... on Error { code message } } }`;
const WATCH = `subscription S($id: ID!) { orderStatusChanged(orderId: $id) { status vendorStatus } }`;
const MY_ORDERS = `subscription M($shopId: ID!) { myOrderUpdates(shopId: $shopId) { id status } }`;

interface Call {
  field: string;
  start: number;
  end: number;
  /** OK, a stable error code, HTTP_<status>, UNTYPED (masked "Unexpected error."), or DEADLINE_EXCEEDED. */
  outcome: string;
  message?: string;
}

describe.skipIf(skipReason)(
  `PostgreSQL and Redis restarted under checkout load${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let pg: ThrowawayPostgres;
    let redis: ThrowawayRedis;
    let gw: SpawnedGateway;
    let databaseUrl: string;
    const calls: Call[] = [];
    const orders = new Map<string, { headers: Record<string, string>; status: string }>();
    const users: Array<Record<string, string>> = [];

    beforeAll(async () => {
      [pg, redis] = await Promise.all([startThrowawayPostgres(), startThrowawayRedis()]);
      databaseUrl = pg.url("lg_faults");
      gw = await spawnGateway({
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        MIGRATE_ON_START: "true",
        STATUS_SYNC_SECONDS: "0",
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        RECOVERY_INTERVAL_SECONDS: "2",
        RECOVERY_STALE_SECONDS: "5",
        RATE_LIMIT_TELEGRAM_USER: "0",
        RATE_LIMIT_IP: "0",
        LOG_LEVEL: "info",
      });
      // A phone is linked to one Telegram user at a time: the first buyer spends points on the demo
      // customer, the others buy as Mini App users with no linked phone, the subscriber is the second
      // demo customer.
      for (let i = 0; i < BUYERS + 1; i++) {
        const userId = 940_000 + i;
        const phone = i === 0 ? PHONE : i === BUYERS ? SUBSCRIBER_PHONE : null;
        if (phone) {
          const linked = await post(
            `mutation L($i: LinkTelegramUserInput!) { linkTelegramUser(input: $i) { __typename } }`,
            { i: { shopId: SHOP, phone, telegramUserId: String(userId) } },
            service,
          );
          expect(linked.body.data.linkTelegramUser.__typename).toBe("MutationLinkTelegramUserSuccess");
        }
        users.push(tmaHeader(userId));
      }
    }, 90_000);

    afterAll(async () => {
      // FAULTS_LOG=<file>: the gateway's log and the calls that did not succeed, for a failure's reader.
      if (process.env.FAULTS_LOG) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(
          process.env.FAULTS_LOG,
          `${gw?.stdout()}\n${gw?.stderr()}\n${JSON.stringify(calls.filter((c) => c.outcome !== "OK").slice(0, 200), null, 1)}`,
        );
      }
      await gw?.stop();
      await Promise.all([pg?.destroy(), redis?.destroy()]);
    });

    const service = { authorization: `Bearer ${DEMO_KEY}` };

    async function post(query: string, variables: object, headers: Record<string, string>) {
      const res = await fetch(`${gw.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(DEADLINE_MS),
      });
      const body: any = await res.json().catch(() => null);
      return { status: res.status, body };
    }

    /** One operation, its answer classified and recorded; `data` is the field's success payload. */
    async function call(field: string, query: string, variables: object, headers: Record<string, string>) {
      const start = Date.now();
      let outcome: string;
      let data: { id: string; status: string } | null = null;
      let message: string | undefined;
      try {
        const { status, body } = await post(query, variables, headers);
        const result = body?.data?.[field];
        const top = body?.errors?.[0];
        message = top?.message ?? result?.message;
        if (status >= 500 && !top) outcome = `HTTP_${status}`;
        else if (top) {
          const code = String(top.extensions?.code ?? "");
          outcome = TYPED.has(code) && !top.extensions?.unexpected ? code : `UNTYPED(${status}: ${top.message})`;
          if (status === 500) outcome = `HTTP_500(${code || top.message})`;
        } else if (result?.__typename?.endsWith("Success")) {
          outcome = "OK";
          data = result.data;
        } else outcome = result?.code ?? `UNTYPED(${status})`;
      } catch (error) {
        outcome =
          (error as Error).name === "TimeoutError" ? "DEADLINE_EXCEEDED" : `NETWORK(${(error as Error).message})`;
      }
      calls.push({ field, start, end: Date.now(), outcome, message });
      return { outcome, data };
    }

    /** A buyer's step, retried with the same idempotency key (as a client should) until it answers for good. */
    async function step(field: string, query: string, variables: object, headers: Record<string, string>) {
      for (;;) {
        const r = await call(field, query, variables, headers);
        if (r.outcome === "OK" || !transient(r.outcome)) return r;
        await sleep(250);
      }
    }

    let buying = false;
    async function buyer(headers: Record<string, string>, n: number) {
      while (buying) {
        const created = await step("createOrder", CREATE, { input: checkout(n), key: randomUUID() }, headers);
        if (!created.data) continue;
        const id = created.data.id;
        orders.set(id, { headers, status: created.data.status });
        if (n === 0) {
          const applied = await step("applyBonuses", APPLY, { orderId: id, points: 1, key: randomUUID() }, headers);
          if (applied.data) orders.set(id, { headers, status: applied.data.status });
        }
        const confirmed = await step("confirmOrder", CONFIRM, { orderId: id, key: randomUUID() }, headers);
        if (confirmed.data) orders.set(id, { headers, status: confirmed.data.status });
      }
    }

    function startLoad() {
      buying = true;
      const running = users.slice(0, BUYERS).map((h, n) => buyer(h, n));
      return async () => {
        buying = false;
        await Promise.all(running);
      };
    }

    /** Polls /readyz; returns the answers seen with their times. */
    function watchReadiness() {
      const seen: Array<{ at: number; status: number }> = [];
      let on = true;
      const done = (async () => {
        while (on) {
          const at = Date.now();
          const status = await fetch(`${gw.url}/readyz`, { signal: AbortSignal.timeout(DEADLINE_MS) }).then(
            (r) => r.status,
            () => 0,
          );
          seen.push({ at, status });
          await sleep(200);
        }
      })();
      return async () => {
        on = false;
        await done;
        return seen;
      };
    }

    function summary(from: number, to: number) {
      const byOutcome: Record<string, number> = {};
      for (const c of calls.filter((c) => c.end >= from && c.start <= to))
        byOutcome[c.outcome] = (byOutcome[c.outcome] ?? 0) + 1;
      return byOutcome;
    }

    it("PostgreSQL restarted: typed errors while down, /readyz follows it, checkouts come back without a gateway restart", async () => {
      const stopLoad = startLoad();
      const readiness = watchReadiness();
      onTestFinished(async () => {
        await stopLoad();
        await readiness();
      });
      // Checkouts go through before the fault (the first ones are slow on a busy machine).
      for (const until = Date.now() + 30_000; Date.now() < until; await sleep(100))
        if (calls.filter((c) => c.field === "confirmOrder" && c.outcome === "OK").length >= 3) break;
      expect(calls.filter((c) => c.field === "confirmOrder" && c.outcome === "OK").length).toBeGreaterThanOrEqual(3);

      const placed = [...orders].find(([, o]) => o.status === "PLACED")![0];
      const hookId = randomUUID();

      const down = Date.now();
      await pg.stop();
      // The order system's webhook is refused for now, so that its sender delivers it again.
      const hookWhileDown = (await hook(gw.url, placed, "assembled", hookId)).status;
      await sleep(OUTAGE_MS);
      const starting = Date.now();
      await pg.start();
      const up = Date.now();
      // Recovered: a whole new checkout that starts after PostgreSQL is back succeeds.
      let recoveredAt = 0;
      while (Date.now() - up < 30_000 && !recoveredAt) {
        const firstOk = calls.find((c) => c.field === "confirmOrder" && c.outcome === "OK" && c.start >= up);
        if (firstOk) recoveredAt = firstOk.end;
        else await sleep(100);
      }
      const hookAgain = (await hook(gw.url, placed, "assembled", hookId)).status;
      await sleep(1_500);
      await stopLoad();
      const ready = await readiness();

      const during = summary(down, up);
      const figures = {
        outageMs: up - down,
        callsDuringOutage: calls.filter((c) => c.end >= down && c.start <= up).length,
        outcomesDuringOutage: during,
        recoverMs: recoveredAt ? recoveredAt - up : null,
        readyzDown: ready.filter((r) => r.at > down + 300 && r.at < starting).map((r) => r.status),
        readyzBackAfterMs: (ready.find((r) => r.at >= up && r.status === 200)?.at ?? NaN) - up,
        slowestDuringOutageMs: Math.max(
          ...calls.filter((c) => c.end >= down && c.start <= up).map((c) => c.end - c.start),
        ),
        webhook: { whileDown: hookWhileDown, deliveredAgain: hookAgain },
      };
      process.stdout.write(`FAULTS POSTGRES ${JSON.stringify(figures)}\n`);

      // The outage was met, and answered in kind.
      expect(during.SERVICE_UNAVAILABLE ?? 0).toBeGreaterThan(0);
      for (const outcome of Object.keys(during)) expect(outcome === "OK" || TYPED.has(outcome), outcome).toBe(true);
      expect(figures.readyzDown.length).toBeGreaterThan(0);
      expect(figures.readyzDown.every((s) => s === 503)).toBe(true);
      expect(figures.readyzBackAfterMs).toBeLessThan(10_000);
      expect(recoveredAt).toBeGreaterThan(0);
      expect(figures.webhook).toEqual({ whileDown: 503, deliveredAgain: 202 });
      const after = await post(ORDER, { id: placed }, service);
      expect(after.body.data.order.data.status).toBe("READY");
    }, 60_000);

    it("Redis restarted: subscribers that stay connected get the order's state after it, checkouts go on", async () => {
      const me = users[BUYERS]!;
      const created = await step("createOrder", CREATE, { input: checkout(0), key: randomUUID() }, me);
      const orderId = created.data!.id;
      orders.set(orderId, { headers: me, status: created.data!.status });
      const placed = await step("confirmOrder", CONFIRM, { orderId, key: randomUUID() }, me);
      expect(placed.data?.status).toBe("PLACED");
      orders.set(orderId, { headers: me, status: "PLACED" });

      const sse = sseSubscriber(gw.url, me.authorization!, orderId);
      const ws = wsSubscriber(gw.url, me.authorization!, { query: WATCH, variables: { id: orderId } }, (d) =>
        String(d.orderStatusChanged.status),
      );
      // The Mini App user's orders of the shop, on another socket: it sends changes only, none at start.
      const mine = wsSubscriber(gw.url, me.authorization!, { query: MY_ORDERS, variables: { shopId: SHOP } }, (d) =>
        d.myOrderUpdates.id === orderId ? String(d.myOrderUpdates.status) : undefined,
      );
      await Promise.all([sse.waitFor("PLACED", 5_000), ws.waitFor("PLACED", 5_000)]);
      await sleep(300); // myOrderUpdates says nothing when it starts: time for its socket to subscribe
      expect((await hook(gw.url, orderId, "assembled")).status).toBe(202);
      await Promise.all([sse.waitFor("READY", 5_000), ws.waitFor("READY", 5_000), mine.waitFor("READY", 5_000)]);

      const stopLoad = startLoad();
      onTestFinished(() => stopLoad());
      onTestFinished(async () => {
        sse.close();
        await Promise.all([ws.close(), mine.close()]);
      });
      await sleep(1_000);
      const down = Date.now();
      await redis.stop();
      await sleep(500);
      // A change taken in while Redis is down: stored, and published into a Redis that is not there.
      const whileDown = await hook(gw.url, orderId, "courier");
      expect(whileDown.status).toBe(202);
      const duringOutage = {
        sse: await sse.waitFor("IN_DELIVERY", OUTAGE_MS - 500).then(
          () => true,
          () => false,
        ),
        ws: ws.seen().includes("IN_DELIVERY"),
        wsMyOrders: mine.seen().includes("IN_DELIVERY"),
      };
      await redis.start();
      const up = Date.now();
      // The change made while Redis was down reaches both subscribers once it is back.
      const [sseCaughtUp, wsCaughtUp, myOrdersCaughtUp] = await Promise.all([
        sse.waitFor("IN_DELIVERY", 15_000).then(() => Date.now() - up),
        ws.waitFor("IN_DELIVERY", 15_000).then(() => Date.now() - up),
        mine.waitFor("IN_DELIVERY", 15_000).then(() => Date.now() - up),
      ]);
      // A change after Redis is back arrives as before.
      const afterHook = Date.now();
      expect((await hook(gw.url, orderId, "done")).status).toBe(202);
      await Promise.all([
        sse.waitFor("COMPLETED", 10_000),
        ws.waitFor("COMPLETED", 10_000),
        mine.waitFor("COMPLETED", 10_000),
      ]);
      const deliveredAfterMs = Date.now() - afterHook;
      let recoveredAt = 0;
      while (Date.now() - up < 30_000 && !recoveredAt) {
        const firstOk = calls.find((c) => c.field === "confirmOrder" && c.outcome === "OK" && c.start >= up);
        if (firstOk) recoveredAt = firstOk.end;
        else await sleep(100);
      }
      await stopLoad();

      const during = summary(down, up);
      const figures = {
        outageMs: up - down,
        callsDuringOutage: calls.filter((c) => c.end >= down && c.start <= up).length,
        outcomesDuringOutage: during,
        slowestDuringOutageMs: Math.max(
          ...calls.filter((c) => c.end >= down && c.start <= up).map((c) => c.end - c.start),
        ),
        eventPublishedWhileDownSeenWhileDown: duringOutage,
        caughtUpAfterRestartMs: { sse: sseCaughtUp, ws: wsCaughtUp, wsMyOrders: myOrdersCaughtUp },
        eventAfterRestartDeliveredMs: deliveredAfterMs,
        recoverMs: recoveredAt ? recoveredAt - up : null,
        sseEvents: sse.seen(),
        wsEvents: ws.seen(),
        myOrderEvents: mine.seen(),
        wsClosed: ws.closed() || mine.closed(),
        // From the gateway's log: publishes Redis never took, and resumptions of the event connection.
        publishesNotCarried: logCount(gw, '"what":"publish"'),
        resumptions: logCount(gw, "redis event bus: connection back"),
      };
      process.stdout.write(`FAULTS REDIS ${JSON.stringify(figures)}\n`);

      for (const outcome of Object.keys(during)) expect(outcome === "OK" || TYPED.has(outcome), outcome).toBe(true);
      expect(figures.callsDuringOutage).toBeGreaterThan(0);
      expect(figures.resumptions).toBeGreaterThanOrEqual(1);
      expect(figures.wsClosed).toBe(false);
      expect(recoveredAt).toBeGreaterThan(0);
    }, 60_000);

    it("no answer was a 500, untyped, or past the deadline, and no order is left that cannot be finished", async () => {
      const byOutcome: Record<string, number> = {};
      for (const c of calls) byOutcome[c.outcome] = (byOutcome[c.outcome] ?? 0) + 1;
      const late = calls.filter((c) => c.outcome === "DEADLINE_EXCEEDED" || c.end - c.start > DEADLINE_MS);
      process.stdout.write(
        `FAULTS TOTAL ${JSON.stringify({ calls: calls.length, byOutcome, pastDeadline: late.length, orders: orders.size })}\n`,
      );
      expect(late).toEqual([]);
      for (const outcome of Object.keys(byOutcome)) expect(outcome === "OK" || TYPED.has(outcome), outcome).toBe(true);

      // Every order in the database, including any whose answer the buyer never got, ends final.
      await sleep(6_000); // one recovery round past RECOVERY_STALE_SECONDS settles what the outage left pending
      const rows = await sql<{ id: string; status: string; telegramUserId: string | null }>(
        databaseUrl,
        `select "id", "status", "telegramUserId" from "Order"`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(orders.size);
      const finished: Record<string, number> = {};
      for (const row of rows) {
        let status = row.status;
        const owner = users.find((h) => h.authorization === tmaHeader(Number(row.telegramUserId)).authorization);
        const headers = orders.get(row.id)?.headers ?? owner ?? service;
        if (status === "CALCULATED" || status === "BONUSES_HELD") {
          status =
            (await step("cancelOrder", CANCEL, { orderId: row.id, key: randomUUID() }, headers)).data?.status ?? status;
        } else if (status === "PLACED" || status === "READY" || status === "IN_DELIVERY") {
          const r = await post(COMPLETE_ORDER, { orderId: row.id, key: randomUUID() }, service);
          status = r.body?.data?.completeOrder?.data?.status ?? status;
        }
        const read = await post(ORDER, { id: row.id }, service);
        status = read.body?.data?.order?.data?.status ?? status;
        finished[status] = (finished[status] ?? 0) + 1;
        expect(FINAL, `order ${row.id} left ${status}`).toContain(status);
      }
      const ledger = await sql<{ state: string; n: string }>(
        databaseUrl,
        `select "state", count(*) as n from "LedgerEntry" group by "state"`,
      );
      process.stdout.write(`FAULTS ORDERS ${JSON.stringify({ finished, ledger })}\n`);
      expect(ledger.filter((l) => l.state === "PENDING" || l.state === "NEEDS_ATTENTION")).toEqual([]);
    }, 60_000);
  },
);

const logCount = (gw: SpawnedGateway, text: string) => gw.stdout().split(text).length - 1;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Worth asking again with the same key: the gateway or what it stands on is away for now. */
function transient(outcome: string): boolean {
  return (
    !TYPED.has(outcome) ||
    ["PROVIDER_UNAVAILABLE", "RATE_LIMITED", "IDEMPOTENCY_CONFLICT", "REQUEST_TIMEOUT", "SERVICE_UNAVAILABLE"].includes(
      outcome,
    )
  );
}

function checkout(n: number) {
  return {
    shopId: SHOP,
    lines: [{ productId: demoItemId("rose-15"), quantity: 1 + (n % 3) }],
    fulfilment: { kind: "PICKUP", storeId: "store-1" },
    contact: { name: "Fault" },
  };
}

function hook(base: string, orderId: string, status: string, id: string = randomUUID()) {
  const body = JSON.stringify({ id, type: "order.status", orderId, status });
  const ts = Math.floor(Date.now() / 1000);
  return fetch(`${base}/webhooks/posiflora`, {
    method: "POST",
    headers: {
      "x-webhook-timestamp": String(ts),
      "x-webhook-signature": signWebhook("demo-webhook-secret-000", ts, body),
    },
    body,
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
}

/** The statuses a subscription has delivered, and a wait for one of them. */
function collector() {
  const statuses: string[] = [];
  const waiters: Array<() => void> = [];
  return {
    push(status: string) {
      statuses.push(status);
      waiters.splice(0).forEach((w) => w());
    },
    seen: () => [...statuses],
    async waitFor(status: string, ms: number) {
      const until = Date.now() + ms;
      while (!statuses.includes(status)) {
        const left = until - Date.now();
        if (left <= 0) throw new Error(`no ${status} within ${ms} ms; seen ${statuses.join(", ")}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, left);
        });
      }
    },
  };
}

function sseSubscriber(base: string, authorization: string, orderId: string) {
  const c = collector();
  const controller = new AbortController();
  void (async () => {
    const url = `${base}/graphql?query=${encodeURIComponent(WATCH)}&variables=${encodeURIComponent(JSON.stringify({ id: orderId }))}`;
    const res = await fetch(url, {
      headers: { accept: "text/event-stream", authorization },
      signal: controller.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const data = buffer
          .slice(0, end)
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trim())
          .join("");
        buffer = buffer.slice(end + 2);
        const status = data ? JSON.parse(data)?.data?.orderStatusChanged?.status : undefined;
        if (status) c.push(status);
      }
    }
  })().catch(() => {});
  return { ...c, close: () => controller.abort() };
}

function wsSubscriber(
  base: string,
  authorization: string,
  payload: { query: string; variables: Record<string, unknown> },
  statusOf: (data: any) => string | undefined,
) {
  const c = collector();
  let closed = false;
  const client = createClient({
    url: `${base.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization },
    retryAttempts: 0,
    on: { closed: () => (closed = true) },
  });
  const dispose = client.subscribe<any>(payload, {
    next: (v) => {
      const status = v.data ? statusOf(v.data) : undefined;
      if (status) c.push(status);
    },
    error: () => (closed = true),
    complete: () => (closed = true),
  });
  return {
    ...c,
    closed: () => closed,
    close: () => {
      dispose();
      return client.dispose();
    },
  };
}
