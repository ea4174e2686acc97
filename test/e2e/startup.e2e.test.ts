import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { spawnGateway } from "../support/spawn-gateway.ts";
import { DEMO_ITEMS } from "../../src/simulators/posiflora/catalog-seed.ts";
import { line, pickup } from "../support/orders.ts";
import { DEMO_KEY } from "../support/test-gateway.ts";

const dir = mkdtempSync(path.join(tmpdir(), "lg-start-"));

describe("the gateway process", () => {
  it("ends an open SSE subscription with a last SHUTTING_DOWN event on SIGTERM, and exits 0", async () => {
    const gw = await spawnGateway({ DATABASE_URL: `file:${path.join(dir, "sse", "gateway.db")}` });
    const query = `subscription { productSyncProgress(shopId: "demo-bonusplus") { shopId } }`;
    const stream = await fetch(`${gw.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${DEMO_KEY}` },
    });
    expect(stream.status).toBe(200);
    const body = stream.text();
    const started = Date.now();
    expect(await gw.stop("SIGTERM")).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    const events = (await body).split("\n\n").filter((e) => e.startsWith("event:"));
    expect(events.at(-2)).toContain('"code":"SHUTTING_DOWN"');
    expect(events.at(-1)).toMatch(/^event: complete/);
    const stopped = JSON.parse(gw.stdout().trim().split("\n").at(-1)!);
    expect(stopped).toMatchObject({ msg: "stopped", subscriptionsEnded: 1, drainMs: expect.any(Number) });
  });

  it("ends a WebSocket subscription with the same last event, then complete, on SIGTERM", async () => {
    const gw = await spawnGateway({ DATABASE_URL: `file:${path.join(dir, "ws", "gateway.db")}` });
    const client = createClient({
      url: `${gw.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${DEMO_KEY}` },
      retryAttempts: 0,
    });
    const events: unknown[] = [];
    let first: () => void = () => undefined;
    const gotFirst = new Promise<void>((resolve) => (first = resolve));
    const completed = new Promise<void>((resolve, reject) =>
      client.subscribe(
        { query: `subscription { productSyncProgress(shopId: "demo-bonusplus") { shopId } }` },
        {
          next: (value) => {
            events.push(value);
            first();
          },
          error: reject,
          complete: resolve,
        },
      ),
    );
    await gotFirst;
    expect(await gw.stop("SIGTERM")).toBe(0);
    await completed.catch((error: unknown) => {
      throw new Error(
        `not completed (${(error as { code?: number }).code}): ${JSON.stringify(events)}\n${gw.stdout()}`,
      );
    });
    expect(events.at(-1)).toMatchObject({ errors: [{ extensions: { code: "SHUTTING_DOWN" } }] });
    await client.dispose();
  });

  it("lets a mutation in flight finish on SIGTERM, answers nothing new, and exits 0", async () => {
    const gw = await spawnGateway({ DATABASE_URL: `file:${path.join(dir, "inflight", "gateway.db")}` });
    const headers = { "content-type": "application/json", authorization: `Bearer ${DEMO_KEY}` };
    // Every Posiflora call now takes 1.5 s, so the order is still being created when SIGTERM comes.
    await fetch(`${gw.url}/__sim/posiflora/latency`, { method: "POST", headers, body: JSON.stringify({ ms: 1500 }) });
    const created = fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: `mutation C($i: CreateOrderInput!) { createOrder(input: $i, idempotencyKey: "drain-order-1") { __typename ... on MutationCreateOrderSuccess { data { id status } } ... on Error { message } } }`,
        variables: { i: pickup("demo-posiflora", [line(DEMO_ITEMS[0]!.slug, 1)]) },
      }),
    }).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 300));
    const exited = gw.stop("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    // Draining: no new connection is taken.
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
    const answer = await created;
    expect(answer.data.createOrder, JSON.stringify(answer)).toMatchObject({ __typename: "MutationCreateOrderSuccess" });
    expect(await exited).toBe(0);
    const lines = gw
      .stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.msg === "shutting down")).toMatchObject({ inFlight: 1 });
  });

  it("says in one line that the port is taken, and exits 1", async () => {
    const first = await spawnGateway({ DATABASE_URL: `file:${path.join(dir, "port-a", "gateway.db")}` });
    try {
      const failure = await spawnGateway({
        DATABASE_URL: `file:${path.join(dir, "port-b", "gateway.db")}`,
        PORT: new URL(first.url).port,
      }).then(
        () => {
          throw new Error("started");
        },
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure.code).toBe(1);
      expect(failure.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/^loyalty-gateway: cannot start: 127\.0\.0\.1:\d+ is already in use/),
      ]);
    } finally {
      await first.stop();
    }
  });

  it("says in one line that the database cannot be reached, and exits 1", async () => {
    const failure = await spawnGateway({ DATABASE_URL: "postgresql://lg:lg@127.0.0.1:1/none" }).then(
      () => {
        throw new Error("started");
      },
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^loyalty-gateway: cannot start: .*Can't reach database server at `127\.0\.0\.1:1`/),
    ]);
  });

  it("creates and migrates its SQLite file, serves GraphQL over HTTP, and stops cleanly on SIGTERM", async () => {
    const gw = await spawnGateway({ DATABASE_URL: `file:${path.join(dir, "new", "gateway.db")}` });
    try {
      expect(gw.stdout()).toContain("DEMO MODE");
      expect(await (await fetch(`${gw.url}/healthz`)).json()).toEqual({ status: "ok" });
      const res = await fetch(`${gw.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEY}` },
        body: JSON.stringify({
          query:
            '{ customer(shopId: "demo-bonusplus", phone: "+79001234567") { ... on QueryCustomerSuccess { data { loyalty { ... on LoyaltyAccount { balance } } } } } }',
        }),
      });
      expect((await res.json()).data.customer.data.loyalty[0].balance).toBe(500);
    } finally {
      expect(await gw.stop("SIGTERM")).toBe(0);
    }
    // Read after exit, when every line has been flushed.
    const lines = gw
      .stdout()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.find((l) => l.msg === "request" && l.path === "/graphql")).toMatchObject({
      method: "POST",
      status: 200,
      requestId: expect.any(String),
    });
    expect(lines.some((l) => l.msg === "shutting down")).toBe(true);
  });

  it("refuses to start on a bad shops config and names the bad key", async () => {
    const file = path.join(dir, "shops.json");
    writeFileSync(
      file,
      JSON.stringify({
        shops: [{ id: "s", name: "S", loyalty: [{ id: "p", adapter: "bonusplus", baseUrl: "not a url" }] }],
      }),
    );
    const failure = await spawnGateway({ SHOPS_CONFIG: file, DATABASE_URL: `file:${path.join(dir, "bad.db")}` }).then(
      () => {
        throw new Error("started");
      },
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain("shops[0].loyalty[0].baseUrl");
  });
});
