import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.ts";

/** The samples of one metric in the registry's text, as `labels value` lines. */
async function samples(metrics: ReturnType<typeof createMetrics>, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => line.slice(name.length))
    .sort();
}

describe("lg_ledger_rows", () => {
  it("shows every state, and a state whose rows all moved on goes back to 0", async () => {
    let counts: Record<string, number> = { UNKNOWN: 2, SUCCEEDED: 5 };
    const metrics = createMetrics();
    metrics.watch({ ledger: () => Promise.resolve(counts) });

    const first = await samples(metrics, "lg_ledger_rows");
    expect(first).toContain('{state="UNKNOWN"} 2');
    expect(first).toContain('{state="SUCCEEDED"} 5');
    expect(first).toContain('{state="NEEDS_ATTENTION"} 0');

    counts = { SUCCEEDED: 7 };
    const second = await samples(metrics, "lg_ledger_rows");
    expect(second).toContain('{state="UNKNOWN"} 0');
    expect(second).toContain('{state="SUCCEEDED"} 7');
    expect(second).toHaveLength(first.length);
  });
});
