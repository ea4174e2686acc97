import { afterEach, describe, expect, it, vi } from "vitest";
import { ProviderError } from "../../src/domain/errors.ts";
import { cartFor, SUBJECTS } from "../contract/subjects.ts";

/**
 * The circuit breaker of a session-based vendor (Posiflora, r_keeper) over real HTTP. The half-open
 * trial may need a new token: the login must not be refused by the breaker the trial holds, or the
 * instance answers CIRCUIT_OPEN for ever.
 */
describe.each(SUBJECTS.filter((s) => !s.skip.sessionRenewal))("breaker and sessions: $id", (subject) => {
  afterEach(() => vi.restoreAllMocks());

  it("recovers after the cooldown when the trial call has to renew its token", async () => {
    const { provider, sim, close } = await subject.start({ timeoutMs: 1_000, maxRetries: 0 });
    try {
      const call = () =>
        provider.calculate(cartFor(subject, subject.knownPhone)).catch((error: unknown) => {
          if (error instanceof ProviderError) return error;
          throw error;
        });
      expect(await call()).not.toBeInstanceOf(ProviderError); // logged in
      sim.faults.add({ kind: "status", status: 502, times: 5, path: subject.calculatePath });
      for (let i = 0; i < 5; i++)
        expect(await call()).toMatchObject({ code: "PROVIDER_UNAVAILABLE", vendorCode: "502" });
      expect(await call()).toMatchObject({ vendorCode: "CIRCUIT_OPEN" });

      // After the cooldown the vendor is back, but it has dropped the gateway's token.
      const start = Date.now();
      let now = start + 11_000;
      vi.spyOn(Date, "now").mockImplementation(() => now);
      sim.faults.add({ kind: "unauthorized", times: 1 });
      const trial = await call();
      expect(trial).not.toBeInstanceOf(ProviderError);
      now += 11_000;
      expect(await call()).not.toBeInstanceOf(ProviderError);
    } finally {
      await close();
    }
  });
});
