import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { formatReport, runFuzz } from "./engine.ts";
import { startFuzzTarget } from "./target.ts";

/**
 * The short run of the fuzz suite (`npm run fuzz` is the long one): seeded inputs against every root
 * field, over every transport, checked for 5xx, internal text, database and simulator changes after error
 * answers, and memory. FUZZ_SEED and FUZZ_COUNT repeat or lengthen a run.
 */
describe("fuzz (short run)", () => {
  it("answers hostile input without a 5xx, internal text, side effects on refusal, or runaway memory", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-fuzz-")), "gateway.db");
    copyFileSync(inject("templateDb"), file);
    const target = await startFuzzTarget(file);
    try {
      const report = await runFuzz(target, {
        seed: Number(process.env.FUZZ_SEED ?? 20261201),
        count: Number(process.env.FUZZ_COUNT ?? 300),
        rssCeilingMb: Number(process.env.FUZZ_RSS_MB ?? 1536),
      });
      console.log(formatReport(report));
      expect(report.serverErrors).toEqual([]);
      expect(report.internalText).toEqual([]);
      expect(report.databaseChanges).toEqual([]);
      expect(report.simulatorChanges).toEqual([]);
      expect(report.peakRssMb).toBeLessThan(report.rssCeilingMb);
      expect(target.errorLines()).toEqual([]);
    } finally {
      await target.close();
    }
  }, 180_000);
});
