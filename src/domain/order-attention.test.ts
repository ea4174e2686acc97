import { describe, expect, it } from "vitest";
import { nextRetryAt, RETRY_RULES } from "./order-attention.ts";

const at = new Date(Date.UTC(2026, 11, 7, 12, 0, 0));
const after = (attempts: number, code = "PROVIDER_UNAVAILABLE") => {
  const next = nextRetryAt(attempts, code, at);
  return next ? (next.getTime() - at.getTime()) / 1000 : null;
};

describe("the follow-up's back-off", () => {
  it("waits the first interval after one failure, then twice the last wait each time", () => {
    expect(after(1)).toBe(RETRY_RULES.firstSeconds);
    expect(after(2)).toBe(2 * RETRY_RULES.firstSeconds);
    expect(after(3)).toBe(4 * RETRY_RULES.firstSeconds);
  });
  it("never waits longer than the cap", () => {
    expect(after(RETRY_RULES.maxAttempts - 1)).toBe(
      Math.min(RETRY_RULES.maxSeconds, RETRY_RULES.firstSeconds * 2 ** (RETRY_RULES.maxAttempts - 2)),
    );
    expect(after(RETRY_RULES.maxAttempts - 1)!).toBeLessThanOrEqual(RETRY_RULES.maxSeconds);
  });
  it("stops after the last attempt, and at once for an error no retry heals", () => {
    expect(after(RETRY_RULES.maxAttempts)).toBeNull();
    for (const code of RETRY_RULES.final) expect(after(1, code)).toBeNull();
    expect(after(1, "RATE_LIMITED")).not.toBeNull();
  });
});
