/**
 * The shop window under load: Mini App catalog queries through the gateway, whose cache sits in front
 * of Posiflora (the simulator, with 20 ms of latency), against asking Posiflora directly for one
 * category. Reports Posiflora calls per 100 concurrent queries (cold and warm), then a sustained run.
 *
 *   npm run bench:catalog            # 50 connections, 10 s per side, 20 ms vendor latency
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_SIMULATOR_ENV } from "../src/config/demo.ts";
import { startSimulators } from "../test/support/simulators-process.ts";
import { spawnGateway } from "../test/support/spawn-gateway.ts";
import { load } from "./load.ts";

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);

const sims = await startSimulators();
const pf = sims.urls.posiflora!;
await fetch(`${pf}/__sim/latency`, { method: "POST", body: JSON.stringify({ ms: LATENCY_MS }) });
const shops = path.join(mkdtempSync(path.join(tmpdir(), "lg-bench-")), "shops.json");
const login = { username: "env:DEMO_POSIFLORA_USERNAME", password: "env:DEMO_POSIFLORA_PASSWORD" };
writeFileSync(
  shops,
  JSON.stringify({
    shops: [
      {
        id: "bench",
        name: "Bench",
        loyalty: [
          {
            id: "bench-pf",
            adapter: "posiflora",
            baseUrl: `${pf}/api`,
            timeoutMs: 5000,
            maxRetries: 1,
            options: {},
            credentials: login,
          },
        ],
        orders: {
          id: "bench-pf-orders",
          adapter: "posiflora",
          baseUrl: `${pf}/api`,
          timeoutMs: 5000,
          maxRetries: 1,
          options: { storeId: "store-1" },
          credentials: login,
        },
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
  STATUS_SYNC_SECONDS: "0",
  CATALOG_POLL_SECONDS: "0",
  DATABASE_URL: `file:${path.join(mkdtempSync(path.join(tmpdir(), "lg-bench-db-")), "gateway.db")}`,
});

const catalogCalls = async () =>
  ((await (await fetch(`${pf}/__sim/requests`)).json()) as Array<{ path: string }>).filter((r) =>
    r.path.startsWith("/api/v1/catalog"),
  ).length;
const query = JSON.stringify({
  query:
    '{ catalog(shopId: "bench") { ... on QueryCatalogSuccess { data { categories { id title products(first: 20) { totalCount edges { node { id name price { amount } thumbnailUrl } } } } } } } }',
});
const viaGateway = () =>
  fetch(`${gw.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: query });
const hundred = async () => {
  const before = await catalogCalls();
  const answers = await Promise.all(Array.from({ length: 100 }, viaGateway));
  if (!answers.every((r) => r.ok)) throw new Error("a catalog query failed");
  await Promise.all(answers.map((r) => r.arrayBuffer()));
  return (await catalogCalls()) - before;
};

const cold = await hundred();
const warm = await hundred();

// Direct: one category straight from Posiflora, with a session already open.
const session = (await (
  await fetch(`${pf}/api/v1/sessions`, {
    method: "POST",
    body: JSON.stringify({
      data: {
        type: "sessions",
        attributes: {
          username: DEMO_SIMULATOR_ENV.DEMO_POSIFLORA_USERNAME,
          password: DEMO_SIMULATOR_ENV.DEMO_POSIFLORA_PASSWORD,
        },
      },
    }),
  })
).json()) as { data: { attributes: { accessToken: string } } };
const direct = () =>
  fetch(`${pf}/api/v1/catalog/cat-roses`, {
    headers: { authorization: `Bearer ${session.data.attributes.accessToken}` },
  });

const a = await load("direct: one category from Posiflora", direct);
const before = await catalogCalls();
const b = await load("gateway: every category with 20 products", viaGateway);
const during = (await catalogCalls()) - before;
console.log(
  JSON.stringify(
    {
      vendorLatencyMs: LATENCY_MS,
      posifloraCallsPer100ConcurrentQueries: { cold, warm },
      direct: a,
      gateway: b,
      posifloraCallsDuringGatewayRun: during,
    },
    null,
    2,
  ),
);
await gw.stop("SIGTERM");
sims.child.kill("SIGTERM");
process.exit(0);
