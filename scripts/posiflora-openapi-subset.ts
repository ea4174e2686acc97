/**
 * Writes src/simulators/posiflora/openapi.json: the operations of Posiflora's OpenAPI document
 * (shared/providers/posiflora-openapi.json, 2022_16-v2, about 1 MB) that the gateway calls, with every
 * schema they reference, so that the simulator validates requests against the vendor's own words and
 * the repository stays self-contained (CI copies shared/ beside it; the simulator never reads it).
 *
 *   npx tsx scripts/posiflora-openapi-subset.ts [path/to/posiflora-openapi.json]
 *
 * Only request-side parts are kept (parameters and request bodies; responses and examples are dropped).
 * $refs, which in this document also point into other operations' responses, are resolved and copied
 * under components.schemas. Three readings are added on top, each marked `x-reading` in the output:
 * see READINGS below. Nothing else is changed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = path.resolve(import.meta.dirname, "..");
export const POSIFLORA_OPENAPI_SOURCE = path.resolve(ROOT, "../shared/providers/posiflora-openapi.json");
export const POSIFLORA_OPENAPI_SUBSET = path.resolve(ROOT, "src/simulators/posiflora/openapi.json");

/** What the adapters call (src/providers/posiflora/*.ts) and the simulator serves. */
const OPERATIONS: Array<[string, string]> = [
  ["/v1/sessions", "post"],
  ["/v1/sessions", "patch"],
  ["/v1/customers", "get"],
  ["/v1/customers", "post"],
  ["/v1/customers/{id}", "patch"],
  ["/v1/customers/{id}/bonus-history", "get"],
  ["/v1/bonus-groups/{id}", "get"],
  ["/v1/orders", "get"],
  ["/v1/orders", "post"],
  ["/v1/orders/{id}", "get"],
  ["/v1/orders/{id}", "patch"],
  ["/v1/orders/{id}/return", "patch"],
  ["/v1/orders/{id}/payments", "post"],
  ["/v1/orders/{id}/delivery-status", "patch"],
  ["/v1/order-sources", "get"],
  ["/v1/order-sources", "post"],
  ["/v1/order-sources/{id}", "get"],
  ["/v1/catalog/categories", "get"],
  ["/v1/catalog/categories/{id}", "get"],
  ["/v1/catalog/{category}", "get"],
  ["/v1/catalog/inventory-items/{id}", "get"],
  ["/v1/stores", "get"],
  ["/v1/stores/{id}", "get"],
  ["/v1/inventory-items", "get"],
  ["/v1/inventory-items/{id}/warehouse-movement/{storeId}", "get"],
];

/**
 * The readings added to the vendor's schemas. Each is a fact the documents state outside the schema;
 * the adapter READMEs quote them.
 */
