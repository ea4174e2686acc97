import { afterEach, describe, expect, it, vi } from "vitest";
import { isBrokenCircuitError } from "cockatiel";
import { AttemptFailure, circuitState, createCircuitBreaker } from "./circuit-breaker.ts";

const vendorDown = () => Promise.reject(new AttemptFailure({ kind: "network", detail: "down" }, true, true));
const rateLimited = () =>
  Promise.reject(new AttemptFailure({ kind: "status", status: 429, body: null, retryAfter: "1" }, true, false));

describe("createCircuitBreaker (cockatiel)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("opens after the threshold, half-opens after the cooldown, closes on success", async () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const breaker = createCircuitBreaker({ threshold: 2, halfOpenAfterMs: 1000 });
    await expect(breaker.execute(vendorDown)).rejects.toBeInstanceOf(AttemptFailure);
    expect(circuitState(breaker)).toBe("closed");
    await expect(breaker.execute(vendorDown)).rejects.toBeInstanceOf(AttemptFailure);
    expect(circuitState(breaker)).toBe("open");
    const refused = await breaker.execute(() => "never called").catch((e: unknown) => e);
    expect(isBrokenCircuitError(refused)).toBe(true);
    now += 1000;
    expect(await breaker.execute(() => "trial")).toBe("trial");
    expect(circuitState(breaker)).toBe("closed");
  });

  it("re-opens when the trial fails, and does not count 429s against the vendor", async () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const breaker = createCircuitBreaker({ threshold: 1, halfOpenAfterMs: 500 });
    for (let i = 0; i < 3; i++) await expect(breaker.execute(rateLimited)).rejects.toBeInstanceOf(AttemptFailure);
    expect(circuitState(breaker)).toBe("closed");
    await expect(breaker.execute(vendorDown)).rejects.toBeInstanceOf(AttemptFailure);
    now += 600;
    await expect(breaker.execute(vendorDown)).rejects.toBeInstanceOf(AttemptFailure);
    expect(circuitState(breaker)).toBe("open");
  });
});
