/**
 * `npm run bench:idle`: the gateway's RSS at rest, for variants side by side, K of each.
 *
 * Gateways started side by side with the same settings differ at rest by 10-20 MB, so one gateway per
 * variant says little. This starts K (IDLE_K, 3) of each variant of AB_VARIANTS (as in bench:ab: name ->
 * env, GATEWAY_NODE_FLAGS and GATEWAY_ROOT included), lets them rest IDLE_SECONDS (30), and prints each
 * one's RSS split from /proc/<pid>/smaps: anonymous memory, file-backed pages (mostly the node binary),
 * and glibc's thread arenas, the part that varied most before MALLOC_ARENA_MAX=1 (bench/README.md).
 * The database is BENCH_DATABASE_URL, or a SQLite file each.
 */
import { readFileSync } from "node:fs";
import { startSimulators } from "../test/support/simulators-process.ts";
import { ensureBuild, startGateway } from "./kit/processes.ts";
import { BENCH_GATEWAY_ENV, benchShops } from "./kit/shops.ts";

const K = Number(process.env.IDLE_K ?? 3);
const REST_SECONDS = Number(process.env.IDLE_SECONDS ?? 30);
const variants = JSON.parse(process.env.AB_VARIANTS ?? '{"base":{}}') as Record<string, Record<string, string>>;

/** RSS in MB from smaps: all of it, anonymous, file-backed, and glibc's thread arenas (64 MB-aligned anonymous maps). */
function memoryOf(pid: number) {
  let rss = 0;
  let anonymous = 0;
  let arenas = 0;
  let inArena = false;
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const map = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (map) {
      const start = parseInt(map[1]!, 16);
      inArena = !map[3] && start % (64 << 20) === 0 && parseInt(map[2]!, 16) - start >= 1 << 20;
      continue;
    }
    const kb = Number(/^(\w+):\s+(\d+) kB/.exec(line)?.[2] ?? NaN);
    if (line.startsWith("Rss:")) {
      rss += kb;
      if (inArena) arenas += kb;
    } else if (line.startsWith("Anonymous:")) anonymous += kb;
  }
  const mb = (kb: number) => Math.round(kb / 1024);
  return { rss: mb(rss), anonymous: mb(anonymous), file: mb(rss - anonymous), arenas: mb(arenas) };
}

ensureBuild();
const sims = await startSimulators();
const children: Array<{ kill(signal?: NodeJS.Signals): unknown }> = [sims.child];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));
const env = { ...BENCH_GATEWAY_ENV, API_KEYS: "[]" };
const running: Array<{ name: string; pid: number }> = [];
for (let k = 0; k < K; k++)
  for (const [name, extra] of Object.entries(variants)) {
    const { gateway } = await startGateway(benchShops(sims.urls), { ...env, ...extra });
    children.push(gateway.child);
    running.push({ name, pid: gateway.child.pid! });
  }
await new Promise((r) => setTimeout(r, REST_SECONDS * 1000));

console.log(`| variant | RSS at rest after ${REST_SECONDS} s, MB (anonymous / file / thread arenas) |`);
console.log("| --- | --- |");
for (const name of Object.keys(variants)) {
  const cells = running
    .filter((r) => r.name === name)
    .map((r) => memoryOf(r.pid))
    .map((m) => `${m.rss} (${m.anonymous} / ${m.file} / ${m.arenas})`);
  console.log(`| ${name} | ${cells.join(", ")} |`);
}
process.exit(0);
