import {
  getNamedType,
  Kind,
  parse,
  typeFromAST,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  OperationTypeNode,
} from "graphql";
import { signInitData } from "../../src/auth/telegram-init-data.ts";

/** mulberry32: a small seeded PRNG, so a run with the same FUZZ_SEED generates the same inputs. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const SHOPS = ["demo-posiflora", "demo-bonusplus", "demo-loyalclient", "demo-rkeeper", "demo-integrations"];
const PHONES = ["+79001234567", "+79007654321", "+79000000003", "+79000000004", "89001234567", "79990000000"];
const IDS = [
  "f1000000-0000-4000-a000-000000000002",
  "f1000000-0000-4000-a000-000000000001",
  "00000000-0000-4000-8000-000000000000",
  "store-1",
  "store-2",
  "qr-anna-501",
];
/** Hostile strings: injections, traversal, control characters, Unicode, sizes. */
export const HOSTILE = [
  "",
  " ",
  "' OR '1'='1' --",
  '"; DROP TABLE "Order"; --',
  "<script>alert(1)</script>",
  "${jndi:ldap://127.0.0.1/a}",
  "{{7*7}}",
  "../../../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "\u0000",
  "\u0000\u0001\u001f\u007f",
  "\ud800",
  "🙂".repeat(300),
  "ё".repeat(5000),
  "a".repeat(70_000),
  "%s%s%s%n",
  "__proto__",
  "constructor",
  "null",
  "NaN",
  "-1",
  "1e309",
  "\\u0000",
  "\r\nX-Injected: 1",
  "http://169.254.169.254/latest/meta-data/",
  "$where: '1 == 1'",
  '{"$gt": ""}',
];
const INTS = [0, 1, -1, 2, 10, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e308, 3.5, -0];

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
  operationName?: string;
  kind: "query" | "mutation" | "subscription";
  rootField: string;
}

