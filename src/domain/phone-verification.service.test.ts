import { describe, expect, it } from "vitest";
import { CustomerService } from "./customer.service.ts";
import type { CustomerLinkRecord } from "./customer.ts";
import type { PhoneCodeRecord } from "./phone-code.ts";
import { CODE_RULES, PhoneVerification } from "./phone-verification.service.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { createRequestScope } from "./request-scope.ts";
import { ShopDirectory } from "./shop-directory.ts";
import type { CustomerLinkRepository } from "./ports/customer-link-repository.port.ts";
import type { PhoneCodeRepository } from "./ports/phone-code-repository.port.ts";

/**
 * The code flow's own rules, on a clock the test moves, with a provider that keeps one code per phone
 * (each send replaces it, as BonusPlus does): `vendor.code` is the code an SMS would carry now.
 */
function setup() {
  const clock = { now: Date.UTC(2026, 11, 7, 9, 0, 0) };
  const calls = { send: 0, check: 0 };
  const vendor = { code: "" };
  const provider = {
    instanceId: "sms",
    capabilities: { phoneVerification: true },
    sendCode: async () => {
      calls.send++;
      vendor.code = String(4320 + calls.send);
    },
    checkCode: async (_phone: string, code: string) => (calls.check++, code === vendor.code),
  } as unknown as LoyaltyProvider;
  const other = { instanceId: "plain", capabilities: { phoneVerification: false } } as unknown as LoyaltyProvider;
  const shops = new ShopDirectory([
    {
      id: "s",
      name: "S",
      currency: "RUB",
      timeZone: "Europe/Moscow",
      loyalty: [other, provider],
      orders: null,
      catalog: null,
      priceList: null,
    },
  ] as never);
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
  const days = new Map<string, { sends: number; checks: number }>();
  const repo: PhoneCodeRepository = {
    lastSent: async (shopId, phone, user, since) =>
      [...codes.values()]
        .filter((c) => c.shopId === shopId && (c.phone === phone || c.telegramUserId === user) && c.sentAt > since)
        .map((c) => c.sentAt)
        .sort((a, b) => b.getTime() - a.getTime())[0] ?? null,
    live: async (shopId, phone, providerId) =>
      [...codes.values()].find(
        (c) => c.shopId === shopId && c.phone === phone && (!providerId || c.providerInstanceId === providerId),
      ) ?? null,
    sent: async (r) => void codes.set(`${r.shopId}|${r.providerInstanceId}|${r.phone}`, { ...r, checks: 0 }),
    takeCheck: async (codeId, max) => {
      const c = [...codes.values()].find((x) => x.codeId === codeId);
      if (!c || c.checks >= max) return false;
      c.checks++;
      return true;
    },
    takeDaily: async (shopId, phone, day, kind, max) => {
      const row = days.get(`${shopId}|${phone}|${day}`) ?? { sends: 0, checks: 0 };
      days.set(`${shopId}|${phone}|${day}`, row);
      if (row[kind] >= max) return false;
      row[kind]++;
      return true;
    },
    remove: async (codeId) => {
      for (const [k, c] of codes) if (c.codeId === codeId) codes.delete(k);
    },
  };
  const contested: string[] = [];
  const verification = new PhoneVerification({
    shops,
    customers: new CustomerService(shops, linkRepo),
    proofs: { verify: () => ({ id: "x", telegramUserId: "1", phone: "79001234567", signedAt: 0 }) },
    once: { remember: async () => true },
    codes: repo,
    observer: { phoneCodeContested: (shop) => void contested.push(shop) },
    now: () => clock.now,
  });
  const as = (user: string) => createRequestScope({ kind: "telegram", telegramUserId: user } as never);
  return { verification, clock, calls, links, as, vendor, contested };
}

