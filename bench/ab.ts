/**
 * `npm run bench:ab`: gateway variants side by side on the lookup, for finding where CPU goes.
 *
 * Each variant is the compiled gateway started with extra environment (AB_VARIANTS, a JSON object of
 * name -> env). GATEWAY_NODE_FLAGS in it gives that variant node flags; GATEWAY_ROOT starts another
 * checkout's build (a `git worktree` of the previous commit, built there with `npm run build`). They all
 * run at once, each on its own SQLite file (or all on BENCH_DATABASE_URL), and are driven in turn,
 * interleaved, for AB_ROUNDS (4) rounds of AB_SECONDS (5) at BENCH_CONNECTIONS (50). AB_REFERENCE=1 adds
 * the bare-yoga reference (REF_NODE_FLAGS for its node); AB_QUERY replaces the lookup document. Per
 * variant it prints the median CPU µs per request, every round's figure, rps, p50 and RSS. On this shared
 * machine one round can differ from the next by 15%: compare variants within a round. Not a budget
 * report: `npm run bench` is.
 */
import { startSimulators } from "../test/support/simulators-process.ts";
import { drive } from "./kit/drive.ts";
import { cpuMicros, rssMb } from "./kit/proc.ts";
import { ensureBuild, startGateway, startReference } from "./kit/processes.ts";
import { BENCH_GATEWAY_ENV, benchShops, bonusPlusAuth } from "./kit/shops.ts";
import { lookupQuery, referenceLookupQuery, SERVICE_KEY } from "./scenarios/queries.ts";

const SECONDS = Number(process.env.AB_SECONDS ?? 5);
const ROUNDS = Number(process.env.AB_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 20);
const variants = JSON.parse(process.env.AB_VARIANTS ?? '{"base":{}}') as Record<string, Record<string, string>>;
const SHOP = process.env.AB_SHOP ?? "demo-bonusplus";
const PHONE = "+79001234567";

ensureBuild();
const sims = await startSimulators();
const children: Array<{ kill(signal?: NodeJS.Signals): unknown }> = [sims.child];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));
for (const vendor of Object.keys(sims.urls))
  await fetch(`${sims.urls[vendor]}/__sim/latency`, { method: "POST", body: JSON.stringify({ ms: LATENCY }) });

const env = {
  ...BENCH_GATEWAY_ENV,
  API_KEYS: JSON.stringify([{ name: "bench", key: SERVICE_KEY, scopes: ["customers:read"] }]),
};
const running: Array<{ name: string; url: string; pid: number; query?: string }> = [];
for (const [name, extra] of Object.entries(variants)) {
  const { gateway } = await startGateway(benchShops(sims.urls), { ...env, ...extra });
  children.push(gateway.child);
  running.push({ name, url: gateway.url, pid: gateway.child.pid! });
}
// AB_REFERENCE=1: the bare-yoga reference as one more variant, the anchor of the CPU line.
if (process.env.AB_REFERENCE === "1") {
  const ref = await startReference({
    REF_VENDOR: "bonusplus",
    REF_BASE: `${sims.urls.bonusplus}/api`,
    REF_HEADERS: JSON.stringify(bonusPlusAuth),
  });
  children.push(ref.child);
  running.push({
    name: "reference",
    url: ref.url.replace(/\/graphql$/, ""),
    pid: ref.child.pid!,
    query: referenceLookupQuery(PHONE),
  });
}
const target = (v: (typeof running)[number]) => ({
  name: v.name,
  method: "POST" as const,
  url: `${v.url}/graphql`,
  headers: { "content-type": "application/json", authorization: `Bearer ${SERVICE_KEY}` },
  body: JSON.stringify({ query: process.env.AB_QUERY ?? v.query ?? lookupQuery(SHOP, PHONE) }),
});
for (const v of running) {
  const t = target(v);
  const answer = await (await fetch(t.url, { method: "POST", headers: t.headers, body: t.body })).text();
  if (!answer.includes(process.env.AB_QUERY ? '"data"' : '"balance"') || answer.includes('"errors"'))
    throw new Error(`${v.name} answered ${answer}`);
  await drive(t, CONNECTIONS, 4);
}
const results = new Map<string, Array<{ cpu: number; rps: number; p50: number; rss: number }>>();
for (let round = 0; round < ROUNDS; round++) {
  for (const v of running) {
    const cpu0 = cpuMicros(v.pid);
    const r = await drive(target(v), CONNECTIONS, SECONDS);
    const cpu = (cpuMicros(v.pid) - cpu0) / Math.max(1, r.requests);
    if (r.errors + r.non2xx > 0) console.error(`${v.name}: ${r.errors + r.non2xx} errors`);
    results.set(v.name, [...(results.get(v.name) ?? []), { cpu, rps: r.rps, p50: r.p50, rss: rssMb(v.pid) }]);
  }
}
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
console.log(
  "| variant | CPU µs/req (median) | all rounds | rps | p50 ms | RSS MB after each round |\n| --- | --- | --- | --- | --- | --- |",
);
for (const [name, list] of results) {
  console.log(
    `| ${name} | ${Math.round(median(list.map((r) => r.cpu)))} | ${list.map((r) => Math.round(r.cpu)).join(" ")} | ${median(list.map((r) => r.rps))} | ${median(list.map((r) => r.p50))} | ${list.map((r) => r.rss).join(" ")} |`,
  );
}
// SIGTERM first, so that a process started with --cpu-prof writes its profile.
await Promise.all(
  running.map(
    (v) =>
      new Promise<void>((resolve) => {
        const t = setInterval(() => {
          try {
            process.kill(v.pid, 0);
          } catch {
            clearInterval(t);
            resolve();
          }
        }, 100);
        process.kill(v.pid, "SIGTERM");
        setTimeout(() => (clearInterval(t), resolve()), 10_000);
      }),
  ),
);
process.exit(0);