const READINGS = {
  pagination:
    "JSON:API reserves the `page` query family for pagination, and this operation's answer reports " +
    "`meta.page {number, size}`: page[number] and page[size] are its pagination parameters",
  orderLines:
    "POST /v1/orders: the schema has no `relationships.lines`, but the operation's own example sends the lines " +
    "inline (`relationships.lines.data[]`, type order-lines, attributes as decimal strings, an `item` " +
    "relationship to inventory-items), and providers.md says the same",
  decimalAmount: "the spec says int32, but live data has 5142.5 (providers.md: treat amounts as decimal)",
} as const;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** The subset of `source` (the whole vendor document), as the text the simulator reads. */
export function posifloraSubset(source: Obj): string {
  const schemas: Obj = {};
  const named = new Map<string, string>();

  function pointer(doc: Json, ref: string): Json {
    if (!ref.startsWith("#/")) throw new Error(`external $ref ${ref}`);
    let at: Json = doc;
    for (const raw of ref.slice(2).split("/")) {
      const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
      if (at === null || typeof at !== "object") throw new Error(`unresolved $ref ${ref}`);
      at = (at as Obj)[key] ?? (Array.isArray(at) ? at[Number(key)]! : undefined)!;
      if (at === undefined) throw new Error(`unresolved $ref ${ref}`);
    }
    return at;
  }

  /** A component name for a referenced fragment: its own name for `#/components/schemas/X`, else one made from its pointer. */
  function nameFor(ref: string): string {
    const known = named.get(ref);
    if (known) return known;
    const plain = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1];
    let base =
      plain ??
      decodeURIComponent(ref)
        .replace(/^#\/(paths|components)\//, "")
        .replace(/~1/g, "/")
        .replace(/\/(get|post|patch|put|delete)\//, "_$1_")
        .replace(/application\/vnd\.api\+json/g, "")
        .replace(/\b(content|schema|properties|responses|requestBody)\b/g, "")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "");
    while ([...named.values()].includes(base)) base += "_";
    named.set(ref, base);
    return base;
  }

  const DROP = new Set(["example", "examples", "description", "title", "summary"]);

  /** A copy without examples and prose, with every $ref resolved into components.schemas. */
  function copy(node: Json): Json {
    if (Array.isArray(node)) return node.map(copy);
    if (node === null || typeof node !== "object") return node;
    if (typeof node.$ref === "string") {
      const ref = node.$ref;
      const name = nameFor(ref);
      if (!(name in schemas)) {
        schemas[name] = {}; // placeholder: the fragment may refer to itself
        schemas[name] = copy(pointer(source, ref));
      }
      return { $ref: `#/components/schemas/${name}` };
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(node)) {
      // `properties` holds field names, which may be "description" or "title" themselves.
      if (DROP.has(k) && typeof v !== "object") continue;
      if (DROP.has(k) && (k === "example" || k === "examples")) continue;
      out[k] =
        k === "properties" ? Object.fromEntries(Object.entries(v as Obj).map(([p, s]) => [p, copy(s)])) : copy(v);
    }
    return out;
  }

  function responseHasPageMeta(op: Obj): boolean {
    let ok = (op.responses as Obj | undefined)?.["200"] as Obj | undefined;
    // A shared response (`#/components/responses/...`) is read where it is defined.
    if (ok && typeof ok.$ref === "string") ok = pointer(source, ok.$ref) as Obj;
    const content = ok?.content as Obj | undefined;
    const media = (content?.["application/vnd.api+json"] ?? content?.["application/json"]) as Obj | undefined;
    let schema = media?.schema as Json;
    if (schema && typeof schema === "object" && !Array.isArray(schema) && typeof schema.$ref === "string")
      schema = pointer(source, schema.$ref);
    const meta = ((schema as Obj | undefined)?.properties as Obj | undefined)?.meta as Obj | undefined;
    return Boolean((meta?.properties as Obj | undefined)?.page);
  }

  const paths: Obj = {};
  for (const [p, method] of OPERATIONS) {
    const item = (source.paths as Obj)[p] as Obj | undefined;
    const op = item?.[method] as Obj | undefined;
    if (!op) throw new Error(`${method.toUpperCase()} ${p} is not in the source document`);
    const parameters = [...((item!.parameters as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])].map((prm) =>
      copy(typeof (prm as Obj).$ref === "string" ? pointer(source, (prm as Obj).$ref as string) : prm),
    ) as Obj[];
    if (method === "get" && responseHasPageMeta(op)) {
      for (const name of ["page[number]", "page[size]"])
        if (!parameters.some((x) => x.name === name))
          parameters.push({
            name,
            in: "query",
            required: false,
            schema: { type: "integer", minimum: 1 },
            "x-reading": READINGS.pagination,
          });
    }
    let requestBody = op.requestBody as Json;
    if (requestBody && typeof requestBody === "object" && typeof (requestBody as Obj).$ref === "string")
      requestBody = pointer(source, (requestBody as Obj).$ref as string);
    const out: Obj = { ...(op.operationId ? { operationId: op.operationId } : {}), parameters };
    if (requestBody) out.requestBody = copy(requestBody);
    paths[p] = { ...((paths[p] as Obj | undefined) ?? {}), [method]: out };
  }

  /** Walks to a property schema inside an operation's request body. */
  function bodySchema(p: string, method: string): Obj {
    const op = (paths[p] as Obj)[method] as Obj;
    const content = (op.requestBody as Obj).content as Obj;
    return (content["application/vnd.api+json"] as Obj).schema as Obj;
  }
  function deref(s: Obj): Obj {
    return typeof s.$ref === "string" ? (schemas[s.$ref.replace("#/components/schemas/", "")] as Obj) : s;
  }
  function prop(s: Obj, ...names: string[]): Obj {
    let at = deref(s);
    for (const n of names) at = deref((at.properties as Obj)[n] as Obj);
    return at;
  }

  // The order's lines, as the operation's example sends them.
  const decimalText = { type: "string", format: "decimal" };
  const relationshipTo = (type: string) => ({
    type: "object",
    properties: {
      data: {
        type: "object",
        nullable: true,
        properties: { type: { type: "string", enum: [type] }, id: { type: "string" } },
      },
    },
  });
  const createRelationships = prop(bodySchema("/v1/orders", "post"), "data", "relationships");
  (createRelationships.properties as Obj).lines = {
    type: "object",
    "x-reading": READINGS.orderLines,
    properties: {
      data: {
        type: "array",
        items: {
          type: "object",
          required: ["type", "attributes", "relationships"],
          properties: {
            type: { type: "string", enum: ["order-lines"] },
            id: { type: "string" },
            attributes: {
              type: "object",
              required: ["qty", "price"],
              properties: {
                amount: decimalText,
                discountPrice: decimalText,
                manualSetting: { type: "boolean" },
                price: decimalText,
                qty: decimalText,
                totalAmount: decimalText,
                totalAmountWithDiscount: decimalText,
              },
            },
            relationships: {
              type: "object",
              required: ["item"],
              properties: { bouquet: relationshipTo("bouquets"), item: relationshipTo("inventory-items") },
            },
          },
        },
      },
    },
  };

  // A payment's money amount: int32 in the spec, decimal in practice.
  const paymentAttributes = prop(bodySchema("/v1/orders/{id}/payments", "post"), "data", "attributes");
  (paymentAttributes.properties as Obj).amount = { type: "number", "x-reading": READINGS.decimalAmount };

  const info = source.info as Obj;
  const subset = {
    openapi: source.openapi,
    info: {
      title: `${info.title as string} (the operations the gateway calls)`,
      version: info.version,
      "x-source": "shared/providers/posiflora-openapi.json, by scripts/posiflora-openapi-subset.ts; do not edit",
    },
    paths,
    components: { schemas },
  };
  return `${JSON.stringify(subset, null, 1)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const source = process.argv[2] ?? POSIFLORA_OPENAPI_SOURCE;
  const text = posifloraSubset(JSON.parse(readFileSync(source, "utf8")) as Obj);
  writeFileSync(POSIFLORA_OPENAPI_SUBSET, text);
  const { paths, components } = JSON.parse(text) as { paths: Obj; components: { schemas: Obj } };
  console.log(
    `wrote ${path.relative(ROOT, POSIFLORA_OPENAPI_SUBSET)}: ${Object.keys(paths).length} paths, ${Object.keys(components.schemas).length} schemas`,
  );
}
