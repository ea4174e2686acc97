import { describe, expect, it } from "vitest";
import { CustomerService } from "./customer.service.ts";
import type { CustomerLinkRecord, CustomerLinkRepository } from "./customer.ts";
import type { PhoneCodeRecord, PhoneCodeRepository } from "./phone-code.ts";
import { CODE_RULES, PhoneVerification } from "./phone-verification.service.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { createRequestScope } from "./request-scope.ts";
import { ShopDirectory } from "./shop-directory.ts";

/** The code flow's own rules, on a clock the test moves, with a provider whose code is always 4321. */
function setup() {
  const clock = { now: 1_000_000_000_000 };
  const calls = { send: 0, check: 0 };
  const provider = {
    instanceId: "sms",
    capabilities: { phoneVerification: true },
    sendCode: async () => void calls.send++,
    checkCode: async (_phone: string, code: string) => (calls.check++, code === "4321"),
  } as unknown as LoyaltyProvider;
  const other = { instanceId: "plain", capabilities: { phoneVerification: false } } as unknown as LoyaltyProvider;
  const shops = new ShopDirectory([
    { id: "s", name: "S", currency: "RUB", loyalty: [other, provider], orders: null, catalog: null, priceList: null },
  ]);
  const links = new Map<string, CustomerLinkRecord>();
  const linkRepo = {
    linkTelegramUser: async (shopId: string, phone: string, telegramUserId: string) => {
      const row = { id: `c-${phone}`, shopId, phone, telegramUserId };
      links.set(telegramUserId, row);
      return row;
    },
    findByTelegramUser: async (_shopId: string, user: string) => links.get(user) ?? null,
  } as unknown as CustomerLinkRepository;
  const codes = new Map<string, PhoneCodeRecord>();
  const key = (s: string, p: string, u: string) => `${s}|${p}|${u}`;
  const repo: PhoneCodeRepository = {
    lastSent: async (shopId, phone, user, since) =>
      [...codes.values()]
        .filter((c) => c.shopId === shopId && (c.phone === phone || c.telegramUserId === user) && c.sentAt > since)
        .map((c) => c.sentAt)
        .sort((a, b) => b.getTime() - a.getTime())[0] ?? null,
    sent: async (r) => void codes.set(key(r.shopId, r.phone, r.telegramUserId), { ...r, checks: 0 }),
    get: async (s, p, u) => codes.get(key(s, p, u)) ?? null,
    takeCheck: async (s, p, u, max) => {
      const c = codes.get(key(s, p, u));
      if (!c || c.checks >= max) return false;
      c.checks++;
      return true;
    },
    remove: async (s, p, u) => void codes.delete(key(s, p, u)),
  };
  const verification = new PhoneVerification(
    shops,
    new CustomerService(shops, linkRepo),
    { verify: () => ({ id: "x", telegramUserId: "1", phone: "79001234567", signedAt: 0 }) },
    { remember: async () => true },
    repo,
    () => clock.now,
  );
  const as = (user: string) => createRequestScope({ kind: "telegram", telegramUserId: user } as never);
  return { verification, clock, calls, links, as };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => ({}) as Record<string, unknown>,
    (e: unknown) => e as Record<string, unknown>,
  );

describe("PhoneVerification: the SMS code flow's limits", () => {
  it("sends through the first provider that verifies phones, once a minute per phone and per user", async () => {
    const { verification, clock, calls, as } = setup();
    expect(await verification.sendCode(as("1"), "s", "+7 900 123-45-67")).toMatchObject({
      phone: "79001234567",
      providerId: "sms",
    });
    expect(await errorOf(verification.sendCode(as("1"), "s", "79001234567"))).toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSeconds: 60,
    });
    // Another user asking for the same phone, or the same user for another phone, waits too.
    expect(await errorOf(verification.sendCode(as("2"), "s", "79001234567"))).toMatchObject({ code: "RATE_LIMITED" });
    expect(await errorOf(verification.sendCode(as("1"), "s", "79007654321"))).toMatchObject({ code: "RATE_LIMITED" });
    clock.now += 45_000;
    expect(await errorOf(verification.sendCode(as("1"), "s", "79001234567"))).toMatchObject({ retryAfterSeconds: 15 });
    clock.now += 15_001;
    await verification.sendCode(as("1"), "s", "79001234567");
    expect(calls.send).toBe(2);
  });

  it("allows five checks a code, then fails without asking the provider until a new code is sent", async () => {
    const { verification, clock, calls, links, as } = setup();
    await verification.sendCode(as("1"), "s", "79001234567");
    for (let i = 0; i < CODE_RULES.maxChecks; i++)
      expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", "0000"))).toMatchObject({
        code: "VERIFICATION_FAILED",
      });
    expect(calls.check).toBe(5);
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", "4321"))).toMatchObject({
      code: "VERIFICATION_FAILED",
      message: expect.stringMatching(/too many/),
    });
    expect(calls.check).toBe(5);
    expect(links.size).toBe(0);
    clock.now += 61_000;
    await verification.sendCode(as("1"), "s", "79001234567");
    expect(await verification.checkCode(as("1"), "s", "79001234567", "4321")).toMatchObject({
      phone: "79001234567",
      telegramUserId: "1",
    });
    // The code is used up.
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", "4321"))).toMatchObject({
      code: "VERIFICATION_FAILED",
    });
  });

  it("refuses a code older than ten minutes, and a check by a user the code was not sent for", async () => {
    const { verification, clock, calls, as } = setup();
    await verification.sendCode(as("1"), "s", "79001234567");
    expect(await errorOf(verification.checkCode(as("2"), "s", "79001234567", "4321"))).toMatchObject({
      code: "VERIFICATION_FAILED",
    });
    clock.now += CODE_RULES.lifetimeSeconds * 1000 + 1;
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", "4321"))).toMatchObject({
      code: "VERIFICATION_EXPIRED",
    });
    expect(calls.check).toBe(0);
  });

  it("is for Mini App users, at a provider that sends codes", async () => {
    const { verification, as } = setup();
    const service = createRequestScope({ kind: "service", name: "bot", scopes: new Set() } as never);
    expect(await errorOf(verification.sendCode(service, "s", "79001234567"))).toMatchObject({
      code: "UNAUTHENTICATED",
    });
    expect(await errorOf(verification.sendCode(as("1"), "s", "79001234567", "plain"))).toMatchObject({
      code: "UNSUPPORTED_BY_PROVIDER",
    });
  });
});
