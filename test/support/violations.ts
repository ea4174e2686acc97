import { expect } from "vitest";
import type { Violation, ViolationLog, ViolationMatch } from "../../src/simulators/kit/violations.ts";

/**
 * For a test that breaks a vendor's rule on purpose: takes the simulator's violations that match (so the
 * setup's check after the test does not fail on them) and asserts there was at least one.
 */
export function expectViolations(sim: { violations: ViolationLog }, match: ViolationMatch): Violation[] {
  const taken = sim.violations.take(match);
  expect(taken, `expected a violation like ${JSON.stringify(match)}`).not.toHaveLength(0);
  return taken;
}

/** Asserts that the simulator recorded no violation so far (without waiting for the setup's check). */
export function expectNoViolations(sim: { violations: ViolationLog }): void {
  expect(sim.violations.entries.map((v) => `${v.method} ${v.path} (${v.kind}): ${v.detail}`)).toEqual([]);
}
