import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface SpawnedGateway {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `src/main.ts` as a real process (or, with `compiled`, the production build `dist/src/main.js`
 * under plain node, or `command`) and waits for its "gateway listening" log line.
 */
export function spawnGateway(
  env: Record<string, string>,
  opts: { compiled?: boolean; command?: { file: string; args: string[]; cwd: string } } = {},
): Promise<SpawnedGateway> {
  // GATEWAY_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") go to the gateway's node only.
  const flags = (env.GATEWAY_NODE_FLAGS ?? process.env.GATEWAY_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  // The compiled gateway runs as `npm run start:prod` runs it: package.json's config.node_flags, and its
  // config.malloc_arena_max as MALLOC_ARENA_MAX unless the environment sets one.
  const production = opts.compiled ? productionRuntime() : { flags: [], env: {} };
  const entry = opts.compiled ? [...production.flags, "dist/src/main.js"] : ["--import", "tsx", "src/main.ts"];
  // `command`: another way in, such as `npm start` in a release folder.
  const [file, args] = opts.command ? [opts.command.file, opts.command.args] : [process.execPath, [...flags, ...entry]];
  const child = spawn(file, args, {
    // GATEWAY_ROOT: another checkout's build (bench:ab compares two builds side by side).
    cwd: opts.command?.cwd ?? env.GATEWAY_ROOT ?? ROOT,
    env: { ...production.env, ...process.env, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  // "close", not "exit": by then every line the process wrote has been read, its last ones included.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gateway did not start:\n${out}\n${err}`));
    }, 45_000);
    const onData = () => {
      // One JSON line; its keys in any order.
      const line = out.split("\n").find((l) => l.includes('"msg":"gateway listening"'));
      const m = line && /"url":"(http:\/\/localhost:\d+)\/graphql"/.exec(line);
      if (!m) return;
      child.stdout.off("data", onData); // no more scanning of a growing log
      clearTimeout(timer);
      resolve({
        child,
        url: m[1]!,
        stdout: () => out,
        stderr: () => err,
        stop: (signal = "SIGTERM") => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on("data", onData);
    // "close" comes after the last output has been read, so the error carries all of it.
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      reject(
        Object.assign(new Error(`gateway exited with ${code ?? signal}:\n${err}`), {
          code,
          signal,
          stderr: err,
          stdout: out,
        }),
      );
    });
  });
}

/**
 * What `npm run start:prod` gives node, from package.json's `config`: the V8 flags (`node_flags`) and
 * glibc's MALLOC_ARENA_MAX (`malloc_arena_max`).
 */
export function productionRuntime(): { flags: string[]; env: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    config?: { node_flags?: string; malloc_arena_max?: string };
  };
  const arenas = pkg.config?.malloc_arena_max;
  return {
    flags: (pkg.config?.node_flags ?? "").split(" ").filter(Boolean),
    env: arenas ? { MALLOC_ARENA_MAX: arenas } : {},
  };
}

/**
 * A loopback port free now, for a gateway that must know its own origin before it starts (PUBLIC_URL:
 * the PSP's page sends the buyer back there).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port was given")),
      );
    });
  });
}
