import { describe, expect, it } from "vitest";
import { SessionToken } from "./session-token.ts";

describe("SessionToken", () => {
  it("shares one fetch between concurrent callers and renews ahead of expiry", async () => {
    let now = 0;
    let fetches = 0;
    const session = new SessionToken(
      async () => ({ token: `t${++fetches}`, expiresAt: now + 900_000 }),
      60_000,
      () => now,
    );
    expect(await Promise.all([session.get(), session.get(), session.get()])).toEqual(["t1", "t1", "t1"]);
    now = 800_000;
    expect(await session.get()).toBe("t1");
    now = 841_000; // inside the renewal margin
    expect(await session.get()).toBe("t2");
    session.invalidate();
    expect(await session.get()).toBe("t3");
    expect(fetches).toBe(3);
  });

  it("lets the next caller retry after a failed fetch", async () => {
    let attempt = 0;
    const session = new SessionToken(async () => {
      if (++attempt === 1) throw new Error("down");
      return { token: "ok", expiresAt: Date.now() + 900_000 };
    });
    await expect(session.get()).rejects.toThrow("down");
    expect(await session.get()).toBe("ok");
  });
});
