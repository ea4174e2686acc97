/**
 * The long run of the fuzz suite: `npm run fuzz` (FUZZ_COUNT=10000 inputs by default, FUZZ_SEED to repeat
 * a run, FUZZ_RSS_MB for the memory ceiling, FUZZ_TRUSTED_DOCUMENTS=on to fuzz with trusted documents
 * enforced). A demo gateway runs in this process on a new SQLite file; the figures are printed, and the
 * exit code is 1 when any check failed. The short run (300 inputs) is test/fuzz/fuzz.test.ts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrate } from "../src/persistence/migrate.ts";
import { formatReport, runFuzz } from "../test/fuzz/engine.ts";
import { startFuzzTarget } from "../test/fuzz/target.ts";

const count = Number(process.env.FUZZ_COUNT ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const rssCeilingMb = Number(process.env.FUZZ_RSS_MB ?? 1536);

const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-fuzz-long-")), "gateway.db");
await migrate(`file:${file}`);
const target = await startFuzzTarget(file);
let failed: boolean;
try {
  const report = await runFuzz(target, {
    seed,
    count,
    rssCeilingMb,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  const errors = target.errorLines();
  process.stdout.write(`  error-level log lines: ${errors.length}\n`);
  for (const line of errors.slice(0, 5)) process.stdout.write(`    ${line.slice(0, 400)}\n`);
  failed =
    report.serverErrors.length > 0 ||
    report.maskedUnexpected.length > 0 ||
    report.internalText.length > 0 ||
    report.databaseChanges.length > 0 ||
    report.simulatorChanges.length > 0 ||
    report.peakRssMb >= report.rssCeilingMb ||
    errors.length > 0;
  process.stdout.write(`${failed ? "FAILED" : "PASSED"} (repeat with FUZZ_SEED=${seed} FUZZ_COUNT=${count})\n`);
} finally {
  await target.close();
}
process.exit(failed ? 1 : 0);
