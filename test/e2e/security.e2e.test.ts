import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MyCustomerDocument, MyOrderUpdatesDocument, ShopsDocument } from "../../generated/graphql/graphql.ts";
import { signWebhook } from "../../src/auth/webhook-signature.ts";
import { parseEnv } from "../../src/config/env.ts";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { DEMO_KEY, type HarnessGateway, SERVICE_KEY, startHarness, startProductionHarness } from "../fuzz/harness.ts";
import { tmaHeader } from "../support/init-data.ts";
import { spawnGateway } from "../support/spawn-gateway.ts";

const dir = mkdtempSync(path.join(tmpdir(), "lg-security-"));
const json = { "content-type": "application/json" };
const asService = (key = DEMO_KEY) => ({ authorization: `Bearer ${key}` });
const hashOf = (doc: unknown) => (doc as { __meta__: { hash: string } }).__meta__.hash;
const errorsOf = async (res: Response) => ((await res.json()) as { errors?: Array<any> }).errors ?? [];
const cart = (shopId = "demo-bonusplus") => ({
  input: {
    shopId,
    lines: [{ productId: demoItemId("rose"), quantity: 1, unitPrice: { amount: 100_000, currency: "RUB" } }],
  },
});

async function startFailure(env: Record<string, string>) {
  return spawnGateway({ DATABASE_URL: `file:${path.join(dir, `${Math.random()}.db`)}`, ...env }).then(
    () => {
      throw new Error("started");
    },
    (error: { code: number; stderr: string }) => error,
  );
}

describe("safe start", () => {
  it("refuses NODE_ENV=production without SHOPS_CONFIG, naming the variable, instead of starting in demo mode", async () => {
    expect(() => parseEnv({ NODE_ENV: "production", TELEGRAM_BOT_TOKEN: "1:x" })).toThrow(/SHOPS_CONFIG: required/);
    const failure = await startFailure({ NODE_ENV: "production", TELEGRAM_BOT_TOKEN: "1:x" });
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain("SHOPS_CONFIG");
    expect(failure.stderr).not.toContain("DEMO MODE");
  });

  it("refuses an API key with an unknown scope, naming the key's entry and the scope", async () => {
    const API_KEYS = JSON.stringify([
      { name: "bot", key: "bot-service-key-0000001", scopes: ["customers:read", "customer:link"] },
    ]);
    expect(() => parseEnv({ API_KEYS })).toThrow(/API_KEYS\[0\]\.scopes\[1\]: unknown scope "customer:link"/);
    const failure = await startFailure({ API_KEYS });
    expect(failure.code).toBe(1);
    expect(failure.stderr).toContain('API_KEYS[0].scopes[1]: unknown scope "customer:link"');
    expect(failure.stderr).not.toContain("bot-service-key-0000001");
  });

  it("still refuses CRASH_AT in production, and resolves production's defaults to the strict side", () => {
    const production = { NODE_ENV: "production", SHOPS_CONFIG: "shops.json", TELEGRAM_BOT_TOKEN: "1:x" };
    expect(() => parseEnv({ ...production, CRASH_AT: "ledger-written:1" })).toThrow(/CRASH_AT: not allowed/);
    expect(parseEnv(production)).toMatchObject({
      PUBLIC_INTROSPECTION: false,
      TRUSTED_DOCUMENTS: true,
      CORS_ORIGINS: [],
    });
    expect(parseEnv({})).toMatchObject({ PUBLIC_INTROSPECTION: true, TRUSTED_DOCUMENTS: false, CORS_ORIGINS: ["*"] });
  });

  it("serves /__sim only in demo mode", async () => {
    const demo = await startHarness();
    const production = await startProductionHarness();
    try {
      expect((await demo.fetch("/__sim/posiflora/state")).status).toBe(200);
      expect((await production.fetch("/__sim/posiflora/state")).status).toBe(404);
      expect((await production.fetch("/__sim/bonusplus/reset", { method: "POST" })).status).toBe(404);
      expect((await demo.fetch("/__sim/constructor/state")).status).toBe(404);
    } finally {
      await demo.close();
      await production.close();
    }
  });
});

