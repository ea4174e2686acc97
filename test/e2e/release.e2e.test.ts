import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SIMULATOR_ENV } from "../../src/config/demo.ts";
import { DEMO_ITEMS, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { writeShops } from "../crash/harness.ts";
import { startSimulators } from "../support/simulators-process.ts";
import { type SpawnedGateway, spawnGateway } from "../support/spawn-gateway.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const KEY = "release-test-service-key-01";
const PHONE = "+79001234567";
/** PostgreSQL and Redis when the run has them (the CI's services pass), SQLite and memory otherwise. */
const PG = process.env.TEST_DATABASE_URL;
const REDIS = process.env.REDIS_URL;

/** Only what a server has: no npm_config_* of the test run, no checkout on the module path. */
/** The machine's own network and TLS trust settings, which a server has too (a Node from npm trusts only its bundled CAs). */
const MACHINE = ["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"];
const cleanEnv = () => ({
  PATH: process.env.PATH!,
  HOME: process.env.HOME ?? tmpdir(),
  ...Object.fromEntries(MACHINE.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : []))),
});
const kb = (dir: string) => Number(execFileSync("du", ["-sk", dir], { encoding: "utf8" }).split("\t")[0]);

/**
 * The release step in the checkout; the folder copied to an empty directory outside it, where
 * `npm ci` installs the production dependencies only, `npm run db:migrate` migrates, and `npm start`
 * runs it as a supervisor would: a checkout through GraphQL, then SIGTERM while a confirmation is in
 * flight, exit 0, and the order is there when the release starts again under plain node.
 */
