import { readdirSync, readFileSync } from "node:fs";
import { parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printSchema } from "../../src/graphql/print.ts";
import { schema } from "../../src/graphql/index.ts";
import { derivePgSchema } from "../../src/persistence/pg-schema.ts";
import { asService, startTestGateway, type TestGateway } from "../support/test-gateway.ts";

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

describe("generated files stay in step with the code", () => {
  it("schema/schema.graphql is the printed subgraph SDL (run `npm run schema:print` after a schema change)", () => {
    expect(readFileSync("schema/schema.graphql", "utf8")).toBe(printSchema());
  });

  it("prisma/pg/schema.prisma is derived from the SQLite schema (run `npm run prisma:derive-pg`)", () => {
    expect(readFileSync("prisma/pg/schema.prisma", "utf8")).toBe(
      derivePgSchema(readFileSync("prisma/sqlite/schema.prisma", "utf8")),
    );
  });

  it("every Mini App operation is valid against the schema built from code", () => {
    const files = readdirSync("schema/operations").filter((f) => f.endsWith(".graphql"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const doc = parse(readFileSync(`schema/operations/${file}`, "utf8"));
      expect(
        validate(schema, doc).map((e) => e.message),
        file,
      ).toEqual([]);
    }
  });
});

describe("federation", () => {
  it("serves the subgraph SDL with @key on Customer through _service", async () => {
    const body = await (await t.post("{ _service { sdl } }")).json();
    const sdl: string = body.data._service.sdl;
    expect(sdl).toMatch(/type Customer\s+@key\(fields: "id"\)/);
    expect(sdl).toContain("loyaltyCalculation(");
  });

  it("resolves Customer entities by id for a service", async () => {
    const found = await (
      await t.post(
        `{ customer(shopId: "demo-bonusplus", phone: "+79001234567") { ... on QueryCustomerSuccess { data { id } } } }`,
        undefined,
        asService(),
      )
    ).json();
    const id = found.data.customer.data.id;
    const query = `query E($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id phone loyalty { ... on LoyaltyAccount { balance } } } } }`;
    const res = await (
      await t.post(
        query,
        {
          r: [
            { __typename: "Customer", id },
            { __typename: "Customer", id },
          ],
        },
        asService(),
      )
    ).json();
    expect(res.data._entities).toEqual([
      { id, phone: "79001234567", loyalty: [{ balance: 500 }] },
      { id, phone: "79001234567", loyalty: [{ balance: 500 }] },
    ]);
    const unknown = await (
      await t.post(query, { r: [{ __typename: "Customer", id: "cus_missing" }] }, asService())
    ).json();
    expect(unknown.data._entities).toEqual([null]);
    expect(unknown.errors[0].extensions.code).toBe("NOT_FOUND");
  });

  it("does not resolve entities for an anonymous caller", async () => {
    const res = await (
      await t.post(
        `query { _entities(representations: [{__typename: "Customer", id: "x"}]) { ... on Customer { id } } }`,
      )
    ).json();
    expect(res.data._entities).toEqual([null]);
    expect(res.errors[0].extensions.code).toBe("NOT_FOUND");
  });
});

describe("operational endpoints", () => {
  it("answers /healthz and /readyz and echoes a request id", async () => {
    const health = await t.gateway.yoga.fetch("http://gateway.test/healthz");
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await t.gateway.yoga.fetch("http://gateway.test/readyz");
    expect(ready.status).toBe(200);
    const res = await t.post("{ shops { id } }", undefined, { "x-request-id": "req-123" });
    expect(res.headers.get("x-request-id")).toBe("req-123");
    const generated = await t.post("{ shops { id } }");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves GraphiQL at /graphql in demo mode", async () => {
    const res = await t.gateway.yoga.fetch("http://gateway.test/graphql", { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("loyalty-gateway");
  });
});