describe("no 500 by request", () => {
  let t: HarnessGateway;
  beforeAll(async () => {
    t = await startHarness();
  });
  afterAll(() => t.close());

  it("answers 400 with a GraphQL error to GET params that are not JSON", async () => {
    for (const bad of ["variables=%7B", "extensions=%7B", "variables=%7B%22a%22%3A", "extensions=nope"]) {
      const res = await t.fetch(`/graphql?query=%7B__typename%7D&${bad}`);
      expect(res.status, bad).toBe(400);
      const [error] = await errorsOf(res);
      expect(error.extensions.code, bad).toBe("BAD_REQUEST");
      expect(JSON.stringify(error), bad).not.toMatch(/Unexpected|position|JSON\.parse/);
    }
  });

  it("explains a variable that does not coerce instead of masking it as an unexpected error", async () => {
    const query = `query C($input: LoyaltyCalculationInput!) { loyaltyCalculation(input: $input) { __typename } }`;
    const input = {
      shopId: "demo-bonusplus",
      lines: [{ productId: "p", quantity: 1, unitPrice: { amount: 2 ** 53, currency: "RUB" } }],
    };
    const res = await t.graphql({ query, variables: { input } });
    const errors = await errorsOf(res);
    expect(res.status).toBe(400);
    expect(errors[0].message).toMatch(/got invalid value 9007199254740992 .*MinorUnits must be a safe integer/);
    expect(JSON.stringify(errors)).not.toContain("Unexpected error");
  });

  it("refuses a list literal nested 3,000 deep and inline fragments nested 5,000 deep without overflowing the parser", async () => {
    const deepList = `{ shops(x: ${"[".repeat(3000)}${"]".repeat(3000)}) { id } }`;
    const deepFragments = `{ ${"... on Query { ".repeat(5000)}__typename${" }".repeat(5000)} }`;
    const deepObject = `{ shops(x: ${"{a: ".repeat(3000)}1${"}".repeat(3000)}) { id } }`;
    for (const query of [deepList, deepFragments, deepObject]) {
      const res = await t.graphql({ query });
      expect(res.status).toBeLessThan(500);
      const [error] = await errorsOf(res);
      expect(error.message).toMatch(/nesting limit of 64 exceeded/);
    }
    expect(t.logs.filter((l) => l.level === "error")).toEqual([]);
    expect(await (await t.graphql({ query: "{ __typename }" })).json()).toEqual({ data: { __typename: "Query" } });
  });
});