const errorOf = (p: Promise<unknown>): Promise<Record<string, unknown>> =>
  p.then(
    () => ({}),
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
    const { verification, clock, calls, links, as, vendor } = setup();
    await verification.sendCode(as("1"), "s", "79001234567");
    for (let i = 0; i < CODE_RULES.maxChecks; i++)
      expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", "0000"))).toMatchObject({
        code: "VERIFICATION_FAILED",
      });
    expect(calls.check).toBe(5);
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", vendor.code))).toMatchObject({
      code: "VERIFICATION_FAILED",
      message: expect.stringMatching(/too many/),
    });
    expect(calls.check).toBe(5);
    expect(links.size).toBe(0);
    clock.now += 61_000;
    await verification.sendCode(as("1"), "s", "79001234567");
    expect(await verification.checkCode(as("1"), "s", "79001234567", vendor.code)).toMatchObject({
      phone: "79001234567",
      telegramUserId: "1",
    });
    // The code is used up.
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", vendor.code))).toMatchObject({
      code: "VERIFICATION_FAILED",
    });
  });

  it("refuses a code older than ten minutes, and a check by a user the code was not sent for", async () => {
    const { verification, clock, calls, as, vendor } = setup();
    await verification.sendCode(as("1"), "s", "79001234567");
    expect(await errorOf(verification.checkCode(as("2"), "s", "79001234567", vendor.code))).toMatchObject({
      code: "VERIFICATION_FAILED",
    });
    clock.now += CODE_RULES.lifetimeSeconds * 1000 + 1;
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", vendor.code))).toMatchObject({
      code: "VERIFICATION_EXPIRED",
    });
    expect(calls.check).toBe(0);
  });

  it("keeps one live code per phone: a newer one voids the last for everyone, and only its asker may check it", async () => {
    const { verification, clock, calls, links, as, vendor, contested } = setup();
    await verification.sendCode(as("1"), "s", "79001234567");
    const first = vendor.code;
    clock.now += 61_000;
    await verification.sendCode(as("2"), "s", "79001234567");
    expect(contested).toEqual(["s"]);
    // User 1's code is void at the gateway: not checked at the vendor, whatever is typed.
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", first))).toMatchObject({
      code: "VERIFICATION_FAILED",
    });
    expect(await errorOf(verification.checkCode(as("1"), "s", "79001234567", vendor.code))).toMatchObject({
      code: "VERIFICATION_FAILED",
    });
    expect(calls.check).toBe(0);
    // User 2 counts its own five checks; after a wrong one it is told how many are left.
    expect(await errorOf(verification.checkCode(as("2"), "s", "79001234567", "0000"))).toMatchObject({
      code: "VERIFICATION_FAILED",
      attemptsLeft: 4,
    });
    expect(links.size).toBe(0);
  });

  it("gives ten users together no more than the phone's daily checks, and the right code links only its asker", async () => {
    const { verification, clock, calls, links, as, vendor } = setup();
    let refusedDaily = 0;
    for (let user = 10; user < 20; user++) {
      clock.now += 61_000;
      const sent = await errorOf(verification.sendCode(as(String(user)), "s", "79001234567"));
      if (sent.code === "RATE_LIMITED") continue;
      for (let i = 0; i < CODE_RULES.maxChecks; i++) {
        const e = await errorOf(verification.checkCode(as(String(user)), "s", "79001234567", "0000"));
        if (e.code === "RATE_LIMITED") refusedDaily++;
      }
    }
    expect(calls.check).toBe(CODE_RULES.dailyChecks);
    expect(refusedDaily).toBeGreaterThan(0);
    // Even the right code is refused for the day, for the user who asked, once the phone's checks are spent.
    clock.now += 61_000;
    const today = await errorOf(verification.sendCode(as("30"), "s", "79001234567"));
    expect(today).toMatchObject({ code: "RATE_LIMITED" });
    expect(links.size).toBe(0);
    // The next UTC day counts afresh.
    clock.now = Date.UTC(2026, 11, 8, 0, 0, 1);
    await verification.sendCode(as("30"), "s", "79001234567");
    expect(await errorOf(verification.checkCode(as("31"), "s", "79001234567", vendor.code))).toMatchObject({
      code: "VERIFICATION_FAILED",
    });
    expect(await verification.checkCode(as("30"), "s", "79001234567", vendor.code)).toMatchObject({
      telegramUserId: "30",
    });
    expect([...links.keys()]).toEqual(["30"]);
  });

  it("caps the codes sent to a phone a day, whoever asks", async () => {
    const { verification, clock, calls, as } = setup();
    for (let i = 0; i < CODE_RULES.dailySends; i++) {
      clock.now += 61_000;
      await verification.sendCode(as(String(100 + i)), "s", "79001234567");
    }
    clock.now += 61_000;
    const refused = await errorOf(verification.sendCode(as("200"), "s", "79001234567"));
    expect(refused).toMatchObject({ code: "RATE_LIMITED" });
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(calls.send).toBe(CODE_RULES.dailySends);
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
