import { describe, expect, it } from "vitest";
import { parse, validate } from "graphql";
import { schema } from "../graphql/index.ts";
import {
  isVendorRootField,
  NON_VENDOR_ROOT_FIELDS,
  VENDOR_NESTED_FIELDS,
  VENDOR_ROOT_FIELDS,
} from "../graphql/vendor-fields.ts";
import { boundedParserCache, costTable, nestingDepth, vendorCostRule } from "./limits.ts";

describe("document limits", () => {
  it("measures nesting without recursion, skipping strings and comments", () => {
    expect(nestingDepth("{ a { b } }", 10)).toBe(2);
    expect(nestingDepth(`{ a(x: "{{{{{{") # [[[[[[\n }`, 10)).toBe(2);
    expect(nestingDepth(`{ a(x: """ [[[[ """) }`, 10)).toBe(2);
    expect(nestingDepth("[".repeat(100_000), 64)).toBe(65); // stops at the limit
  });

  it("names only fields of the schema as vendor fields", () => {
    const missing = [...NON_VENDOR_ROOT_FIELDS, ...VENDOR_NESTED_FIELDS].filter((coordinate) => {
      const [type, field] = coordinate.split(".");
      const t = schema.getType(type!) as { getFields?: () => Record<string, unknown> } | undefined;
      return !t?.getFields?.()[field!];
    });
    expect(missing).toEqual([]);
    // Default-deny: the documented vendor fields and any root field not known to be local count.
    expect(VENDOR_ROOT_FIELDS.every((c) => isVendorRootField(c))).toBe(true);
    expect(isVendorRootField("Mutation.someNewMutation")).toBe(true);
    expect(isVendorRootField("Query.shops")).toBe(false);
  });

  it("costs vendor fields as configured, an override per field included", () => {
    const table = costTable({ costVendorField: 100, costVendorNestedField: 10, costFields: { "Query.stores": 5 } });
    const cost = (query: string, max: number) => validate(schema, parse(query), [vendorCostRule(table, max)]);
    const two = `{ a: catalog(shopId: "s") { __typename } b: catalog(shopId: "s") { __typename } }`;
    expect(cost(two, 201)).toEqual([]);
    expect(cost(two, 199)[0]?.extensions.code).toBe("COST_LIMIT_EXCEEDED");
    expect(cost(`{ stores(shopId: "s") { __typename } }`, 6)).toEqual([]);
    // A fragment spread many times costs each time, without re-walking it.
    const spread = `{ ...F ...F ...F } fragment F on Query { customer(shopId: "s", phone: "p") { __typename } }`;
    expect(cost(spread, 299)[0]?.extensions.code).toBe("COST_LIMIT_EXCEEDED");
  });

  it("bounds the parsed-document cache in bytes", () => {
    const { documentCache } = boundedParserCache(1_000_000);
    for (let i = 0; i < 2_000; i++) documentCache.set(`{ f${i} ${"x ".repeat(500)} }`, parse("{ a }"));
    expect(documentCache.calculatedSize).toBeLessThanOrEqual(1_000_000);
    documentCache.set("y".repeat(2_000_000), parse("{ a }"));
    expect(documentCache.has("y".repeat(2_000_000))).toBe(false);
  });
});
