import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import Database from "libsql";
import type { GraphQLSchema } from "graphql";
import { signWebhook } from "../../src/auth/webhook-signature.ts";
import { type Caller, callers, HOSTILE, mangle, OperationGenerator, plainVariables, Prng } from "./generator.ts";

/** What the fuzzer needs of a gateway: its fetch, its SQLite file, and its simulators' books. */
export interface FuzzTarget {
  fetch(pathAndQuery: string, init?: RequestInit, ip?: string): Promise<Response>;
  databaseFile: string;
  /** The simulators' state as GET /__sim/<id>/state shows it, one string per simulator. */
  simulatorState(): Promise<string>;
  schema: GraphQLSchema;
  botToken: string;
  serviceKey: string;
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** RSS ceiling in MB, checked every 100 inputs. */
  rssCeilingMb: number;
  /** Progress lines (the long run prints them). */
  progress?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  inputs: number;
  byStatus: Record<string, number>;
  byOutcome: Record<string, number>;
  byTransport: Record<string, number>;
  /** Wall time per transport, in ms. */
  msByTransport: Record<string, number>;
  /** The slowest inputs (ms), to see where a run's time goes. */
  slowest: Array<{ ms: number; n: number; transport: string; request: string }>;
  rootFieldsCovered: number;
  rootFieldsTotal: number;
  uncovered: string[];
  serverErrors: Finding[];
  /** Answers carrying the masked "Unexpected error." (a fault the gateway did not expect; logged with its request id). */
  maskedUnexpected: Finding[];
  internalText: Finding[];
  databaseChanges: Finding[];
  /**
   * Error answers to mutations whose only trace is an IdempotencyRecord replaying that error: the
   * domain's design (src/domain/idempotency.ts keeps "lasting" business errors for repeats of the key).
   * Counted, not failed; README "Security" and the report say why it should change.
   */
  idempotencyRefusals: number;
  simulatorChanges: Finding[];
  peakRssMb: number;
  rssCeilingMb: number;
  ms: number;
}

export interface Finding {
  n: number;
  transport: string;
  caller: string;
  status: number;
  request: string;
  answer: string;
}

const TABLES = [
  "Order",
  "OrderTransition",
  "LedgerEntry",
  "IdempotencyRecord",
  "CustomerLink",
  "ProviderCustomerRef",
  "WebhookEvent",
  "ProductExport",
];

/** Text that must never reach a caller: stack frames, file paths, Node's internals, unmasked originals. */
const INTERNAL = [
  /\bat (async )?[\w$.<>]+ \(?[^\s)]*:\d+:\d+\)?/, // a stack frame
  /\/(work|home|usr|tmp|root|app|src|node_modules)\/[\w.-]/,
  /[\w-]+\.(ts|js|mjs|cjs):\d+/,
  /"stack"\s*:/,
  /"originalError"\s*:/,
  /Unexpected error\.[^"]/, // the masked message with text glued to it
  /PrismaClient|prisma\.|SQLITE_|libsql|LibsqlError|ECONNREFUSED|TypeError:|ReferenceError:|RangeError:/,
];

const ERROR_TYPES = /Error$/;

type Transport =
  | "post-json"
  | "post-json-mangled"
  | "get"
  | "get-broken"
  | "post-bad-content-type"
  | "post-bad-body"
  | "post-huge"
  | "batch"
  | "wrong-method"
  | "sse"
  | "persisted-id"
  | "webhook"
  | "odd-path";

