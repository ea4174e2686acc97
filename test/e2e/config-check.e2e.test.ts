import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SIMULATOR_ENV } from "../../src/config/demo.ts";
import { writeShops } from "../crash/harness.ts";
import { startSimulators } from "../support/simulators-process.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "lg-config-check-"));
const run = promisify(execFile);

/** `npm run config:check` as a deployer runs it: its exit code and what it printed. */
async function configCheck(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const clean = { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, DATABASE_URL: `file:${dir}/gateway.db` };
  try {
    const { stdout } = await run("npx", ["tsx", "scripts/config-check.ts"], { cwd: ROOT, env: { ...clean, ...env } });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** The table's rows by provider: [reachable, credentials accepted]. */
const rows = (out: string) =>
  Object.fromEntries(
    out
      .split("\n")
      .map((line) => line.split(/\s{2,}/))
      .filter((cells) => cells.length >= 5 && cells[0] !== "shop")
      .map((cells) => [cells[1]!, [cells[2], cells[3]]]),
  );

describe("npm run config:check", () => {
  let sims: Awaited<ReturnType<typeof startSimulators>>;
  let shops: string;

  beforeAll(async () => {
    sims = await startSimulators();
    shops = writeShops(sims.urls);
  }, 60_000);
  afterAll(() => {
    sims?.child.kill("SIGTERM");
  });

  it("lists every variable shops.example.json needs in one run, and exits 1", async () => {
    const { code, out } = await configCheck({ SHOPS_CONFIG: path.join(ROOT, "shops.example.json") });
    expect(code).toBe(1);
    const named = new Set(
      [...readFileSync(path.join(ROOT, "shops.example.json"), "utf8").matchAll(/"env:(\w+)"/g)].map((m) => m[1]),
    );
    const line = out.split("\n").find((l) => l.startsWith("Environment variables the shops file needs"))!;
    expect(new Set(line.split(": ")[1]!.split(", "))).toEqual(named);
  });

  it("reaches the database and every provider with its credentials, and exits 0", async () => {
    const { code, out } = await configCheck({ ...DEMO_SIMULATOR_ENV, SHOPS_CONFIG: shops });
    const table = rows(out);
    expect(Object.keys(table)).toEqual(
      expect.arrayContaining([
        "database (file)",
        "crash-bp",
        "crash-rk",
        "crash-int",
        "crash-lc",
        "crash-pf",
        "crash-pf-orders",
      ]),
    );
    for (const [provider, cells] of Object.entries(table))
      expect([provider, cells]).toEqual([provider, ["yes", "yes"]]);
    expect(code).toBe(0);
  }, 30_000);

  it("says which credentials a vendor refused and which vendor cannot be reached, and exits 1", async () => {
    const config = JSON.parse(readFileSync(shops, "utf8"));
    config.shops[0].loyalty[0].baseUrl = "http://127.0.0.1:1/api";
    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify(config));
    const { code, out } = await configCheck({
      ...DEMO_SIMULATOR_ENV,
      DEMO_LOYALCLIENT_API_KEY: "not-the-key",
      SHOPS_CONFIG: broken,
    });
    const table = rows(out);
    expect(table["crash-bp"], out).toEqual(["NO", "?"]);
    expect(table["crash-lc"]).toEqual(["yes", "NO"]);
    expect(table["crash-rk"]).toEqual(["yes", "yes"]);
    expect(code).toBe(1);
  }, 30_000);
});
