import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spawnGateway } from "../support/spawn-gateway.ts";
import { DEMO_KEY } from "../support/test-gateway.ts";

const dir = mkdtempSync(path.join(tmpdir(), "lg-start-"));

describe("the gateway process", () => {
  it("drains an open SSE subscription on SIGTERM and exits 0", async () => {
    const gw = await spawnGateway({ DATABASE_URL: `file:${path.join(dir, "sse", "gateway.db")}` });
    const query = `subscription { productSyncProgress(shopId: "demo-bonusplus") { shopId } }`;
    const stream = await fetch(`${gw.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${DEMO_KEY}` },
    });
    expect(stream.status).toBe(200);
    const started = Date.now();
    expect(await gw.stop("SIGTERM")).toBe(0);
    expect(Date.now() - started).toBeLessThan(9_000);
    await stream.body?.cancel().catch(() => undefined);
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
