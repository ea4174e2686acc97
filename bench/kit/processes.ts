import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execSync } from "node:child_process";
import { spawnGateway, type SpawnedGateway } from "../../test/support/spawn-gateway.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The compiled build (`npm run build`), made when missing or when BENCH_BUILD=1. */
export function ensureBuild(): void {
  if (process.env.BENCH_BUILD === "1" || !existsSync(path.join(ROOT, "dist/src/main.js"))) {
    execSync("npm run build", { cwd: ROOT, stdio: "inherit" });
  }
}

/** The bare graphql-yoga reference as its own process. */
export async function startReference(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [...(process.env.REF_NODE_FLAGS ?? "").split(" ").filter(Boolean), "--import", "tsx", "bench/reference-yoga.ts"],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`reference exited with ${code}`)));
  });
  return { url, child };
}

export interface GatewayRun {
  gateway: SpawnedGateway;
  database: string;
}

/**
 * The gateway as production runs it: the compiled build under plain node, NODE_ENV=production, the
 * database from BENCH_DATABASE_URL (PostgreSQL, as in production) or else a fresh SQLite file.
 */
export async function startGateway(shops: unknown, env: Record<string, string>): Promise<GatewayRun> {
  const dir = mkdtempSync(path.join(tmpdir(), "lg-bench-"));
  const shopsFile = path.join(dir, "shops.json");
  writeFileSync(shopsFile, JSON.stringify(shops));
  const database = process.env.BENCH_DATABASE_URL ?? `file:${path.join(dir, "gateway.db")}`;
  const gateway = await spawnGateway(
    {
      SHOPS_CONFIG: shopsFile,
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      GRAPHIQL: "false",
      DATABASE_URL: database,
      MIGRATE_ON_START: "true",
      // The load generator is one client on one IP: the per-caller rate limits would measure themselves.
      RATE_LIMIT_IP: "0",
      RATE_LIMIT_API_KEY: "0",
      RATE_LIMIT_TELEGRAM_USER: "0",
      ...env,
    },
    { compiled: true },
  );
  return { gateway, database: database.startsWith("file:") ? "SQLite" : "PostgreSQL" };
}
