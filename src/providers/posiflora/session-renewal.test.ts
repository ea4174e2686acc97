import { describe, expect, it } from "vitest";
import { SessionToken } from "../http/session-token.ts";
import { POSIFLORA_RENEWAL } from "./client.ts";

/** Posiflora's token lifetimes are unknown: renewal is relative to each token's own lifetime. */
describe("SessionToken with POSIFLORA_RENEWAL", () => {
  const session = (lifetimeMs: number) => {
    const clock = { now: 0, fetches: 0 };
    const token = new SessionToken(
      async () => ({ token: `t${++clock.fetches}`, issuedAt: clock.now, expiresAt: clock.now + lifetimeMs }),
      POSIFLORA_RENEWAL,
      () => clock.now,
    );
    return { token, clock };
  };

  it("renews at 80% of the lifetime: a one-hour token after 48 minutes, a 20-second one after 16 seconds", async () => {
    for (const [lifetime, renewAt] of [
      [3_600_000, 2_880_000],
      [20_000, 16_000],
    ] as const) {
      const { token, clock } = session(lifetime);
      expect(await token.get()).toBe("t1");
      clock.now = renewAt - 1;
      expect(await token.get()).toBe("t1");
      clock.now = renewAt;
      expect(await token.get()).toBe("t2");
    }
  });

  it("keeps a very short-lived token until it expires rather than renewing it on every call", async () => {
    const { token, clock } = session(3_000);
    expect(await token.get()).toBe("t1");
    clock.now = 2_999;
    expect(await token.get()).toBe("t1");
    clock.now = 3_000;
    expect(await token.get()).toBe("t2");
  });

  it("a 401 for a token already replaced does not drop the new one", async () => {
    const { token } = session(3_600_000);
    const old = await token.get();
    token.invalidate(old);
    const fresh = await token.get();
    expect(fresh).toBe("t2");
    token.invalidate(old); // a call that was in flight with the old token comes back
    expect(await token.get()).toBe("t2");
    token.invalidate(fresh);
    expect(await token.get()).toBe("t3");
  });

  it("renews once for concurrent callers (single flight)", async () => {
    const { token, clock } = session(3_600_000);
    await token.get();
    token.invalidate();
    expect(await Promise.all([token.get(), token.get(), token.get()])).toEqual(["t2", "t2", "t2"]);
    expect(clock.fetches).toBe(2);
  });
});