/** Random operations over every root field of the schema, with valid-looking and hostile arguments. */
export class OperationGenerator {
  private readonly roots: Array<{ kind: GeneratedOperation["kind"]; type: GraphQLObjectType }>;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rng: Prng,
  ) {
    this.roots = [
      { kind: "query" as const, type: schema.getQueryType()! },
      { kind: "mutation" as const, type: schema.getMutationType()! },
      { kind: "subscription" as const, type: schema.getSubscriptionType()! },
    ].filter((r) => r.type);
  }

  /**
   * One of the Mini App's own documents (the persisted ones) with generated variables: real flows
   * (create, apply, confirm, cancel) fed with plausible and hostile values.
   */
  documentOperation(documents: string[]): GeneratedOperation {
    const query = this.rng.pick(documents);
    const doc = parse(query);
    const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    const variables: Record<string, unknown> = {};
    for (const v of op && op.kind === Kind.OPERATION_DEFINITION ? (op.variableDefinitions ?? []) : []) {
      const type = typeFromAST(this.schema, v.type as never);
      if (type && (!isNonNullType(type) ? this.rng.chance(0.7) : true)) {
        variables[v.variable.name.value] = this.value(type as GraphQLInputType, 0, true);
      }
    }
    const kind = op && op.kind === Kind.OPERATION_DEFINITION ? op.operation : OperationTypeNode.QUERY;
    const root =
      kind === OperationTypeNode.MUTATION
        ? this.schema.getMutationType()
        : kind === OperationTypeNode.SUBSCRIPTION
          ? this.schema.getSubscriptionType()
          : this.schema.getQueryType();
    const first = op && op.kind === Kind.OPERATION_DEFINITION ? op.selectionSet.selections[0] : undefined;
    return {
      query,
      variables,
      kind,
      rootField: `${root?.name}.${first && first.kind === Kind.FIELD ? first.name.value : "?"}`,
    };
  }

  /** Every root coordinate, for coverage counts. */
  rootFields(): string[] {
    return this.roots.flatMap((r) => Object.keys(r.type.getFields()).map((f) => `${r.type.name}.${f}`));
  }

  operation(): GeneratedOperation {
    const rng = this.rng;
    const weights = rng.next();
    const root = weights < 0.6 ? this.roots[0]! : weights < 0.9 ? this.roots[1]! : (this.roots[2] ?? this.roots[0]!);
    const fields = Object.values(root.type.getFields());
    const count = root.kind === "subscription" ? 1 : 1 + (rng.chance(0.2) ? rng.int(3) : 0);
    const vars: string[] = [];
    const variables: Record<string, unknown> = {};
    const selections: string[] = [];
    let first = "";
    for (let i = 0; i < count; i++) {
      const field = rng.pick(fields);
      first ||= field.name;
      const alias = count > 1 || rng.chance(0.1) ? `f${i}: ` : "";
      selections.push(`${alias}${field.name}${this.args(field, vars, variables)}${this.selection(field.type, 0)}`);
    }
    const name = rng.chance(0.3) ? `Op${rng.int(1000)}` : "";
    const header = vars.length ? `(${vars.join(", ")})` : "";
    const keyword = root.kind === "query" && !name && !header && rng.chance(0.5) ? "" : `${root.kind} ${name}${header}`;
    return {
      query: `${keyword} { ${selections.join(" ")} }`.trim(),
      variables,
      operationName: name && rng.chance(0.8) ? name : undefined,
      kind: root.kind,
      rootField: `${root.type.name}.${first}`,
    };
  }

  private args(field: GraphQLField<unknown, unknown>, vars: string[], variables: Record<string, unknown>): string {
    const parts: string[] = [];
    for (const arg of field.args) {
      if (!isNonNullType(arg.type) && this.rng.chance(0.4)) continue;
      if (isNonNullType(arg.type) && this.rng.chance(0.03)) continue; // a missing required argument
      if (this.rng.chance(0.45)) {
        const name = `v${vars.length}`;
        vars.push(`$${name}: ${this.rng.chance(0.05) ? "String" : String(arg.type)}`);
        variables[name] = this.value(arg.type, 0, true);
        parts.push(`${arg.name}: $${name}`);
      } else {
        parts.push(`${arg.name}: ${this.literal(arg, 0)}`);
      }
    }
    if (this.rng.chance(0.03)) parts.push(`unknownArg: 1`);
    return parts.length ? `(${parts.join(", ")})` : "";
  }

  private literal(arg: GraphQLArgument, depth: number): string {
    return toLiteral(this.value(arg.type, depth, false), getNamedType(arg.type));
  }

  /** A value for an input type: mostly well-formed, sometimes of the wrong type, null, or hostile. */
  value(type: GraphQLInputType, depth: number, forVariable: boolean): unknown {
    const rng = this.rng;
    if (rng.chance(0.04)) return rng.pick([null, "x", 42, true, [], {}, HOSTILE[rng.int(HOSTILE.length)]]);
    if (isNonNullType(type)) return this.value(type.ofType, depth, forVariable);
    if (isListType(type)) {
      const n = depth > 2 ? 0 : rng.chance(0.05) ? 150 + rng.int(200) : rng.int(4);
      return Array.from({ length: n }, () => this.value(type.ofType, depth + 1, forVariable));
    }
    if (isEnumType(type)) {
      const values = type.getValues().map((v) => v.name);
      return rng.chance(0.9) ? { __enum: rng.pick(values) } : { __enum: "NOT_A_VALUE" };
    }
    if (isInputObjectType(type)) {
      const out: Record<string, unknown> = {};
      for (const f of Object.values(type.getFields())) {
        if (!isNonNullType(f.type) && rng.chance(0.5)) continue;
        if (isNonNullType(f.type) && rng.chance(0.03)) continue;
        out[f.name] = this.value(f.type, depth + 1, forVariable);
      }
      if (rng.chance(0.03)) out.extraField = "x";
      return out;
    }
    if (isScalarType(type)) {
      switch (type.name) {
        case "Int":
        case "MinorUnits":
          return rng.chance(0.85) ? rng.pick(INTS) : rng.pick(["12", "abc", 1.5, 1e20]);
        case "Float":
          return rng.next() * 1000;
        case "Boolean":
          return rng.chance(0.9) ? rng.chance(0.5) : "true";
        case "ID":
        case "String":
        default:
          return this.text();
      }
    }
    return null;
  }

  private text(): string {
    const rng = this.rng;
    const r = rng.next();
    if (r < 0.3) return rng.pick(SHOPS);
    if (r < 0.5) return rng.pick(PHONES);
    if (r < 0.68) return rng.pick(IDS);
    if (r < 0.73) return "RUB";
    if (r < 0.8) return `k-${rng.int(1_000_000)}`;
    return rng.pick(HOSTILE);
  }

  private selection(outputType: Parameters<typeof getNamedType>[0], depth: number): string {
    const type = getNamedType(outputType) as GraphQLNamedType;
    if (isScalarType(type) || isEnumType(type)) return "";
    if (depth > 5) return " { __typename }";
    const rng = this.rng;
    if (isUnionType(type)) {
      const members = type.getTypes();
      const parts = ["__typename"];
      for (const m of members) if (rng.chance(0.5)) parts.push(`... on ${m.name}${this.selection(m, depth + 1)}`);
      if (rng.chance(0.5)) parts.push("... on Error { code message }");
      return ` { ${parts.join(" ")} }`;
    }
    if (isObjectType(type) || isInterfaceType(type)) {
      const fields = Object.values(type.getFields());
      const parts = new Set<string>(["__typename"]);
      const n = 1 + rng.int(Math.min(4, fields.length));
      for (let i = 0; i < n; i++) {
        const f = rng.pick(fields);
        const args = f.args.filter((a) => isNonNullType(a.type) || rng.chance(0.3));
        const argText = args.length ? `(${args.map((a) => `${a.name}: ${this.literal(a, 0)}`).join(", ")})` : "";
        parts.add(`${f.name}${argText}${this.selection(f.type, depth + 1)}`);
      }
      if (rng.chance(0.02)) parts.add("noSuchField");
      return ` { ${[...parts].join(" ")} }`;
    }
    return "";
  }
}

