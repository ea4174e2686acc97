/**
 * `npm run bench`: the gateway side by side with its anchors, in one run, on loopback.
 *
 * - direct: the vendor call itself, straight to the simulator (the floor);
 * - reference: a bare graphql-yoga making the same keep-alive vendor call(s) (bench/reference-yoga.ts);
 * - gateway: the compiled build (`dist/`), NODE_ENV=production, on BENCH_DATABASE_URL or SQLite.
 *
 * Settings: BENCH_SECONDS (8), BENCH_ROUNDS (2), BENCH_WARMUP_SECONDS (5), BENCH_CONNECTIONS (50), BENCH_LATENCY_MS (20),
 * BENCH_SCENARIOS (lookup,rkeeper,fanout,dedupe,calculation,checkout,sse), BENCH_SSE_SUBSCRIBERS (10000),
 * BENCH_SSE_OPENING (500), BENCH_MAX_OTHER_CORES (0.25), BENCH_FORCE=1 to report on a busy machine anyway (marked as such).
 */
import os from "node:os";
import { DEMO_SIMULATOR_ENV } from "../src/config/demo.ts";
import { startSimulators } from "../test/support/simulators-process.ts";
import { drive, type Drive, type DriveResult } from "./kit/drive.ts";
import { cpuMicros, idleCheck, MachineWatch, rssMb, rssSampler } from "./kit/proc.ts";
import { ensureBuild, startGateway, startReference } from "./kit/processes.ts";
import { BENCH_GATEWAY_ENV, benchShops, bonusPlusAuth } from "./kit/shops.ts";
import { table, verdict } from "./kit/table.ts";
import { checkoutScenario } from "./scenarios/checkout.ts";
import { sseScenario } from "./scenarios/sse.ts";
import { calculationQuery, lookupQuery, referenceLookupQuery, SERVICE_KEY } from "./scenarios/queries.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 20);
const MAX_OTHER = Number(process.env.BENCH_MAX_OTHER_CORES ?? 0.25);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? "lookup,rkeeper,fanout,dedupe,calculation,checkout,sse").split(",");
const PHONE = "+79001234567";

const before = await idleCheck();
if (before > MAX_OTHER && process.env.BENCH_FORCE !== "1") {
  console.error(
    `The machine is busy: other processes use ${before.toFixed(2)} cores (limit ${MAX_OTHER}). Not measuring; BENCH_FORCE=1 overrides.`,
  );
  process.exit(2);
}

