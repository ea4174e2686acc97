import { afterEach, describe, expect, it, vi } from "vitest";
import { repeatRound } from "./repeating-round.ts";

afterEach(() => vi.useRealTimers());

describe("repeatRound", () => {
  it("skips a tick while the last round still runs, reports a failure, and stops", async () => {
    vi.useFakeTimers();
    let release = () => {};
    let rounds = 0;
    const failures: unknown[] = [];
    const stop = repeatRound(
      1000,
      () => {
        rounds += 1;
        if (rounds === 1) return new Promise<void>((resolve) => (release = resolve));
        return Promise.reject(new Error(`round ${rounds}`));
      },
      (error) => failures.push(error),
    );
    await vi.advanceTimersByTimeAsync(3500);
    expect(rounds).toBe(1); // the first round is still running: ticks 2 and 3 were skipped
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(2);
    expect(failures).toEqual([new Error("round 2")]);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(rounds).toBe(2);
  });
});
