import { copyFileSync, mkdtempSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { MyOrderUpdatesDocument } from "../../generated/graphql/graphql.ts";
import { tmaHeader } from "../support/init-data.ts";
import { spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";
import { DEMO_KEY } from "../support/test-gateway.ts";

/** The rules no Yoga HTTP hook applies to a WebSocket, and the real server's body limit, on a real process. */
let gw: SpawnedGateway;
beforeAll(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-ws-sec-")), "gateway.db");
  copyFileSync(inject("templateDb"), file);
  gw = await spawnGateway({
    DATABASE_URL: `file:${file}`,
    MIGRATE_ON_START: "false",
    STATUS_SYNC_SECONDS: "0",
    TRUSTED_DOCUMENTS: "on",
    MAX_SUBSCRIPTIONS_PER_VIEWER: "2",
    MAX_BODY_BYTES: "4096",
  });
}, 60_000);
afterAll(() => gw.stop());

const hash = (MyOrderUpdatesDocument as unknown as { __meta__: { hash: string } }).__meta__.hash;

/**
 * graphql-ws requires a `query` string in every subscribe message, so a persisted document goes as an
 * empty query with its `documentId` (or `extensions.persistedQuery`).
 */
const persisted = { query: "", documentId: hash, variables: { shopId: "demo-posiflora" } };

/** One subscription on its own socket; resolves with the first thing that happens, or "open" after 500 ms. */
function subscribe(authorization: string | undefined, payload: Record<string, unknown>) {
  const client = createClient({
    url: `${gw.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
  });
  const first = new Promise<string>((resolve) => {
    client.subscribe(payload as never, {
      next: (value) => resolve(JSON.stringify(value)),
      error: (error) => resolve(JSON.stringify(error instanceof Error ? { message: error.message } : error)),
      complete: () => resolve("complete"),
    });
    setTimeout(() => resolve("open"), 500);
  });
  return { first, close: () => client.dispose() };
}

describe("graphql-ws under the same rules as HTTP", () => {
  it("lets a Mini App caller run only persisted documents", async () => {
    const me = tmaHeader(990_001).authorization!;
    const arbitrary = subscribe(me, { query: `subscription { myOrderUpdates(shopId: "demo-posiflora") { id } }` });
    expect(await arbitrary.first).toContain("PERSISTED_QUERY_ONLY");
    await arbitrary.close();
    const fromList = subscribe(me, persisted);
    expect(await fromList.first).toBe("open");
    await fromList.close();
    const service = subscribe(`Bearer ${DEMO_KEY}`, {
      query: `subscription { productSyncProgress(shopId: "demo-bonusplus") { __typename } }`,
    });
    expect(await service.first).not.toContain("PERSISTED_QUERY_ONLY");
    await service.close();
  });

  it("refuses an anonymous subscriber with UNAUTHENTICATED", async () => {
    const anonymous = subscribe(undefined, persisted);
    expect(await anonymous.first).toContain("UNAUTHENTICATED");
    await anonymous.close();
  });

  it("caps open subscriptions per viewer across sockets, and frees a slot when one closes", async () => {
    const me = tmaHeader(990_002).authorization!;
    const payload = persisted;
    const a = subscribe(me, payload);
    const b = subscribe(me, payload);
    expect([await a.first, await b.first]).toEqual(["open", "open"]);
    const c = subscribe(me, payload);
    expect(await c.first).toContain("TOO_MANY_SUBSCRIPTIONS");
    await c.close();
    await a.close();
    await new Promise((r) => setTimeout(r, 200));
    const d = subscribe(me, payload);
    expect(await d.first).toBe("open");
    await Promise.all([b.close(), d.close()]);
  });

  it("frees an SSE subscription's slot when the client hangs up", async () => {
    const me = tmaHeader(990_003);
    const open = async () => {
      const abort = new AbortController();
      const res = await fetch(`${gw.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...me },
        body: JSON.stringify({ documentId: hash, variables: { shopId: "demo-posiflora" } }),
        signal: abort.signal,
      });
      return { status: res.status, hangUp: () => abort.abort() };
    };
    for (let round = 0; round < 3; round++) {
      const streams = [await open(), await open()];
      expect(streams.map((s) => s.status)).toEqual([200, 200]);
      expect((await open()).status).toBe(429);
      for (const s of streams) s.hangUp();
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it("closes a socket whose message is larger than MAX_BODY_BYTES", async () => {
    const socket = new WebSocket(`${gw.url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(JSON.stringify({ type: "connection_init", payload: { pad: "x".repeat(10_000) } }));
    expect(await closed).toBe(1009);
  });

  it("answers 413 to a 10 MB body over real HTTP before reading it, and keeps serving", async () => {
    const { port } = new URL(gw.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/graphql",
          method: "POST",
          headers: { "content-type": "application/json", "content-length": 10 * 1024 * 1024 },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on("error", reject);
      req.write('{"query":"');
    });
    expect(status).toBe(413);
    const ok = await fetch(`${gw.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEY}` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
  });
});
