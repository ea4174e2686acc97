/**
 * A vitest setup file: any test after which a simulator of this test file holds a violation (a request
 * that breaks its vendor's documents) fails, naming each one. A test that sends a bad request on
 * purpose takes its own violations first (`expectViolations` in ./violations.ts), and after hooks run in
 * reverse order, so a test file's own afterEach runs before this one.
 *
 * Register it in vitest.config.ts: `setupFiles: ["test/support/violations-setup.ts"]`.
 */
import { afterAll, afterEach } from "vitest";
import { describeViolation, takeAllViolations } from "../../src/simulators/kit/violations.ts";

function failOnViolations(when: string): void {
  const found = takeAllViolations();
  if (found.length === 0) return;
  throw new Error(
    `${when}, the simulators recorded ${found.length} request(s) that break the vendor documents:\n` +
      found.map((v) => `  - ${describeViolation(v)}`).join("\n"),
  );
}

afterEach(() => failOnViolations("After this test"));
afterAll(() => failOnViolations("After the last test of this file"));