/** A JavaScript value as a GraphQL literal. */
export function toLiteral(value: unknown, named?: GraphQLNamedType): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "object" && value && "__enum" in value) return String((value as { __enum: string }).__enum);
  if (Array.isArray(value)) return `[${value.map((v) => toLiteral(v, named)).join(", ")}]`;
  if (typeof value === "object") {
    const fields = isInputObjectType(named) ? named.getFields() : {};
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${toLiteral(v, fields[k] ? getNamedType(fields[k].type) : undefined)}`)
      .join(", ")} }`;
  }
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "1e400";
  if (typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** Variables as JSON: enums as their names. */
export function plainVariables(variables: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(variables, (_k, v) => (v && typeof v === "object" && "__enum" in v ? v.__enum : v)),
  ) as Record<string, unknown>;
}

/** Breaks a document the way a hostile or buggy client would. */
export function mangle(query: string, rng: Prng): string {
  const r = rng.next();
  if (r < 0.2) return query.slice(0, rng.int(query.length));
  if (r < 0.4) {
    const at = rng.int(query.length);
    return (
      query.slice(0, at) +
      rng.pick(["{", "}", "(", ")", "[", '"', "$", "@", "...", "#", "\\", "\u0000", ":"]) +
      query.slice(at)
    );
  }
  if (r < 0.5) return query.replace(/\w+/, "");
  if (r < 0.6) return `${query} ${query}`;
  if (r < 0.7) return `query A { ...F } fragment F on Query { ...G } fragment G on Query { ...F }`;
  if (r < 0.75) return `{ ${"a: __typename ".repeat(rng.int(60))} }`;
  if (r < 0.8) return `{ __typename ${"@skip(if: false) ".repeat(rng.int(80))} }`;
  if (r < 0.85) return `{ ${"[".repeat(rng.int(4000))} }`;
  if (r < 0.9) return `{ shops { ${"... on Shop { ".repeat(rng.int(300))} id ${"} ".repeat(300)} } }`;
  if (r < 0.95) return Array.from({ length: rng.int(200) }, () => String.fromCharCode(rng.int(0x3000))).join("");
  return `subscription { ${query} }`;
}

export interface Caller {
  name: string;
  headers: Record<string, string>;
}

/** Who sends the input: nobody, Mini App users (some with bad initData), services, garbage credentials. */
export function callers(botToken: string, serviceKey: string): Caller[] {
  const tma = (id: number, authDate = Math.floor(Date.now() / 1000) - 5) =>
    `tma ${signInitData({ user: JSON.stringify({ id, first_name: "Fuzz" }), auth_date: String(authDate) }, botToken)}`;
  return [
    { name: "anonymous", headers: {} },
    { name: "tma", headers: { authorization: tma(700_001) } },
    { name: "tma2", headers: { authorization: tma(700_002) } },
    { name: "service", headers: { authorization: `Bearer ${serviceKey}` } },
    { name: "tma-expired", headers: { authorization: tma(700_003, 1_000_000) } },
    { name: "tma-forged", headers: { authorization: tma(700_004).replace("Fuzz", "Evil") } },
    { name: "bearer-unknown", headers: { authorization: "Bearer not-a-key-not-a-key" } },
    { name: "garbage", headers: { authorization: "tma" } },
    { name: "garbage2", headers: { authorization: "Bearer" } },
    { name: "basic", headers: { authorization: "Basic YWRtaW46YWRtaW4=" } },
  ];
}
