import { describe, expect, it } from "vitest";
import { retryDelayMs } from "./retry-delay.ts";

describe("retryDelayMs", () => {
  it("honours Retry-After in seconds and as a date", () => {
    expect(retryDelayMs(0, "2")).toBe(2000);
    expect(retryDelayMs(0, new Date(10_000).toUTCString(), 100, 7_000)).toBe(3000);
  });
  it("backs off exponentially within jitter bounds", () => {
    for (let i = 0; i < 20; i++) {
      const d = retryDelayMs(3, null, 100);
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});