export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const rng = new Prng(options.seed);
  const generator = new OperationGenerator(target.schema, rng);
  const who = callers(target.botToken, target.serviceKey);
  const persisted = JSON.parse(
    readFileSync(path.resolve("generated/graphql/persisted-documents.json"), "utf8"),
  ) as Record<string, string>;
  const persistedIds = Object.keys(persisted);
  const documents = Object.values(persisted);
  const db = new Database(target.databaseFile, { readonly: true, fileMustExist: true });
  const countOf = (t: string) => (db.prepare(`select count(*) as n from "${t}"`).get() as { n: number }).n;
  const counts = () =>
    TABLES.filter((t) => t !== "IdempotencyRecord")
      .map((t) => `${t}=${countOf(t)}`)
      .join(",");
  const lastIdempotencyRow = () =>
    (db.prepare(`select coalesce(max(rowid), 0) as n from "IdempotencyRecord"`).get() as { n: number }).n;
  /** Rows written since `after`: null when one of them is not a stored business error. */
  const refusalRecords = (after: number): number | null => {
    const rows = db.prepare(`select response from "IdempotencyRecord" where rowid > ?`).all(after) as Array<{
      response: string | null;
    }>;
    return rows.every((r) => r.response && "error" in (JSON.parse(r.response) as object)) ? rows.length : null;
  };
  const stateHash = async () =>
    createHash("sha256")
      .update(await target.simulatorState())
      .digest("hex");

  const report: FuzzReport = {
    seed: options.seed,
    inputs: 0,
    byStatus: {},
    byOutcome: {},
    byTransport: {},
    msByTransport: {},
    slowest: [],
    rootFieldsCovered: 0,
    rootFieldsTotal: 0,
    uncovered: [],
    serverErrors: [],
    maskedUnexpected: [],
    internalText: [],
    databaseChanges: [],
    idempotencyRefusals: 0,
    simulatorChanges: [],
    peakRssMb: 0,
    rssCeilingMb: options.rssCeilingMb,
    ms: 0,
  };
  const covered = new Set<string>();
  const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);

  try {
    for (let n = 0; n < options.count; n++) {
      // Mostly callers who get past authentication, so the inputs reach the resolvers.
      const r = rng.next();
      const caller =
        r < 0.2 ? who[0]! : r < 0.45 ? who[1]! : r < 0.55 ? who[2]! : r < 0.85 ? who[3]! : rng.pick(who.slice(4));
      const ip = `198.51.100.${rng.int(250)}`;
      // A quarter of the inputs are the Mini App's own documents with generated variables.
      const op = rng.chance(0.25) ? generator.documentOperation(documents) : generator.operation();
      covered.add(op.rootField);
      const transport = pickTransport(rng, op.kind);
      const request = buildRequest(transport, op, caller, rng, persistedIds);
      bump(report.byTransport, transport);

      const rowsBefore = counts();
      const idempotencyBefore = countOf("IdempotencyRecord");
      const lastRowBefore = lastIdempotencyRow();
      const stateBefore = await stateHash();
      const t0 = Date.now();
      let res: Response;
      try {
        res = await target.fetch(request.path, request.init, ip);
      } catch (error) {
        // A request the client itself cannot build (a forbidden header value) never reaches the gateway.
        bump(report.byOutcome, "client-refused");
        report.inputs++;
        if (!(error instanceof TypeError)) throw error;
        continue;
      }
      const text = await readAnswer(res, transport === "sse" || op.kind === "subscription");
      report.inputs++;
      const ms = Date.now() - t0;
      report.msByTransport[transport] = (report.msByTransport[transport] ?? 0) + ms;
      if (ms > 250) {
        const body = typeof request.init.body === "string" ? request.init.body.slice(0, 160) : "";
        report.slowest.push({ ms, n, transport, request: `${request.path.slice(0, 60)} ${body}` });
        report.slowest.sort((a, b) => b.ms - a.ms).splice(5);
      }
      bump(report.byStatus, String(res.status));
      const outcome = classify(res.status, text);
      bump(report.byOutcome, outcome);

      const finding = (): Finding => ({
        n,
        transport,
        caller: caller.name,
        status: res.status,
        request: `${request.init.method ?? "GET"} ${request.path.slice(0, 300)} ${describeBody(request.init.body)}`,
        answer: text.slice(0, 600),
      });
      if (res.status >= 500) report.serverErrors.push(finding());
      if (text.includes("Unexpected error.")) report.maskedUnexpected.push(finding());
      // GraphiQL's page (demo mode, a browser's Accept) is a static bundle, not an answer to the input.
      const page = (res.headers.get("content-type") ?? "").includes("text/html");
      if (!page && INTERNAL.some((re) => re.test(text))) report.internalText.push(finding());
      if (outcome !== "data") {
        const rowsAfter = counts();
        const refusals = countOf("IdempotencyRecord") === idempotencyBefore ? 0 : refusalRecords(lastRowBefore);
        if (rowsAfter !== rowsBefore || refusals === null) {
          report.databaseChanges.push({ ...finding(), answer: `${rowsBefore} → ${rowsAfter}; ${finding().answer}` });
        } else if (refusals > 0) report.idempotencyRefusals++;
        if ((await stateHash()) !== stateBefore) report.simulatorChanges.push(finding());
      }
      if (n % 100 === 99) {
        const rss = process.memoryUsage().rss / 1024 / 1024;
        report.peakRssMb = Math.max(report.peakRssMb, Math.round(rss));
        options.progress?.(
          `fuzz ${n + 1}/${options.count}: ${JSON.stringify(report.byStatus)} rss ${Math.round(rss)} MB`,
        );
      }
    }
  } finally {
    db.close();
  }
  report.peakRssMb = Math.max(report.peakRssMb, Math.round(process.memoryUsage().rss / 1024 / 1024));
  const all = generator.rootFields();
  report.rootFieldsTotal = all.length;
  report.rootFieldsCovered = all.filter((f) => covered.has(f)).length;
  report.uncovered = all.filter((f) => !covered.has(f));
  report.ms = Date.now() - started;
  return report;
}

