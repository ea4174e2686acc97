import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const LOGGER = fileURLToPath(new URL("./logger.ts", import.meta.url));

describe("flushLogs before process.exit", () => {
  it("lets a write under way finish and writes what is queued behind it, in order, before the exit", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "lg-log-exit-"));
    const script = path.join(dir, "exit.mts");
    // A slow pipe: each write of stdout is taken 200 ms late, so the first line is still being written
    // when the process flushes and exits, with the second queued behind it.
    writeFileSync(
      script,
      `import fs from "node:fs";
import { createLogger, flushLogs } from ${JSON.stringify(LOGGER)};
const write = fs.write;
fs.write = (...args) => setTimeout(() => write(...args), 200);
const log = createLogger("info");
log.info("shutting down");
log.info("stopped");
await flushLogs(5000);
process.exit(0);
`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: path.dirname(LOGGER),
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(
      out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).msg),
    ).toEqual(["shutting down", "stopped"]);
  }, 30_000);
});
