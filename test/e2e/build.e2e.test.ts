import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { productionRuntime, type SpawnedGateway, spawnGateway } from "../support/spawn-gateway.ts";
import { DEMO_KEY, type TestGateway, startTestGateway } from "../support/test-gateway.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SDL = `{ _service { sdl } }`;
/** Below the kernel's somaxconn (4096 by default), so the listening socket shows it as asked. */
const BACKLOG = 1234;

/** `npm run build`, unless this run already has a build of the current tree (CI builds before the tests). */
function build(): void {
  if (process.env.SKIP_BUILD === "1" && existsSync(path.join(ROOT, "dist/src/main.js"))) return;
  execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "pipe" });
}

describe("the production build", () => {
  let compiled: SpawnedGateway;
  let reference: TestGateway;

  beforeAll(async () => {
    build();
    const dir = mkdtempSync(path.join(tmpdir(), "lg-build-"));
    compiled = await spawnGateway(
      { DATABASE_URL: `file:${path.join(dir, "gateway.db")}`, LISTEN_BACKLOG: String(BACKLOG) },
      { compiled: true },
    );
    reference = await startTestGateway();
  }, 180_000);

  afterAll(async () => {
    await compiled?.stop();
    await reference?.close();
  });

  it("runs under plain node, migrates its database, and serves the same schema as the source", async () => {
    const headers = { "content-type": "application/json", authorization: `Bearer ${DEMO_KEY}` };
    const fromBuild = await (
      await fetch(`${compiled.url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query: SDL }) })
    ).json();
    const fromSource = await (await reference.post(SDL, {}, { authorization: `Bearer ${DEMO_KEY}` })).json();
    expect(fromBuild.data._service.sdl.length).toBeGreaterThan(1000);
    expect(fromBuild.data._service.sdl).toBe(fromSource.data._service.sdl);
  });

  it.runIf(process.platform === "linux")("runs with the node flags and the malloc arenas of start:prod", () => {
    const { flags, env } = productionRuntime();
    expect(env.MALLOC_ARENA_MAX).toMatch(/^\d+$/);
    const pid = compiled.child.pid!;
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    if (!process.env.MALLOC_ARENA_MAX) expect(environ).toContain(`MALLOC_ARENA_MAX=${env.MALLOC_ARENA_MAX}`);
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(argv).toEqual(expect.arrayContaining([...flags, "dist/src/main.js"]));
  });

  // For a LISTEN socket, `ss` prints the accept queue's length as Send-Q (iproute2 is on these machines).
  it.runIf(process.platform === "linux")("listens with the accept queue of LISTEN_BACKLOG", () => {
    const port = new URL(compiled.url).port;
    const line = execFileSync("ss", ["-Hltn", `sport = :${port}`], { encoding: "utf8" }).trim();
    const [, , sendQ] = line.split(/\s+/);
    const somaxconn = Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
    expect(Number(sendQ)).toBe(Math.min(BACKLOG, somaxconn));
  });

  it("stops cleanly on SIGTERM", async () => {
    expect(await compiled.stop("SIGTERM")).toBe(0);
  });
});