function pickTransport(rng: Prng, kind: string): Transport {
  if (kind === "subscription" && rng.chance(0.6)) return "sse";
  const r = rng.next();
  if (r < 0.42) return "post-json";
  if (r < 0.54) return "post-json-mangled";
  if (r < 0.62) return "get";
  if (r < 0.68) return "get-broken";
  if (r < 0.74) return "post-bad-content-type";
  if (r < 0.8) return "post-bad-body";
  if (r < 0.82) return "post-huge";
  if (r < 0.85) return "batch";
  if (r < 0.88) return "wrong-method";
  if (r < 0.93) return "persisted-id";
  if (r < 0.97) return "webhook";
  return "odd-path";
}

function buildRequest(
  transport: Transport,
  op: ReturnType<OperationGenerator["operation"]>,
  caller: Caller,
  rng: Prng,
  persistedIds: string[],
): { path: string; init: RequestInit } {
  const headers: Record<string, string> = { ...caller.headers };
  if (rng.chance(0.1)) headers["x-request-id"] = rng.pick(["ok-id-1", "x".repeat(500), "../../etc", "a b c"]);
  if (rng.chance(0.05)) headers["x-forwarded-for"] = rng.pick(["1.2.3.4", "garbage", "::1, 10.0.0.1"]);
  const variables = plainVariables(op.variables);
  const json = (body: unknown, type = "application/json"): RequestInit => ({
    method: "POST",
    headers: { ...headers, "content-type": type },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  // A lone surrogate cannot be put in a URL at all (encodeURIComponent throws), so it goes as U+FFFD, as a browser's would.
  const params = (q: string, vars: string) =>
    `query=${encodeURIComponent(q.replace(/\p{Surrogate}/gu, "\uFFFD"))}${vars ? `&variables=${vars}` : ""}${op.operationName ? `&operationName=${op.operationName}` : ""}`;
  switch (transport) {
    case "post-json":
      return { path: "/graphql", init: json({ query: op.query, variables, operationName: op.operationName }) };
    case "post-json-mangled":
      return {
        path: "/graphql",
        init: json({ query: mangle(op.query, rng), variables: mangleVariables(variables, rng) }),
      };
    case "get":
      return {
        path: `/graphql?${params(op.query, encodeURIComponent(JSON.stringify(variables)))}`,
        init: {
          method: "GET",
          headers: {
            ...headers,
            accept: rng.pick(["application/json", "application/graphql-response+json", "*/*", "text/html"]),
          },
        },
      };
    case "get-broken":
      return {
        path: `/graphql?${rng.pick([
          params(op.query, "%7B"),
          params(op.query, "%ZZ"),
          params(op.query, encodeURIComponent("[1,2]")),
          `query=%7B__typename%7D&extensions=%7B`,
          `query=%7B__typename%7D&extensions=${encodeURIComponent('"x"')}`,
          `query=&variables=null`,
          `query[]=1&query[]=2`,
          `documentId=${encodeURIComponent(rng.pick(persistedIds))}&variables=%7B`,
          params(mangle(op.query, rng), ""),
          `query=${"%7B".repeat(3000)}`,
        ])}`,
        init: { method: "GET", headers },
      };
    case "post-bad-content-type": {
      const type = rng.pick([
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/xml",
        "",
        "application/json; charset=utf-16",
        "application/graphql",
        "application/graphql+json",
        "image/png",
      ]);
      const body =
        type === "application/x-www-form-urlencoded" ? params(op.query, "") : JSON.stringify({ query: op.query });
      const init = json(body, type);
      if (!type) delete (init.headers as Record<string, string>)["content-type"];
      return { path: "/graphql", init };
    }
    case "post-bad-body":
      return {
        path: "/graphql",
        init: json(
          rng.pick([
            "{",
            "null",
            "[]",
            "1",
            '"query"',
            "{}",
            '{"query": 1}',
            '{"query": null, "variables": {}}',
            '{"query": "{ __typename }", "variables": "x"}',
            '{"query": "{ __typename }", "variables": [1]}',
            '{"query": "{ __typename }", "extensions": 5}',
            '{"query": "{ __typename }", "operationName": {"a":1}}',
            '{"__proto__": {"polluted": true}, "query": "{ __typename }"}',
            '{"query": "{ __typename }", "documentId": 7}',
            `{"query": ${JSON.stringify(op.query)}, "variables": ${"[".repeat(5000)}${"]".repeat(5000)}}`,
            "\u0000\u0001\u0002",
            JSON.stringify({ query: op.query }).slice(0, -1),
          ]),
        ),
      };
    case "post-huge":
      return {
        path: "/graphql",
        init: json({ query: `{ __typename } # ${"x".repeat(150_000 + rng.int(1_000_000))}` }),
      };
    case "batch":
      return {
        path: "/graphql",
        init: json(Array.from({ length: 1 + rng.int(5) }, () => ({ query: op.query, variables }))),
      };
    case "wrong-method":
      return {
        path: "/graphql",
        init: {
          method: rng.pick(["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]),
          headers: { ...headers, "content-type": "application/json" },
          body: ["HEAD", "TRACE"].includes("x") ? undefined : JSON.stringify({ query: op.query }),
        },
      };
    case "sse":
      return {
        path: "/graphql",
        init: {
          ...json({ query: op.query, variables }),
          headers: { ...headers, "content-type": "application/json", accept: "text/event-stream" },
        },
      };
    case "persisted-id":
      return {
        path: "/graphql",
        init: json(
          rng.chance(0.6)
            ? { documentId: rng.pick(persistedIds), variables }
            : rng.chance(0.5)
              ? { extensions: { persistedQuery: { version: 1, sha256Hash: rng.pick(HOSTILE) } } }
              : { documentId: rng.pick(HOSTILE), query: rng.chance(0.5) ? op.query : undefined },
        ),
      };
    case "webhook": {
      const body = rng.chance(0.5)
        ? JSON.stringify({ id: rng.pick(HOSTILE), type: "order.status", orderId: rng.pick(HOSTILE), status: "done" })
        : rng.pick(HOSTILE);
      const ts = rng.chance(0.5) ? String(Math.floor(Date.now() / 1000)) : rng.pick(["", "abc", "1", "99999999999"]);
      return {
        path: `/webhooks/${rng.pick(["posiflora", "bonusplus", "nope", "__proto__", "constructor"])}`,
        init: {
          method: rng.pick(["POST", "POST", "GET"]),
          headers: {
            "content-type": "application/json",
            "x-webhook-timestamp": ts,
            "x-webhook-signature": rng.chance(0.5)
              ? signWebhook("wrong-secret-wrong-secret", Number(ts) || 0, body)
              : rng.pick(["", "sha256=", "sha256=00"]),
          },
          body: rng.chance(0.9) ? body : undefined,
        },
      };
    }
    case "odd-path":
      return {
        path: rng.pick([
          "/graphql/",
          "/graphql/../graphql",
          "/GRAPHQL",
          "/graphql%00",
          "/%2e%2e/graphql",
          "/graphql?query=%7B__typename%7D&query=%7Bshops%7Bid%7D%7D",
          "/healthz?x=" + "y".repeat(100),
          "/readyz",
          "/__sim/",
          "/__sim/nope/state",
          "/__sim/__proto__/state",
          "/__sim/constructor/state",
          "/webhooks/",
          "/" + "a/".repeat(300),
        ]),
        init: { method: "GET", headers },
      };
  }
}

function mangleVariables(variables: Record<string, unknown>, rng: Prng): unknown {
  const r = rng.next();
  if (r < 0.3) return variables;
  if (r < 0.45) return "not an object";
  if (r < 0.55) return [variables];
  if (r < 0.65) return Object.fromEntries(Object.keys(variables).map((k) => [k, rng.pick(HOSTILE)]));
  if (r < 0.75)
    return Object.fromEntries(Object.keys(variables).map((k) => [k, { nested: { deeper: [1, { a: null }] } }]));
  if (r < 0.85) return { ...variables, extra: 1 };
  return null;
}

/** The answer's text; a stream is read for its first events (at most ~100 ms), then hung up on. */
async function readAnswer(res: Response, stream: boolean): Promise<string> {
  const type = res.headers.get("content-type") ?? "";
  if (!stream && !type.includes("text/event-stream") && !type.includes("multipart/mixed")) return res.text();
  if (!res.body) return "";
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let pending = false;
  const deadline = Date.now() + 100;
  while (Date.now() < deadline && text.length < 100_000) {
    pending = true;
    const next = await Promise.race([
      reader.read().then((r) => ((pending = false), r)),
      new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now()))),
    ]);
    if (!next || next.done) break;
    text += decoder.decode(next.value, { stream: true });
    if (text.includes("event: complete")) break;
  }
  // With a read still pending, the in-process stream settles the cancel only at its next ping (12 s):
  // hang up without waiting, as a client that goes away would.
  const cancelled = reader.cancel().catch(() => undefined);
  if (!pending) await cancelled;
  return text;
}

/** data: some root field answered with data; refused: an HTTP or GraphQL refusal; error: a typed error answer. */
function classify(status: number, text: string): string {
  if (status >= 500) return "server-error";
  if (status === 413 || status === 414) return "too-large";
  if (status === 429) return "rate-limited";
  if (status === 401) return "unauthenticated";
  if (status === 403) return "forbidden-csrf";
  if (status === 404 || status === 405) return "not-found-or-method";
  let body: { data?: Record<string, unknown> | null; errors?: unknown[] } | undefined;
  try {
    const firstEvent = /^data: (.+)$/m.exec(text)?.[1];
    body = JSON.parse(firstEvent ?? text);
  } catch {
    return status < 300 ? (text.startsWith(":") ? "stream-open" : "non-json") : `http-${status}`;
  }
  if (Array.isArray(body)) return "batch-refused";
  const roots = body?.data ? Object.values(body.data) : [];
  const withData = roots.some(
    (v) =>
      v !== null && !(typeof v === "object" && ERROR_TYPES.test(String((v as { __typename?: string }).__typename))),
  );
  if (withData) return "data";
  if (roots.length) return "typed-error";
  if (status >= 400) return `refused-${status}`;
  return body?.errors ? "graphql-error" : "empty";
}

function describeBody(body: BodyInit | null | undefined): string {
  if (typeof body !== "string") return body ? "(stream)" : "";
  return body.length > 400 ? `${body.slice(0, 400)}… (${body.length} chars)` : body;
}

/** A summary line per figure, for the report. */
export function formatReport(r: FuzzReport): string {
  const list = (items: Finding[]) =>
    items
      .slice(0, 5)
      .map(
        (f) =>
          `    #${f.n} ${f.transport} ${f.caller} ${f.status}: ${f.request.slice(0, 200)}\n      → ${f.answer.slice(0, 300)}`,
      )
      .join("\n");
  return [
    `FUZZ seed=${r.seed} inputs=${r.inputs} in ${(r.ms / 1000).toFixed(1)} s`,
    `  root fields covered: ${r.rootFieldsCovered}/${r.rootFieldsTotal}${r.uncovered.length ? ` (missing ${r.uncovered.join(", ")})` : ""}`,
    `  by status:    ${JSON.stringify(r.byStatus)}`,
    `  by outcome:   ${JSON.stringify(r.byOutcome)}`,
    `  by transport: ${JSON.stringify(r.byTransport)}`,
    `  ms by transport: ${JSON.stringify(r.msByTransport)}`,
    ...r.slowest.map((x) => `    slow: ${x.ms} ms #${x.n} ${x.transport} ${x.request}`),
    `  HTTP 5xx: ${r.serverErrors.length}`,
    list(r.serverErrors),
    `  masked "Unexpected error." answers: ${r.maskedUnexpected.length}`,
    list(r.maskedUnexpected),
    `  internal text in answers: ${r.internalText.length}`,
    list(r.internalText),
    `  database changes after an error answer: ${r.databaseChanges.length}`,
    list(r.databaseChanges),
    `  error answers whose only trace is an idempotency record of that error (domain design): ${r.idempotencyRefusals}`,
    `  simulator changes after an error answer: ${r.simulatorChanges.length}`,
    list(r.simulatorChanges),
    `  peak RSS: ${r.peakRssMb} MB (ceiling ${r.rssCeilingMb} MB)`,
  ]
    .filter((l) => l !== "")
    .join("\n");
}