ensureBuild();
const sims = await startSimulators();
const children: Array<{ kill(signal?: NodeJS.Signals): unknown }> = [sims.child];
// Whatever ends this process (an error included) ends the processes it started.
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));
const control = (vendor: string, path: string, body?: unknown) =>
  fetch(`${sims.urls[vendor]}/__sim/${path}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((r) => r.json());
for (const vendor of Object.keys(sims.urls)) await control(vendor, "latency", { ms: LATENCY });
const SLOWEST = LATENCY + 10;
await control("loyalclient", "latency", { ms: SLOWEST });
/** Requests the simulators served: all of them, or one vendor's (the status poll also calls Posiflora). */
const vendorCalls = async (only?: string) => {
  let n = 0;
  for (const vendor of only ? [only] : Object.keys(sims.urls))
    n += (await control(vendor, "request-count")).total as number;
  return n;
};

const { gateway: gw, database } = await startGateway(benchShops(sims.urls), {
  ...BENCH_GATEWAY_ENV,
  API_KEYS: JSON.stringify([
    {
      name: "bench",
      key: SERVICE_KEY,
      scopes: ["customers:read", "customers:link", "loyalty:calculate", "orders:read", "orders:write", "orders:manage"],
    },
  ]),
  MAX_SUBSCRIPTIONS_PER_VIEWER: "20000",
});
children.push(gw.child);
const gwPid = gw.child.pid!;
await new Promise((r) => setTimeout(r, 1500));
const bootRss = rssMb(gwPid);
// Idle means at rest: V8's memory reducer returns start-up garbage some seconds after the last burst
// of allocation, so the figure is taken after BENCH_IDLE_SECONDS with nothing but the status poll.
await new Promise((r) => setTimeout(r, Number(process.env.BENCH_IDLE_SECONDS ?? 30) * 1000));
const idleRss = rssMb(gwPid);
const peak = rssSampler(gwPid);

// r_keeper's bearer token, for the direct calls and the reference.
const rkBase = `${sims.urls.rkeeper}/pub/b2b/v1`;
const rkToken = (
  (await (
    await fetch(`${rkBase}/auth/gentoken`, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: DEMO_SIMULATOR_ENV.DEMO_RKEEPER_API_KEY! },
      body: JSON.stringify({ password: DEMO_SIMULATOR_ENV.DEMO_RKEEPER_PASSWORD }),
    })
  ).json()) as { token: string }
).token;
const rkHeaders = { apikey: DEMO_SIMULATOR_ENV.DEMO_RKEEPER_API_KEY!, authorization: `Bearer ${rkToken}` };

const refs = {
  bonusplus: await startReference({
    REF_VENDOR: "bonusplus",
    REF_BASE: `${sims.urls.bonusplus}/api`,
    REF_HEADERS: JSON.stringify(bonusPlusAuth),
  }),
  rkeeper: await startReference({
    REF_VENDOR: "rkeeper",
    REF_BASE: `${rkBase}/loyalty`,
    REF_HEADERS: JSON.stringify(rkHeaders),
  }),
};
children.push(refs.bonusplus.child, refs.rkeeper.child);
const pids = () => [gwPid, sims.child.pid!, refs.bonusplus.child.pid!, refs.rkeeper.child.pid!];
const watch = new MachineWatch(pids);

interface Measured extends DriveResult {
  cpuUsPerRequest: number | null;
  vendorCallsPerRequest: number;
}

/** One target for BENCH_SECONDS, with the serving process's CPU and the vendor calls it caused. */
async function measure(target: Drive, pid: number | null, connections = CONNECTIONS): Promise<Measured> {
  const calls0 = await vendorCalls();
  const cpu0 = pid ? cpuMicros(pid) : 0;
  const result = await drive(target, connections, SECONDS);
  const cpu = pid ? cpuMicros(pid) - cpu0 : 0;
  const calls = (await vendorCalls()) - calls0;
  return {
    ...result,
    cpuUsPerRequest: pid ? Math.round(cpu / Math.max(1, result.requests)) : null,
    vendorCallsPerRequest: +(calls / Math.max(1, result.requests)).toFixed(2),
  };
}

/** Targets interleaved over BENCH_ROUNDS; per target, the round with the median throughput. */
async function sideBySide(all: Array<{ drive: Drive; pid: number | null }>, connections = CONNECTIONS) {
  // BENCH_ONLY=gateway measures only the targets whose name starts with it (profiling one side).
  const only = process.env.BENCH_ONLY;
  const targets = only ? all.filter((t) => t.drive.name.startsWith(only)) : all;
  const runs = new Map<string, Measured[]>();
  // Warm-up at full load: the first seconds of a process run cold code and grow the heap.
  for (const t of targets) await drive(t.drive, connections, WARMUP);
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const m = await measure(t.drive, t.pid, connections);
      runs.set(t.drive.name, [...(runs.get(t.drive.name) ?? []), m]);
    }
  }
  return targets.map((t) => {
    const list = runs.get(t.drive.name)!.sort((a, b) => a.rps - b.rps);
    return list[Math.floor((list.length - 1) / 2)]!;
  });
}

const post = (name: string, url: string, body: unknown, headers: Record<string, string> = {}): Drive => ({
  name,
  method: "POST",
  url,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const gql = (name: string, query: string) =>
  post(name, `${gw.url}/graphql`, { query }, { authorization: `Bearer ${SERVICE_KEY}` });

const report: string[] = [];
const budget: Array<[string, string, string]> = [];
const rows = (list: Measured[]) =>
  list.map((m) => [
    m.name,
    m.rps,
    m.p50,
    m.p95,
    m.p99,
    m.cpuUsPerRequest ?? "—",
    m.vendorCallsPerRequest,
    m.errors + m.non2xx,
  ]);
const HEAD = ["", "rps", "p50 ms", "p95 ms", "p99 ms", "CPU µs/req", "vendor calls/req", "errors"];

function lookupBudget(label: string, list: Measured[]) {
  if (list.length !== 3) return; // BENCH_ONLY
  const [direct, ref, gateway] = list;
  const refReaches = ref!.rps >= 0.9 * direct!.rps;
  budget.push(
    [
      `${label}: CPU/req ≤ reference`,
      `${gateway!.cpuUsPerRequest} vs ${ref!.cpuUsPerRequest} µs`,
      verdict(gateway!.cpuUsPerRequest! <= ref!.cpuUsPerRequest!),
    ],
    [`${label}: rps ≥ reference`, `${gateway!.rps} vs ${ref!.rps}`, verdict(gateway!.rps >= ref!.rps)],
    [
      `${label}: rps ≥ 0.90× direct${refReaches ? "" : " (the reference does not reach it here)"}`,
      `${(gateway!.rps / direct!.rps).toFixed(2)}× (reference ${(ref!.rps / direct!.rps).toFixed(2)}×)`,
      refReaches ? verdict(gateway!.rps >= 0.9 * direct!.rps) : "n/a",
    ],
    [
      `${label}: p50 ≤ direct + 2 ms`,
      `+${(gateway!.p50 - direct!.p50).toFixed(2)} ms`,
      verdict(gateway!.p50 - direct!.p50 <= 2),
    ],
  );
}

watch.begin();
if (SCENARIOS.includes("lookup")) {
  const targets = [
    {
      drive: {
        name: "direct REST",
        url: `${sims.urls.bonusplus}/api/customer?phone=${PHONE.slice(1)}`,
        headers: bonusPlusAuth,
      },
      pid: null,
    },
    {
      drive: post("bare yoga", refs.bonusplus.url, { query: referenceLookupQuery(PHONE) }),
      pid: refs.bonusplus.child.pid!,
    },
    { drive: gql("gateway", lookupQuery("demo-bonusplus", PHONE)), pid: gwPid },
  ];
  const list = await sideBySide(targets);
  report.push(`### Customer lookup (BonusPlus, ${CONNECTIONS} connections)\n\n${table(HEAD, rows(list))}`);
  lookupBudget("lookup", list);
  // The same at one connection: what the gateway adds when it is not queueing.
  const single = await sideBySide(targets, 1);
  report.push(`### Customer lookup at 1 connection\n\n${table(HEAD, rows(single))}`);
}
if (SCENARIOS.includes("rkeeper")) {
  const guest = { guest: { type: "phone", phone: PHONE }, organization: { type: "rkObjectId", id: "4174244" } };
  const list = await sideBySide([
    { drive: post("direct REST (guests/get)", `${rkBase}/loyalty/guests/get`, guest, rkHeaders), pid: null },
    {
      drive: post("bare yoga (both calls)", refs.rkeeper.url, {
        query: referenceLookupQuery(PHONE),
      }),
      pid: refs.rkeeper.child.pid!,
    },
    { drive: gql("gateway", lookupQuery("demo-rkeeper", PHONE)), pid: gwPid },
  ]);
  report.push(
    `### r_keeper lookup (guests/get and orders/calculate in parallel, ${CONNECTIONS} connections)\n\n${table(HEAD, rows(list))}`,
  );
  lookupBudget("r_keeper lookup", list);
}
if (SCENARIOS.includes("fanout")) {
  const connections = Math.min(CONNECTIONS, 10);
  const list = await sideBySide(
    [
      {
        drive: post(
          "direct: the slowest provider",
          `${sims.urls.loyalclient}/integration/general/client`,
          { search: PHONE.slice(1), point: "point-1" },
          { apikey: DEMO_SIMULATOR_ENV.DEMO_LOYALCLIENT_API_KEY! },
        ),
        pid: null,
      },
      { drive: gql("gateway: 3 providers", lookupQuery("bench-fanout", PHONE)), pid: gwPid },
    ],
    connections,
  );
  report.push(
    `### Fan-out over 3 providers of one shop (${LATENCY}, ${LATENCY} and ${SLOWEST} ms; ${connections} connections)\n\n${table(HEAD, rows(list))}`,
  );
  budget.push([
    "fan-out: p50 ≤ slowest provider + 3 ms",
    `${list[1]!.p50} vs ${list[0]!.p50} ms (+${(list[1]!.p50 - list[0]!.p50).toFixed(2)})`,
    verdict(list[1]!.p50 - list[0]!.p50 <= 3),
  ]);
}
if (SCENARIOS.includes("dedupe")) {
  const n = 10;
  // BonusPlus's own count: the status poll reaches Posiflora every second, whatever this request does.
  const calls0 = await vendorCalls("bonusplus");
  const query = `{ ${Array.from({ length: n }, (_, i) => `c${i}: customer(shopId: "demo-bonusplus", phone: "+79007654321") { __typename }`).join(" ")} }`;
  const res = await fetch(`${gw.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${SERVICE_KEY}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown };
  const calls = (await vendorCalls("bonusplus")) - calls0;
  report.push(
    `### ${n} identical lookups in one request\n\n${calls} BonusPlus call(s)${body.errors ? `, errors: ${JSON.stringify(body.errors)}` : ""}`,
  );
  budget.push([
    `${n} identical lookups in one request: 1 vendor call`,
    String(calls),
    verdict(calls === 1 && !body.errors),
  ]);
}
if (SCENARIOS.includes("calculation")) {
  const list = await sideBySide([
    { drive: gql("gateway: 10-line loyaltyCalculation", calculationQuery("demo-bonusplus", PHONE)), pid: gwPid },
  ]);
  report.push(
    `### 10-line loyaltyCalculation (BonusPlus, prices from the shop's list; vendor ${LATENCY} ms)\n\n${table(HEAD, rows(list))}`,
  );
}
if (SCENARIOS.includes("checkout")) {
  report.push(await checkoutScenario({ gatewayUrl: gw.url, pid: gwPid, seconds: SECONDS, vendorCalls }));
}
const otherCores = watch.otherCores();
peak.stop();
const peakBeforeSse = peak.peak;
if (SCENARIOS.includes("sse")) {
  const sse = await sseScenario({
    gatewayUrl: gw.url,
    pid: gwPid,
    posiflora: sims.urls.posiflora!,
    pollSeconds: 1,
    reference: { url: refs.bonusplus.url.replace(/\/graphql$/, ""), pid: refs.bonusplus.child.pid! },
  });
  report.push(sse.report);
  budget.push(...sse.budget);
}
budget.push(
  ["idle RSS ≤ 120 MB", `${idleRss} MB at rest (${bootRss} MB 1.5 s after it was ready)`, verdict(idleRss <= 120)],
  ["peak RSS ≤ 250 MB (before the SSE scenario)", `${peakBeforeSse} MB`, verdict(peakBeforeSse <= 250)],
);

const cpus = os.cpus();
const header = [
  `## Run of ${new Date().toISOString().slice(0, 16)}Z`,
  "",
  `Machine: ${cpus.length} × ${cpus[0]?.model.trim()}, Node ${process.version}; other load before the run ${before.toFixed(2)} cores, during it ${otherCores.toFixed(2)} cores.`,
  `Gateway: compiled build, NODE_ENV=production, ${database}; vendor latency ${LATENCY} ms; ${SECONDS} s × ${ROUNDS} rounds per target, interleaved, the median round shown.`,
];
const busy = otherCores > MAX_OTHER;
console.log(
  [
    ...header,
    "",
    ...report.flatMap((r) => [r, ""]),
    "### Budget",
    "",
    table(["line", "measured", ""], budget),
    "",
    busy ? `**Disturbed run: other processes used ${otherCores.toFixed(2)} cores; do not trust these figures.**` : "",
  ].join("\n"),
);
for (const r of Object.values(refs)) r.child.kill("SIGTERM");
await gw.stop("SIGTERM");
sims.child.kill("SIGTERM");
process.exit(busy && process.env.BENCH_FORCE !== "1" ? 2 : 0);
