/**
 * Customer lookup through the gateway versus the same call made directly to the vendor (the BonusPlus
 * simulator with 20 ms of latency), at 50 concurrent connections on loopback. Each side runs in its own
 * process: simulators, gateway, and this load generator.
 *
 *   npm run bench                    # defaults: 50 connections, 10 s per side, 20 ms vendor latency
 *   BENCH_SECONDS=20 BENCH_CONNECTIONS=50 npm run bench
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_SIMULATOR_ENV } from "../src/config/demo.ts";
import { startSimulators } from "../test/support/simulators-process.ts";
import { spawnGateway } from "../test/support/spawn-gateway.ts";
import { load } from "./load.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const KEY = "bench-service-key-000000001";

function cpuMicros(pid: number): Promise<number> {
  return import("node:fs/promises").then(async (fs) => {
    const stat = (await fs.readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    return ((Number(stat[11]) + Number(stat[12])) * 1_000_000) / 100; // utime + stime, in clock ticks of 10 ms
  });
}

async function rssMb(pid: number): Promise<number> {
  const fs = await import("node:fs/promises");
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

const sims = await startSimulators();
await fetch(`${sims.urls.bonusplus}/__sim/latency`, { method: "POST", body: JSON.stringify({ ms: LATENCY_MS }) });
const shops = path.join(mkdtempSync(path.join(tmpdir(), "lg-bench-")), "shops.json");
writeFileSync(
  shops,
  JSON.stringify({
    shops: [
      {
        id: "bench",
        name: "Bench",
        loyalty: [
          {
            id: "bench-bp",
            adapter: "bonusplus",
            baseUrl: `${sims.urls.bonusplus}/api`,
            timeoutMs: 5000,
            maxRetries: 0,
            options: { store: "Main" },
            credentials: { apiKey: "env:DEMO_BONUSPLUS_API_KEY" },
          },
        ],
        // A shop without an order system prices carts from its own list (the lookup does not use it).
        prices: [{ productId: "rose-15", name: "15 роз", price: "3500.00" }],
      },
    ],
  }),
);
const gw = await spawnGateway({
  ...DEMO_SIMULATOR_ENV,
  SHOPS_CONFIG: shops,
  LOG_LEVEL: "info",
  NODE_ENV: "production",
  // The load generator is one client on one IP: the per-caller rate limits would measure themselves.
  RATE_LIMIT_IP: "0",
  RATE_LIMIT_API_KEY: "0",
  RATE_LIMIT_TELEGRAM_USER: "0",
  TELEGRAM_BOT_TOKEN: "1:bench",
  GRAPHIQL: "false",
  DATABASE_URL: `file:${path.join(mkdtempSync(path.join(tmpdir(), "lg-bench-db-")), "gateway.db")}`,
  API_KEYS: JSON.stringify([{ name: "bench", key: KEY, scopes: ["customers:read"] }]),
});
await new Promise((r) => setTimeout(r, 1000));
const idleRss = await rssMb(gw.child.pid!);

const auth = `ApiKey ${Buffer.from(DEMO_SIMULATOR_ENV.DEMO_BONUSPLUS_API_KEY!).toString("base64")}`;
const direct = () =>
  fetch(`${sims.urls.bonusplus}/api/customer?phone=79001234567`, { headers: { authorization: auth } });
const query = JSON.stringify({
  query:
    '{ customer(shopId: "bench", phone: "+79001234567") { ... on QueryCustomerSuccess { data { id loyalty { ... on LoyaltyAccount { balance tier } } } } } }',
});
const viaGateway = () =>
  fetch(`${gw.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: query,
  });

await load("warm-up", viaGateway);
const a = await load("direct REST", direct);
const cpu0 = await cpuMicros(gw.child.pid!);
const b = await load("gateway GraphQL", viaGateway);
const cpu1 = await cpuMicros(gw.child.pid!);
const results = {
  vendorLatencyMs: LATENCY_MS,
  connections: CONNECTIONS,
  seconds: SECONDS,
  direct: a,
  gateway: b,
  throughputRatio: +(b.rps / a.rps).toFixed(2),
  p50OverheadMs: +(b.p50 - a.p50).toFixed(2),
  gatewayCpuMicrosPerRequest: Math.round((cpu1 - cpu0) / b.requests),
  gatewayIdleRssMb: idleRss,
};
console.log(JSON.stringify(results, null, 2));
await gw.stop("SIGTERM");
sims.child.kill("SIGTERM");
process.exit(0);
