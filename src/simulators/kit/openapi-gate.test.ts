import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeProblems, openApiGate } from "./openapi-gate.ts";
import { type OpenApiDocument, OpenApiValidator } from "./openapi-validator.ts";
import { takeNotes } from "./violations.ts";

const doc = JSON.parse(readFileSync(new URL("../posiflora/openapi.json", import.meta.url), "utf8")) as OpenApiDocument;
const validator = new OpenApiValidator(doc);
const check = (method: string, path: string, query = "", body?: unknown, contentType = "application/vnd.api+json") =>
  validator.check({
    method,
    path,
    query: new URLSearchParams(query),
    body,
    contentType: body === undefined ? undefined : contentType,
  });

describe("OpenApiValidator on the Posiflora subset", () => {
  it("matches the most literal template, and checks path parameters by their schema", () => {
    expect(validator.operation("GET", "/v1/catalog/categories")?.template).toBe("/v1/catalog/categories");
    expect(validator.operation("GET", "/v1/catalog/cat-roses")?.template).toBe("/v1/catalog/{category}");
    expect(validator.operation("GET", "/v1/no-such-thing")).toBeNull();
    expect(check("GET", "/v1/bonus-groups/57").problems).toEqual([]);
    expect(check("GET", "/v1/bonus-groups/abc").problems).toEqual([
      { in: "path", at: "id", message: "must be an integer" },
    ]);
  });

  it("takes declared query parameters of their type only, arrays comma-separated with their enum", () => {
    expect(check("GET", "/v1/customers", "search=7900&include=bonusGroup,person").problems).toEqual([]);
    expect(check("GET", "/v1/customers", "include=orders").problems).toEqual([
      { in: "query", at: "include", message: expect.stringContaining("must be one of") },
    ]);
    expect(check("GET", "/v1/orders", "sort=updatedAt").problems).toEqual([
      { in: "query", at: "sort", message: "is not a declared query parameter" },
    ]);
    expect(check("GET", "/v1/orders", "filter[updatedAt][from]=yesterday").problems[0]).toMatchObject({
      message: "must be a date-time",
    });
    // The readings added by scripts/posiflora-openapi-subset.ts: JSON:API pagination where answers report meta.page.
    expect(
      check("GET", "/v1/inventory-items/x/warehouse-movement/s", "page[number]=2&page[size]=100").problems,
    ).toEqual([]);
    expect(check("GET", "/v1/inventory-items/x/warehouse-movement/s", "page[size]=0").problems).toHaveLength(1);
  });

  it("marks fields no schema describes as undocumented, and checks the body's media type", () => {
    const body = { data: { type: "orders", attributes: { status: "canceled", cancelComment: "x" } } };
    expect(check("PATCH", "/v1/orders/1", "", body).problems).toEqual([
      {
        in: "body",
        at: "/data/attributes/cancelComment",
        message: "is not described by the documents",
        undocumented: true,
      },
    ]);
    expect(check("PATCH", "/v1/orders/1", "", body, "application/json").problems).toEqual([
      { in: "header", at: "content-type", message: "must be application/vnd.api+json" },
    ]);
    expect(check("GET", "/v1/orders/1", "", {}).problems).toEqual([
      { in: "body", at: "", message: "this operation takes no request body" },
    ]);
  });
});

describe("openApiGate", () => {
  const gate = openApiGate(validator, {
    basePath: "/api",
    refuse: (problems) => Response.json({ problems: describeProblems(problems) }, { status: 400 }),
  });

  it("refuses errors and notes them, lets undocumented fields through noted, and leaves other paths alone", async () => {
    const bad = new Request("http://pf.test/api/v1/orders?sort=x");
    expect((await gate(bad))?.status).toBe(400);
    expect(takeNotes(bad)).toEqual([{ kind: "query", detail: "query sort: is not a declared query parameter" }]);

    const extra = new Request("http://pf.test/api/v1/orders/1", {
      method: "PATCH",
      headers: { "content-type": "application/vnd.api+json" },
      body: JSON.stringify({ data: { attributes: { externalId: "x" } } }),
    });
    expect(await gate(extra)).toBeNull();
    expect(takeNotes(extra)).toEqual([
      { kind: "body", status: 0, detail: "body /data/attributes/externalId: is not described by the documents" },
    ]);
    // The route still reads the body.
    expect(await extra.json()).toEqual({ data: { attributes: { externalId: "x" } } });

    expect(await gate(new Request("http://pf.test/__sim/state"))).toBeNull();
    expect(await gate(new Request("http://pf.test/api/v1/not-documented?x=1"))).toBeNull();
  });
});
