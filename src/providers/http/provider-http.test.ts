import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { createCircuitBreaker } from "./circuit-breaker.ts";
import { type Fetch, ProviderHttp } from "./provider-http.ts";
import { SessionToken } from "./session-token.ts";

const ok = z.object({ ok: z.literal(true) });
const reject = (failure: { status: number }) =>
  new ProviderError("PROVIDER_REJECTED", `HTTP ${failure.status}`, "p", { vendorCode: String(failure.status) });

function http(fetch: Fetch, extra: Partial<ConstructorParameters<typeof ProviderHttp>[0]> = {}) {
  return new ProviderHttp({
    provider: "p",
    baseUrl: "http://vendor.test/api",
    fetch,
    timeoutMs: 400,
    maxRetries: 2,
    retryBaseMs: 1,
    headers: () => ({}),
    mapError: reject,
    ...extra,
  });
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers });

describe("ProviderHttp on cockatiel", () => {
  afterEach(() => vi.restoreAllMocks());

  it("answers RATE_LIMITED with the wait when Retry-After is an HTTP date beyond the deadline", async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    let calls = 0;
    const edge = http(async () => {
      calls++;
      return json({ error: "slow down" }, 429, { "retry-after": at });
    });
    const error = await edge.request({ method: "GET", path: "x", schema: ok, idempotent: true }).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "RATE_LIMITED", vendorCode: "429" });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(28);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(calls).toBe(1); // the wait does not fit the 400 ms deadline, so no retry
  });

  it("honours a short Retry-After date and retries idempotent calls only", async () => {
    const answers = [json({}, 429, { "retry-after": new Date(Date.now() - 1000).toUTCString() }), json({ ok: true })];
    let calls = 0;
    const edge = http(async () => answers[calls++]!);
    expect(await edge.request({ method: "GET", path: "x", schema: ok, idempotent: true })).toEqual({ ok: true });
    expect(calls).toBe(2);

    let writes = 0;
    const write = http(async () => {
      writes++;
      return json({}, 503);
    });
    const error = await write
      .request({ method: "POST", path: "x", body: {}, schema: ok, idempotent: false })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", vendorCode: "503", uncertain: true });
    expect(writes).toBe(1);
  });

  it("keeps the deadline over every attempt", async () => {
    const edge = http(
      (_url, init) =>
        new Promise((_resolve, rejectFetch) =>
          init?.signal?.addEventListener("abort", () => rejectFetch(new Error("aborted"))),
        ),
    );
    const started = Date.now();
    const error = await edge.request({ method: "GET", path: "x", schema: ok, idempotent: true }).catch((e) => e);
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", vendorCode: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it("lets the half-open trial renew its session: the login is outside the breaker that guards the call", async () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const breaker = createCircuitBreaker({ threshold: 2, halfOpenAfterMs: 10_000 });
    let vendorUp = false;
    let validToken = "t0";
    let logins = 0;
    const fetch: Fetch = async (url, init) => {
      if (!vendorUp) return json({}, 502);
      if ((url instanceof Request ? url.url : url.toString()).endsWith("/login"))
        return json({ token: (validToken = `t${++logins}`) });
      const auth = new Headers(init?.headers).get("authorization");
      return auth === `Bearer ${validToken}` ? json({ ok: true }) : json({}, 401);
    };
    const auth = http(fetch, { maxRetries: 0, breaker });
    const session = new SessionToken(async () => {
      const wire = await auth.request({
        method: "POST",
        path: "login",
        body: {},
        schema: z.object({ token: z.string() }),
        idempotent: true,
      });
      return { token: wire.token, expiresAt: now + 900_000 };
    });
    const calls = http(fetch, {
      maxRetries: 0,
      breaker,
      headers: async () => ({ authorization: `Bearer ${await session.get()}` }),
      onUnauthorized: async () => session.invalidate(),
    });
    const call = () =>
      calls.request({ method: "GET", path: "data", schema: ok, idempotent: true }).catch((e: unknown) => e);

    // The first call's login fails twice (the vendor is down): the breaker opens.
    expect(await call()).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(await call()).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(await call()).toMatchObject({ vendorCode: "CIRCUIT_OPEN" });
    // The vendor is back after the cooldown: the trial is the login the call needs, and it closes the circuit.
    vendorUp = true;
    now += 10_001;
    expect(await call()).toEqual({ ok: true });
    // A token the vendor dropped: the call gets 401, refreshes outside the breaker and repeats.
    validToken = "revoked";
    expect(await call()).toEqual({ ok: true });
    expect(logins).toBe(2);
  });
});