describe("the release folder on a clean server", () => {
  const work = mkdtempSync(path.join(tmpdir(), "lg-release-"));
  const server = path.join(work, "server");
  let sims: Awaited<ReturnType<typeof startSimulators>>;
  let env: Record<string, string>;
  let gw: SpawnedGateway | null = null;
  let database: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    const built = path.join(work, "release");
    // `npm run release` less its `npm run generate`: the generated code is the run's own (CI generates it
    // first), and files other tests import are not rewritten under them.
    execFileSync(process.execPath, ["scripts/release.mjs", built], { cwd: ROOT, stdio: "pipe" });
    cpSync(built, server, { recursive: true });
    execFileSync("npm", ["ci"], { cwd: server, env: cleanEnv(), stdio: "pipe" });
    database = await freshDatabase();
    sims = await startSimulators();
    env = {
      ...cleanEnv(),
      ...DEMO_SIMULATOR_ENV,
      SHOPS_CONFIG: writeShops(sims.urls),
      DATABASE_URL: database.url,
      ...(REDIS ? { REDIS_URL: REDIS, CACHE_PREFIX: `lg:release:${process.pid}:` } : {}),
      TELEGRAM_BOT_TOKEN: "123456:release-test-bot-token",
      API_KEYS: JSON.stringify([
        { name: "shop", key: KEY, scopes: ["customers:read", "orders:write", "orders:manage", "orders:read"] },
      ]),
      MIGRATE_ON_START: "false",
      STATUS_SYNC_SECONDS: "0",
      LOG_LEVEL: "info",
    };
  }, 240_000);

  afterAll(async () => {
    if (gw && gw.child.exitCode === null) await gw.stop();
    sims?.child.kill("SIGTERM");
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it("installs production dependencies only, and nothing from the checkout", () => {
    const modules = readdirSync(path.join(server, "node_modules"));
    for (const devTool of ["typescript", "vitest", "vite", "tsx", "prisma", "eslint", "@graphql-codegen"])
      expect(modules).not.toContain(devTool);
    expect(existsSync(path.join(server, "web/dist/index.html"))).toBe(true);
    expect(existsSync(path.join(server, "generated/graphql/persisted-documents.json"))).toBe(true);
    const installedKb = kb(server);
    const sizes = { releaseKb: installedKb - kb(path.join(server, "node_modules")), installedKb };
    process.stdout.write(`RELEASE SIZE ${JSON.stringify(sizes)}\n`);
    // The checkout's full install is about 690 MB; production's was 474 MB with the Prisma CLI in it.
    expect(sizes.installedKb).toBeLessThan(260_000);
  });

  it("a checkout installs with npm ci --omit=dev too: the postinstall needs no dev tool", () => {
    const clone = path.join(work, "clone");
    for (const file of [
      "package.json",
      "package-lock.json",
      "scripts/postinstall.mjs",
      "codegen.ts",
      "web/vite.config.ts",
    ])
      cpSync(path.join(ROOT, file), path.join(clone, file), { recursive: true });
    cpSync(path.join(ROOT, "prisma"), path.join(clone, "prisma"), { recursive: true });
    const out = execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], {
      cwd: clone,
      env: cleanEnv(),
      encoding: "utf8",
    });
    expect(out).toContain("postinstall: no dev dependencies");
    rmSync(clone, { recursive: true, force: true });
  }, 120_000);

  it("migrates with npm run db:migrate, twice without harm", () => {
    for (let i = 0; i < 2; i++) {
      const out = execFileSync("npm", ["run", "-s", "db:migrate"], { cwd: server, env, encoding: "utf8" });
      expect(out).toContain("migrated");
    }
  }, 60_000);

  it("starts with npm start, walks a checkout, and drains an in-flight confirmation on SIGTERM", async () => {
    gw = await spawnGateway(env, { command: { file: "npm", args: ["start"], cwd: server } });
    const call = async (query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${gw!.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ query, variables }),
      });
      expect(res.status).toBe(200);
      return Object.values(((await res.json()) as { data: Record<string, unknown> }).data)[0] as {
        __typename: string;
        data?: { id: string; status: string; pointsHeld: number };
      };
    };
    const item = DEMO_ITEMS.find((i) => i.price >= 100_000 && i.stock["store-1"] === null)!;
    const created = await call(
      `mutation C($i: CreateOrderInput!) { createOrder(input: $i, idempotencyKey: "release-create-1") { __typename ... on MutationCreateOrderSuccess { data { id status pointsHeld } } } }`,
      {
        i: {
          shopId: "crash-posiflora",
          phone: PHONE,
          lines: [
            { productId: demoItemId(item.slug), quantity: 1, unitPrice: { amount: item.price, currency: "RUB" } },
          ],
          fulfilment: { kind: "PICKUP", storeId: "store-1" },
          contact: { name: "Release" },
        },
      },
    );
    expect(created.__typename).toBe("MutationCreateOrderSuccess");
    const orderId = created.data!.id;
    const applied = await call(
      `mutation A($o: ID!) { applyBonuses(orderId: $o, points: 3, idempotencyKey: "release-apply-1") { __typename ... on MutationApplyBonusesSuccess { data { id status pointsHeld } } } }`,
      { o: orderId },
    );
    expect(applied).toMatchObject({ __typename: "MutationApplyBonusesSuccess", data: { pointsHeld: 3 } });

    // Posiflora now answers in 1.5 s: the confirmation is still at the vendor when SIGTERM comes.
    await fetch(`${sims.urls.posiflora}/__sim/latency`, { method: "POST", body: JSON.stringify({ ms: 1500 }) });
    const confirming = call(
      `mutation F($o: ID!) { confirmOrder(orderId: $o, idempotencyKey: "release-confirm-1") { __typename ... on MutationConfirmOrderSuccess { data { id status pointsHeld } } } }`,
      { o: orderId },
    );
    await new Promise((r) => setTimeout(r, 300));
    // To npm, as a supervisor sends it to the process it started.
    const exited = gw.stop("SIGTERM");
    const confirmed = await confirming.catch((error: unknown) => {
      throw new Error(`confirmation lost: ${String(error)}\n${gw!.stdout()}`);
    });
    expect(confirmed.__typename).toBe("MutationConfirmOrderSuccess");
    expect(await exited).toBe(0);
    const lines = gw
      .stdout()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as { msg: string; drainMs?: number; inFlight?: number });
    expect(lines.find((l) => l.msg === "shutting down")?.inFlight).toBe(1);
    const stopped = lines.find((l) => l.msg === "stopped");
    expect(stopped?.drainMs).toBeGreaterThan(0);
    await fetch(`${sims.urls.posiflora}/__sim/latency`, { method: "POST", body: JSON.stringify({ ms: 0 }) });

    // The same release under plain node, as a container or a systemd unit starts it.
    const spawned = Date.now();
    gw = await spawnGateway(
      { ...env, NODE_ENV: "production" },
      { command: { file: process.execPath, args: ["dist/src/main.js"], cwd: server } },
    );
    const coldStartMs = Date.now() - spawned;
    const again = await call(
      `query O($o: ID!) { order(id: $o) { __typename ... on QueryOrderSuccess { data { id status pointsHeld } } } }`,
      { o: orderId },
    );
    expect(again.data).toEqual(confirmed.data);
    process.stdout.write(`RELEASE TIMES ${JSON.stringify({ drainMs: stopped?.drainMs, coldStartMs })}\n`);
    expect(await gw.stop("SIGTERM")).toBe(0);
  }, 90_000);
});

/** A new database: a PostgreSQL one of the run's server, or a SQLite file. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG) {
    const dir = mkdtempSync(path.join(tmpdir(), "lg-release-db-"));
    return { url: `file:${path.join(dir, "gateway.db")}`, drop: async () => rmSync(dir, { recursive: true }) };
  }
  const name = `lg_release_${process.pid}_${Date.now()}`;
  const url = new URL(PG);
  url.pathname = `/${name}`;
  return {
    // The release's migration creates it, as `prisma migrate deploy` would.
    url: url.toString(),
    drop: async () => {
      const admin = new pg.Client({ connectionString: PG });
      await admin.connect();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
