// Prints vitest's JSON results (one or more runs) as plain closing lines: each failed test with its run,
// file and first error line, then "tests: N passed, N failed, N skipped". A missing file counts as a
// failed run. The failures come last because CI's log is often read from its tail.
import { existsSync, readFileSync } from "node:fs";
import { basename, relative } from "node:path";

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const file of process.argv.slice(2)) {
  const run = basename(file, ".json").replace(/^results-/, "");
  if (!existsSync(file)) {
    failed += 1;
    failures.push(`[${run}] no results file: the run did not finish`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const suite of r.testResults ?? []) {
    const where = relative(process.cwd(), suite.name);
    const failedTests = (suite.assertionResults ?? []).filter((t) => t.status === "failed");
    for (const t of failedTests) {
      const first = String(t.failureMessages?.[0] ?? "")
        .split("\n")[0]
        .slice(0, 300);
      failures.push(`[${run}] ${where} > ${t.fullName ?? t.title}: ${first}`);
    }
    // A file that failed to load has no failed test in it, only its own message.
    if (suite.status === "failed" && failedTests.length === 0) {
      failures.push(
        `[${run}] ${where}: ${String(suite.message ?? "")
          .split("\n")[0]
          .slice(0, 300)}`,
      );
    }
  }
}
for (const line of failures) console.log(`FAILED ${line}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
