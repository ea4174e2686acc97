import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createSimulators } from "../../src/simulators/registry.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Every simulator serve.ts starts; the caller gets the URLs once all of them listen. */
const SIMULATORS = Object.keys(createSimulators()).length;

/**
 * The simulators as their own process on free loopback ports. `yookassaAccounts`: ЮKassa shop accounts
 * served, each on its own port ("yookassa", "yookassa-2", ...).
 */
export async function startSimulators(
  options: { yookassaAccounts?: number } = {},
): Promise<{ urls: Record<string, string>; child: ChildProcess }> {
  const accounts = options.yookassaAccounts ?? 1;
  const child = spawn(process.execPath, ["--import", "tsx", "src/simulators/serve.ts"], {
    cwd: ROOT,
    env: { ...process.env, SIMULATOR_BASE_PORT: "random", SIMULATOR_YOOKASSA_ACCOUNTS: String(accounts) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const urls: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      for (const m of out.matchAll(/"provider":"([\w-]+)","url":"([^"]+)"/g)) urls[m[1]!] = m[2]!;
      if (Object.keys(urls).length >= SIMULATORS + accounts - 1) resolve();
    });
    child.on("exit", (code) => reject(new Error(`simulators exited with ${code}`)));
  });
  return { urls, child };
}
