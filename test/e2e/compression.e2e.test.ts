import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseEncoding } from "../../src/server/compression.ts";
import { DEMO_KEY, startTestGateway, type TestGateway } from "../support/test-gateway.ts";

const get = (t: TestGateway, path: string, headers: Record<string, string>) =>
  Promise.resolve(t.gateway.yoga.fetch(`http://gateway.test${path}`, { headers }));
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe("compression and the browser's page", () => {
  let t: TestGateway;
  let off: TestGateway;

  beforeAll(async () => {
    t = await startTestGateway();
    off = await startTestGateway({ GRAPHIQL: "false" });
  });
  afterAll(async () => {
    await t?.close();
    await off?.close();
  });

  it("sends GraphiQL's page brotli-compressed to a browser that accepts it, the same page once decoded", async () => {
    const html = { accept: "text/html" };
    const plain = await bytes(await get(t, "/graphql", html));
    const res = await get(t, "/graphql", { ...html, "accept-encoding": "gzip, deflate, br, zstd" });
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
    const compressed = await bytes(res);
    expect(plain.length).toBeGreaterThan(1_000_000);
    expect(compressed.length).toBeLessThan(plain.length / 3);
    expect(brotliDecompressSync(compressed).equals(plain)).toBe(true);
  });

  it("gzips the Mini App's script for a client that accepts only gzip", async () => {
    const index = await (await get(t, "/app/", {})).text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(index)?.[1];
    expect(script).toBeDefined();
    const plain = await bytes(await get(t, `/app/${script}`, {}));
    const res = await get(t, `/app/${script}`, { "accept-encoding": "gzip" });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(await bytes(res)).equals(plain)).toBe(true);
  });

  it("compresses a large JSON answer, not a small one, and never an event stream", async () => {
    const auth = { authorization: `Bearer ${DEMO_KEY}`, "accept-encoding": "gzip" };
    const large = await t.post("{ _service { sdl } }", {}, auth);
    expect(large.headers.get("content-encoding")).toBe("gzip");
    expect(JSON.parse(gunzipSync(await bytes(large)).toString()).data._service.sdl).toContain("type Query");
    const small = await t.post("{ __typename }", {}, auth);
    expect(small.headers.get("content-encoding")).toBeNull();
    expect(await small.json()).toEqual({ data: { __typename: "Query" } });
    const query = `subscription { productSyncProgress(shopId: "demo-bonusplus") { shopId } }`;
    const stream = await get(t, `/graphql?query=${encodeURIComponent(query)}`, {
      ...auth,
      accept: "text/event-stream",
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    // Yoga marks its streams "none", so no proxy buffers them to compress either.
    expect([null, "none"]).toContain(stream.headers.get("content-encoding"));
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^:|^event:/);
    await reader.cancel();
  });

  it("prefers brotli, takes gzip, and honours q=0", () => {
    expect(chooseEncoding("gzip, deflate, br")).toBe("br");
    expect(chooseEncoding("gzip")).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(chooseEncoding("identity")).toBeNull();
    expect(chooseEncoding(null)).toBeNull();
  });

  it("with GraphiQL off, shows a browser a page that says how to turn it on", async () => {
    const res = await get(off, "/graphql", { accept: "text/html,application/xhtml+xml" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    expect(page).toContain("GraphiQL");
    expect(page).toContain("GRAPHIQL=true");
    // A program's GET is answered by GraphQL as before.
    const program = await get(off, "/graphql?query=%7B__typename%7D", { accept: "application/json" });
    expect(await program.json()).toEqual({ data: { __typename: "Query" } });
  });
});
