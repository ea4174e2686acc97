import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SIMULATOR_ENV } from "../../src/config/demo.ts";
import { writeShops } from "../crash/harness.ts";
import { startSimulators } from "../support/simulators-process.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WORK = process.env.CONTAINER_BASE_DIR ?? "/var/tmp/lg-container";
const IMAGE = "localhost/loyalty-gateway:test";
const NAME = `lg-image-test-${process.pid}`;
const KEY = "container-test-service-key-1";

/** podman as these machines run it (shared/containers.md): runc, cgroupfs, no default ulimits. */
function podman(args: string[], opts: { timeout?: number } = {}): string {
  mkdirSync(WORK, { recursive: true });
  const conf = path.join(WORK, "containers.conf");
  writeFileSync(conf, "[containers]\ndefault_ulimits = []\n");
  return execFileSync("podman", ["--runtime", "/usr/sbin/runc", "--cgroup-manager=cgroupfs", ...args], {
    cwd: ROOT,
    env: { ...process.env, CONTAINERS_CONF: conf },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: opts.timeout ?? 60_000,
  }).trim();
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * The Dockerfile built and run with podman on a base made from Debian's packages (no image registry is
 * reachable here), host networking, loopback only. Slow (minutes): run with CONTAINER_TEST=1
 * (`npm run test:container`), not in the default suite.
 */
describe.runIf(process.env.CONTAINER_TEST === "1")("the container image", () => {
  let sims: Awaited<ReturnType<typeof startSimulators>>;
  let url: string;

  beforeAll(async () => {
    const base = execFileSync("bash", ["scripts/container-base.sh"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CONTAINER_BASE_DIR: WORK },
    }).trim();
    // The build stage's npm ci reads the machine's npm cache instead of downloading every package again.
    podman(
      [
        "build",
        // Docker's image format: the OCI format has no HEALTHCHECK.
        "--format",
        "docker",
        "--network",
        "host",
        "--build-arg",
        `BASE=${base}`,
        "-v",
        `${path.join(homedir(), ".npm")}:/root/.npm`,
        "-t",
        IMAGE,
        ".",
      ],
      { timeout: 900_000 },
    );
    sims = await startSimulators();
    const shops = writeShops(sims.urls);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const env = {
      ...DEMO_SIMULATOR_ENV,
      HOST: "127.0.0.1",
      PORT: String(port),
      SHOPS_CONFIG: "/config/shops.json",
      TELEGRAM_BOT_TOKEN: "123456:container-test-token",
      API_KEYS: JSON.stringify([{ name: "shop", key: KEY, scopes: ["customers:read"] }]),
      STATUS_SYNC_SECONDS: "0",
    };
    podman([
      "run",
      "-d",
      "--name",
      NAME,
      "--network",
      "host",
      "-v",
      `${shops}:/config/shops.json:ro`,
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      IMAGE,
    ]);
    for (let i = 0; i < 120; i++) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`not ready:\n${podman(["logs", NAME])}`);
  }, 960_000);

  afterAll(() => {
    sims?.child.kill("SIGTERM");
    try {
      podman(["rm", "-f", NAME]);
    } catch {
      // already gone
    }
  });

  it("runs as an unprivileged user and passes its healthcheck on /readyz", () => {
    expect(podman(["exec", NAME, "id", "-u"])).toBe("10001");
    expect(podman(["healthcheck", "run", NAME])).toBe("");
  });

  it("answers GraphQL with the configured providers", async () => {
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        query: `{ customer(shopId: "crash-bonusplus", phone: "+79001234567") { __typename } }`,
      }),
    });
    expect((await res.json()).data.customer.__typename).toBe("QueryCustomerSuccess");
  });

  it("stops on podman stop: node gets SIGTERM as PID 1, drains, and exits 0", () => {
    podman(["stop", "-t", "30", NAME], { timeout: 40_000 });
    expect(podman(["inspect", "--format", "{{.State.ExitCode}}", NAME])).toBe("0");
    expect(podman(["logs", NAME])).toContain('"msg":"stopped"');
  });
});