describe("limits", () => {
  let t: HarnessGateway;
  beforeAll(async () => {
    t = await startHarness({
      MAX_TOKENS: "120",
      MAX_DEPTH: "3",
      MAX_ALIASES: "2",
      MAX_DIRECTIVES: "2",
      COST_MAX: "250",
      MAX_BODY_BYTES: "2048",
      MAX_URL_BYTES: "512",
      WEBHOOK_MAX_BODY_BYTES: "512",
      MAX_ENTITIES: "3",
      REQUEST_TIMEOUT_MS: "300",
      MAX_SUBSCRIPTIONS_PER_VIEWER: "2",
    });
  });
  afterAll(() => t.close());

  const firstError = async (query: string, headers: Record<string, string> = {}) =>
    (await errorsOf(await t.graphql({ query }, headers)))[0];

  it("limits tokens, depth, aliases and directives", async () => {
    expect((await firstError(`{ ${"__typename ".repeat(130)} }`)).message).toMatch(/Token limit of 120 exceeded/);
    expect((await firstError("{ shops { loyaltyProviders { capabilities { hold } } } }")).message).toMatch(
      /depth limit of 3 exceeded/,
    );
    expect((await firstError("{ a: shops { id } b: shops { id } c: shops { id } }")).message).toMatch(
      /Aliases limit of 2 exceeded/,
    );
    expect((await firstError("{ __typename @skip(if: false) @include(if: true) @skip(if: false) }")).message).toMatch(
      /Directives limit of 2 exceeded/,
    );
    expect(await (await t.graphql({ query: "{ a: __typename shops { id } }" })).json()).toMatchObject({
      data: { a: "Query" },
    });
  });

  it("counts every field that reaches a vendor, aliases included, in the cost", async () => {
    const three = `{ catalog(shopId: "demo-posiflora") { __typename } stores(shopId: "demo-posiflora") { __typename } product(shopId: "demo-posiflora", id: "x") { __typename } }`;
    const error = await firstError(three);
    expect(error).toMatchObject({ extensions: { code: "COST_LIMIT_EXCEEDED" } });
    const aliased = `{ a: customer(shopId: "demo-bonusplus", phone: "1") { __typename } b: customer(shopId: "demo-bonusplus", phone: "2") { __typename } stores(shopId: "demo-posiflora") { __typename } }`;
    expect(await firstError(aliased, asService())).toMatchObject({ extensions: { code: "COST_LIMIT_EXCEEDED" } });
    const two = `{ catalog(shopId: "demo-posiflora") { __typename } stores(shopId: "demo-posiflora") { __typename } }`;
    expect(await errorsOf(await t.graphql({ query: two }))).toEqual([]);
  });

  it("refuses bodies over the limit with 413 on every endpoint, before reading them whole", async () => {
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: "x".repeat(4000) } });
    expect((await t.graphql(big)).status).toBe(413);
    const declared = await t.fetch("/graphql", {
      method: "POST",
      headers: { ...json, "content-length": "10485760" },
      body: big,
    });
    expect(declared.status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(" ".repeat(1024)));
      },
    });
    const chunked = await t.fetch("/graphql", {
      method: "POST",
      headers: json,
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(pulled).toBeLessThan(16);

    const longUrl = await t.fetch(`/graphql?query=${encodeURIComponent(`{ __typename }`)}&pad=${"x".repeat(600)}`);
    expect(longUrl.status).toBe(414);

    const body = JSON.stringify({ id: "e1", type: "catalog.changed", pad: "x".repeat(600) });
    const ts = Math.floor(Date.now() / 1000);
    const webhook = await t.fetch("/webhooks/posiflora", {
      method: "POST",
      headers: {
        ...json,
        "x-webhook-timestamp": String(ts),
        "x-webhook-signature": signWebhook("demo-webhook-secret-000", ts, body),
      },
      body,
    });
    expect(webhook.status).toBe(413);
    const sim = await t.fetch("/__sim/posiflora/faults", { method: "POST", headers: json, body: "x".repeat(3000) });
    expect(sim.status).toBe(413);
  });

  it("caps _entities representations", async () => {
    const query = `query E($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
    const reps = (n: number) => Array.from({ length: n }, (_, i) => ({ __typename: "Customer", id: `c-${i}` }));
    const over = await errorsOf(await t.graphql({ query, variables: { r: reps(4) } }, asService()));
    expect(over[0]).toMatchObject({ extensions: { code: "INVALID_INPUT" } });
    expect(over[0].message).toMatch(/at most 3 representations/);
    const within = await errorsOf(await t.graphql({ query, variables: { r: reps(3) } }, asService()));
    expect(within.some((e) => e.extensions?.code === "INVALID_INPUT")).toBe(false);
  });

  it("answers REQUEST_TIMEOUT when a request outlives its deadline", async () => {
    t.gateway.simulators!.bonusplus.handler.faults.add({ kind: "latency", latencyMs: 1_500, times: 1 });
    const started = Date.now();
    const res = await t.graphql(
      { query: `{ customer(shopId: "demo-bonusplus", phone: "+79001234567") { __typename } }` },
      asService(),
    );
    const [error] = await errorsOf(res);
    expect(error).toMatchObject({ extensions: { code: "REQUEST_TIMEOUT" } });
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it("caps open subscriptions per viewer, and frees a slot when a stream ends", async () => {
    const me = tmaHeader(5_551);
    const open = () =>
      t.graphql(
        { query: `subscription { myOrderUpdates(shopId: "demo-posiflora") { id } }` },
        {
          ...me,
          accept: "text/event-stream",
        },
      );
    const first = await open();
    const second = await open();
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open();
    expect(third.status).toBe(429);
    expect(await third.text()).toContain("TOO_MANY_SUBSCRIPTIONS");
    const otherUser = await t.graphql(
      { query: `subscription { myOrderUpdates(shopId: "demo-posiflora") { id } }` },
      { ...tmaHeader(5_552), accept: "text/event-stream" },
    );
    expect(otherUser.status).toBe(200);
    // A server reads each stream at once; read the first chunk (the ping) as it would, then hang up.
    const hangUp = async (res: Response) => {
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
    };
    await hangUp(otherUser);
    await hangUp(first);
    await new Promise((r) => setTimeout(r, 50));
    const again = await open();
    expect(again.status).toBe(200);
    const reader = again.body!.getReader();
    const chunk = await Promise.race([
      reader.read().then((r) => new TextDecoder().decode(r.value)),
      new Promise<string>((r) => setTimeout(() => r(""), 200)),
    ]);
    expect(chunk).not.toContain("TOO_MANY_SUBSCRIPTIONS");
    await reader.cancel();
    await hangUp(second);
  });

  it("does not crash on 405 different 10 MB anonymous queries: the body limit refuses them first", async () => {
    const before = process.memoryUsage().rss;
    const tenMb = "x".repeat(10 * 1024 * 1024);
    for (let i = 0; i < 405; i++) {
      const res = await t.fetch("/graphql", {
        method: "POST",
        headers: { ...json, "content-length": String(tenMb.length + 40) },
        body: `{"query":"{ q${i}: __typename } #${tenMb}"}`,
      });
      expect(res.status).toBe(413);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    expect((await t.graphql({ query: "{ __typename }" })).status).toBe(200);
  });
});

describe("access and transport", () => {
  let t: HarnessGateway;
  beforeAll(async () => {
    t = await startHarness({ CORS_ORIGINS: "https://web.telegram.org,https://webk.telegram.org" });
  });
  afterAll(() => t.close());

  it("refuses form-encoded, multipart and text POSTs (CSRF prevention)", async () => {
    const form = new FormData();
    form.set("query", "{ __typename }");
    const bodies: Array<[string, RequestInit]> = [
      ["form", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "query=%7B__typename%7D" }],
      ["multipart", { body: form }],
      ["text", { headers: { "content-type": "text/plain" }, body: JSON.stringify({ query: "{ __typename }" }) }],
      ["none", { body: JSON.stringify({ query: "{ __typename }" }) }],
    ];
    for (const [name, init] of bodies) {
      const res = await t.fetch("/graphql", { method: "POST", ...init });
      expect(res.status, name).toBe(403);
      expect((await errorsOf(res))[0].extensions.code, name).toBe("CSRF_PREVENTED");
    }
    expect((await t.graphql({ query: "{ __typename }" })).status).toBe(200);
  });

  it("allows CORS only for the configured origins", async () => {
    const preflight = (origin: string) =>
      t.fetch("/graphql", {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
      });
    const telegram = await preflight("https://web.telegram.org");
    expect(telegram.headers.get("access-control-allow-origin")).toBe("https://web.telegram.org");
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).not.toBe("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).not.toBe("*");
    const production = await startProductionHarness();
    try {
      const res = await production.fetch("/graphql", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await production.close();
    }
  });

  it("refuses every subscription to an anonymous caller with UNAUTHENTICATED", async () => {
    const subscriptions = [
      `subscription { myOrderUpdates(shopId: "demo-posiflora") { id } }`,
      `subscription { orderStatusChanged(orderId: "00000000-0000-4000-8000-000000000000") { id } }`,
      `subscription { loyaltyBalanceChanged(shopId: "demo-bonusplus") { id } }`,
      `subscription { productSyncProgress(shopId: "demo-bonusplus") { __typename } }`,
    ];
    for (const query of subscriptions) {
      const res = await t.graphql({ query }, { accept: "text/event-stream" });
      const text = await Promise.race([res.text(), new Promise<string>((r) => setTimeout(() => r("(open)"), 1000))]);
      expect(text, query).toContain('"code":"UNAUTHENTICATED"');
      expect(res.status, query).toBe(401);
    }
  });

  it("logs FORBIDDEN and UNAUTHENTICATED at warn with the request id, never at error", async () => {
    t.logs.length = 0;
    await t.graphql(
      { query: `{ customer(shopId: "demo-bonusplus", phone: "+79007654321") { __typename } }` },
      { ...tmaHeader(6_001), "x-request-id": "req-forbidden-1" },
    );
    await t.graphql(
      { query: "{ shops { id } }" },
      { authorization: "Bearer nope-nope-nope-nope", "x-request-id": "req-401-1" },
    );
    await t.graphql({ query: `{ me(shopId: "demo-bonusplus") { __typename } }` }, { "x-request-id": "req-anon-1" });
    const refusedStream = await t.graphql(
      { query: `subscription { myOrderUpdates(shopId: "demo-posiflora") { id } }` },
      { accept: "text/event-stream", "x-request-id": "req-anon-sub-1" },
    );
    await refusedStream.text();
    await new Promise((r) => setTimeout(r, 20));
    const refused = (id: string) => t.logs.find((l) => l.requestId === id && l.msg === "access refused");
    expect(refused("req-forbidden-1")).toMatchObject({ level: "warn", code: "FORBIDDEN" });
    expect(refused("req-401-1")).toMatchObject({ level: "warn", code: "UNAUTHENTICATED" });
    expect(refused("req-anon-1")).toMatchObject({ level: "warn", code: "UNAUTHENTICATED" });
    expect(refused("req-anon-sub-1")).toMatchObject({ level: "warn", code: "UNAUTHENTICATED" });
    expect(t.logs.filter((l) => l.level === "error")).toEqual([]);
  });
});

describe("introspection in production", () => {
  let p: HarnessGateway & { botToken: string };
  beforeAll(async () => {
    p = await startProductionHarness({ TRUSTED_DOCUMENTS: "off" });
  });
  afterAll(() => p.close());

  it("refuses introspection, _service and field suggestions to anonymous and Mini App callers, not to services", async () => {
    const mini = tmaHeader(7_001, { token: p.botToken });
    for (const headers of [{}, mini]) {
      const schema = await errorsOf(await p.graphql({ query: "{ __schema { types { name } } }" }, headers));
      expect(schema[0]?.message).toMatch(/introspection/i);
      const type = await errorsOf(await p.graphql({ query: `{ __type(name: "Customer") { name } }` }, headers));
      expect(type[0]?.message).toMatch(/introspection/i);
      const sdl = await errorsOf(await p.graphql({ query: "{ _service { sdl } }" }, headers));
      expect(sdl[0]?.extensions.code).toBe("INTROSPECTION_DISABLED");
      const typo = await errorsOf(await p.graphql({ query: "{ shopz { id } }" }, headers));
      expect(typo[0]?.message).toMatch(/Cannot query field "shopz"/);
      expect(typo[0]?.message).not.toMatch(/Did you mean/);
    }
    const service = asService(SERVICE_KEY);
    expect((await errorsOf(await p.graphql({ query: "{ __schema { types { name } } }" }, service))).length).toBe(0);
    const sdl = await (await p.graphql({ query: "{ _service { sdl } }" }, service)).json();
    expect(sdl.data._service.sdl).toContain("type Customer");
    const typo = await errorsOf(await p.graphql({ query: "{ shopz { id } }" }, service));
    expect(typo[0]?.message).toMatch(/Did you mean "shops"/);
  });
});

describe("trusted documents in production", () => {
  let p: HarnessGateway & { botToken: string };
  beforeAll(async () => {
    p = await startProductionHarness();
  });
  afterAll(() => p.close());

  it("lets a Mini App caller run only persisted documents; a service may send any document", async () => {
    const mini = tmaHeader(8_001, { token: p.botToken });
    const arbitrary = await errorsOf(await p.graphql({ query: "{ shops { id } }" }, mini));
    expect(arbitrary[0]?.extensions.code).toBe("PERSISTED_QUERY_ONLY");
    const anonymous = await errorsOf(await p.graphql({ query: "{ shops { id } }" }));
    expect(anonymous[0]?.extensions.code).toBe("PERSISTED_QUERY_ONLY");

    const byId = await (
      await p.graphql({ documentId: hashOf(MyCustomerDocument), variables: { shopId: "prod-shop" } }, mini)
    ).json();
    expect(byId).toEqual({ data: { me: null } });
    const apq = await (
      await p.graphql(
        {
          extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(ShopsDocument).replace("sha256:", "") } },
        },
        mini,
      )
    ).json();
    expect(apq.data.shops[0].id).toBe("prod-shop");
    const get = await p.fetch(`/graphql?documentId=${encodeURIComponent(hashOf(ShopsDocument))}`, { headers: mini });
    expect((await get.json()).data.shops[0].id).toBe("prod-shop");
    const unknown = await errorsOf(await p.graphql({ documentId: "sha256:0000" }, mini));
    expect(unknown[0]?.extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    const service = await (await p.graphql({ query: "{ shops { id } }" }, asService(SERVICE_KEY))).json();
    expect(service.data.shops).toEqual([{ id: "prod-shop" }]);
  });

  it("applies to subscriptions over SSE too, and can be turned off", async () => {
    const mini = tmaHeader(8_002, { token: p.botToken });
    const res = await p.graphql(
      { query: `subscription { myOrderUpdates(shopId: "prod-shop") { id } }` },
      { ...mini, accept: "text/event-stream" },
    );
    expect(await res.text()).toContain("PERSISTED_QUERY_ONLY");
    const persisted = await p.graphql(
      { documentId: hashOf(MyOrderUpdatesDocument), variables: { shopId: "prod-shop" } },
      { ...mini, accept: "text/event-stream" },
    );
    expect(persisted.status).toBe(200);
    const reader = persisted.body!.getReader();
    await reader.read();
    await reader.cancel();

    const open = await startProductionHarness({ TRUSTED_DOCUMENTS: "off" });
    try {
      const mine = tmaHeader(8_003, { token: open.botToken });
      expect((await (await open.graphql({ query: "{ shops { id } }" }, mine)).json()).data.shops).toHaveLength(1);
    } finally {
      await open.close();
    }
  });
});

describe("rate limits on fields that reach a vendor", () => {
  let t: HarnessGateway;
  beforeAll(async () => {
    t = await startHarness({
      RATE_LIMIT_TELEGRAM_USER: "3",
      RATE_LIMIT_API_KEY: "2",
      RATE_LIMIT_IP: "2",
      RATE_LIMIT_WINDOW_SECONDS: "60",
    });
  });
  afterAll(() => t.close());

  const calc = `query C($input: LoyaltyCalculationInput!) { loyaltyCalculation(input: $input) { __typename ... on Error { code } ... on ProviderError { providerId retryAfterSeconds } } }`;

  it("per Telegram user: the field's ProviderError where it has one, else a top-level RATE_LIMITED", async () => {
    const me = tmaHeader(9_001);
    for (let i = 0; i < 3; i++) {
      const body = await (await t.graphql({ query: calc, variables: cart() }, me)).json();
      expect(body.data.loyaltyCalculation.__typename, `call ${i}`).toBe("QueryLoyaltyCalculationSuccess");
    }
    const limited = await (await t.graphql({ query: calc, variables: cart() }, me)).json();
    expect(limited.data.loyaltyCalculation).toMatchObject({
      __typename: "ProviderError",
      code: "RATE_LIMITED",
      providerId: "gateway",
    });
    expect(limited.data.loyaltyCalculation.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.data.loyaltyCalculation.retryAfterSeconds).toBeLessThanOrEqual(60);

    const meField = await (await t.graphql({ query: `{ me(shopId: "demo-bonusplus") { __typename } }` }, me)).json();
    expect(meField.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED" });
    expect(meField.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);

    const other = await (await t.graphql({ query: calc, variables: cart() }, tmaHeader(9_002))).json();
    expect(other.data.loyaltyCalculation.__typename).toBe("QueryLoyaltyCalculationSuccess");
  });

  it("per API key, counting each alias", async () => {
    const two = `{ a: customer(shopId: "demo-bonusplus", phone: "+79001234567") { __typename } b: customer(shopId: "demo-bonusplus", phone: "+79007654321") { __typename } }`;
    const first = await (await t.graphql({ query: two }, asService())).json();
    expect([first.data.a.__typename, first.data.b.__typename]).toEqual([
      "QueryCustomerSuccess",
      "QueryCustomerSuccess",
    ]);
    const third = await (
      await t.graphql(
        {
          query: `{ customer(shopId: "demo-bonusplus", phone: "+79001234567") { __typename ... on ProviderError { code retryAfterSeconds } } }`,
        },
        asService(),
      )
    ).json();
    expect(third.data.customer).toMatchObject({ __typename: "ProviderError", code: "RATE_LIMITED" });
  });

  it("per client IP for anonymous callers; fields that reach no vendor are not counted", async () => {
    const stores = `{ stores(shopId: "demo-posiflora") { __typename ... on Error { code } } }`;
    for (let i = 0; i < 5; i++)
      expect((await t.graphql({ query: "{ shops { id } }" }, {}, "203.0.113.7")).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const ok = await (await t.graphql({ query: stores }, {}, "203.0.113.7")).json();
      expect(ok.data.stores.__typename).toBe("QueryStoresSuccess");
    }
    const limited = await (await t.graphql({ query: stores }, {}, "203.0.113.7")).json();
    expect(limited.data.stores).toMatchObject({ __typename: "ProviderError", code: "RATE_LIMITED" });
    const elsewhere = await (await t.graphql({ query: stores }, {}, "198.51.100.9")).json();
    expect(elsewhere.data.stores.__typename).toBe("QueryStoresSuccess");
  });

  it.skipIf(!process.env.REDIS_URL)("shares the counters between instances through Redis", async () => {
    const prefix = `lg-rl-shared:${Date.now()}:`;
    const a = await startHarness({ CACHE_PREFIX: prefix, RATE_LIMIT_API_KEY: "2" });
    const b = await startHarness({ CACHE_PREFIX: prefix, RATE_LIMIT_API_KEY: "2" });
    try {
      const q = `{ customer(shopId: "demo-bonusplus", phone: "+79001234567") { __typename ... on Error { code } } }`;
      await a.graphql({ query: q }, asService());
      await b.graphql({ query: q }, asService());
      const third = await (await a.graphql({ query: q }, asService())).json();
      expect(third.data.customer.code).toBe("RATE_LIMITED");
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("the Mini App's own documents fit the default limits", () => {
  it("passes every persisted document through the default limits", async () => {
    const persisted: Record<string, string> = JSON.parse(
      readFileSync(path.resolve("generated/graphql/persisted-documents.json"), "utf8"),
    );
    const t = await startHarness();
    try {
      for (const [id, query] of Object.entries(persisted)) {
        const subscription = query.includes("subscription ");
        // Without variables the operation stops at coercion, after every limit has been applied.
        const res = await t.graphql(
          { query },
          { ...asService(), ...(subscription ? { accept: "text/event-stream" } : {}) },
        );
        const text = subscription ? await readFirst(res) : await res.text();
        expect(text, id).not.toMatch(/limit of \d+ exceeded|COST_LIMIT_EXCEEDED|PERSISTED_QUERY/);
        expect(text, id).toMatch(/got invalid value|was not provided|"data"/);
      }
    } finally {
      await t.close();
    }
  });
});

async function readFirst(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  let text = "";
  while (!text.includes("data:")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  await reader.cancel();
  return text;
}
