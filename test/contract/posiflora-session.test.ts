import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoyaltyProvider } from "../../src/domain/ports/loyalty-provider.port.ts";
import { createLoyaltyProvider } from "../../src/config/providers.ts";
import { createLogger } from "../../src/server/logger.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import { createPosifloraSimulator } from "../../src/simulators/posiflora/server.ts";

describe("Posiflora sessions over HTTP", () => {
  const sim = createPosifloraSimulator({ username: "u", password: "p" });
  let server: Awaited<ReturnType<typeof listen>>;
  let provider: LoyaltyProvider;
  const sessions = (method: string) => sim.requests.count(method, "/api/v1/sessions");

  beforeAll(async () => {
    server = await listen(sim);
    provider = createLoyaltyProvider(
      {
        id: "pf",
        adapter: "posiflora",
        baseUrl: `${server.url}/api`,
        timeoutMs: 2000,
        maxRetries: 1,
        options: {},
        credentials: { username: "env:U", password: "env:P" },
      },
      "test",
      { U: "u", P: "p" },
      { fetch: globalThis.fetch, logger: createLogger("silent") },
    );
  });
  afterAll(() => server.close());

  it("shares one login between concurrent calls", async () => {
    const accounts = await Promise.all(
      Array.from({ length: 10 }, () => provider.findCustomer({ phone: "79001234567" })),
    );
    expect(accounts.every((a) => a?.balance === 350)).toBe(true);
    expect(sessions("POST")).toBe(1);
  });

  it("refreshes after the access token expires, and logs in again when the refresh is refused", async () => {
    sim.expireSessions();
    expect(await provider.findCustomer({ phone: "79001234567" })).not.toBeNull();
    expect(sessions("PATCH")).toBe(1);
    expect(sessions("POST")).toBe(1);

    sim.expireSessions({ refresh: true });
    expect(await provider.findCustomer({ phone: "79001234567" })).not.toBeNull();
    expect(sessions("PATCH")).toBe(2);
    expect(sessions("POST")).toBe(2);
  });

  it("reads the bonus group's rules: 10% earned, at most 30% of the order in points", async () => {
    const account = await provider.findCustomer({ phone: "79001234567" });
    expect(account).toMatchObject({
      tier: "Бонусы 10%",
      earnRateBp: 1000,
      maxRedeemRateBp: 3000,
      redeemBlocked: false,
    });
    const calc = await provider.calculate({
      customer: { phone: "79001234567" },
      currency: "RUB",
      redeemPoints: 300,
      lines: [{ lineId: "1", productId: "p", quantity: 1, unitPrice: 100_000 }],
    });
    expect(calc).toMatchObject({ maxRedeemablePoints: 300, pointsEarned: 70, total: 70_000 });
    const noGroup = await provider.findCustomer({ phone: "79000000003" });
    expect(noGroup).toMatchObject({ redeemBlocked: true, earnRateBp: 0 });
  });
});
