import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LoyaltyProvider } from "../../src/domain/ports/loyalty-provider.port.ts";
import type { Simulator } from "../../src/simulators/registry.ts";
import { providerError } from "../support/provider-error.ts";
import { cartFor, SUBJECTS } from "./subjects.ts";

/**
 * Every capability flag a module declares is backed by a call that works against its simulator over
 * HTTP, and every flag it does not declare answers UNSUPPORTED_BY_PROVIDER (the boot check of
 * defineLoyaltyModule makes the methods and the flags agree; this proves the methods work).
 */
describe.each(SUBJECTS)("capabilities are real: $id", (subject) => {
  let provider: LoyaltyProvider;
  let sim: Simulator;
  let close: () => Promise<void>;
  const newPhone = "79005559901";
  const unsupported = async (call: () => Promise<unknown>) =>
    expect((await providerError(call)).code).toBe("UNSUPPORTED_BY_PROVIDER");

  beforeAll(async () => ({ provider, sim, close } = await subject.start({ timeoutMs: 2_000, maxRetries: 1 })));
  afterAll(() => close());
  beforeEach(() => sim.state.reset());

  it("lookupBy: each kind it names finds the known customer, and the others are refused", async () => {
    const { lookupBy } = provider.capabilities;
    if (lookupBy.includes("PHONE"))
      expect((await provider.findCustomer({ phone: subject.knownPhone }))?.phone).toBe(subject.knownPhone);
    if (lookupBy.includes("CARD")) {
      expect(subject.card, "a subject that looks up by CARD names a card").toBeTruthy();
      const account = await provider.findCustomerByCard(subject.card!);
      expect(account?.phone).toBe(subject.knownPhone);
      expect(account!.externalId).toBeTruthy();
      expect(await provider.findCustomerByCard("no-such-card-000")).toBeNull();
    } else await unsupported(() => provider.findCustomerByCard("100001"));
    if (lookupBy.includes("QR")) {
      expect(subject.qrToken, "a subject that looks up by QR names a token").toBeTruthy();
      expect((await provider.findCustomerByToken(subject.qrToken!))?.phone).toBe(subject.knownPhone);
      expect(await provider.findCustomerByToken("no-such-token-000")).toBeNull();
    } else await unsupported(() => provider.findCustomerByToken("qr-anna-501"));
  });

  it("phoneVerification: the vendor sends a code; a wrong one is refused and the right one accepted", async () => {
    if (!provider.capabilities.phoneVerification) {
      await unsupported(() => provider.sendCode(newPhone));
      await unsupported(() => provider.checkCode(newPhone, "1234"));
      return;
    }
    await provider.sendCode(newPhone);
    const code = subject.sentCode?.(sim, newPhone);
    expect(code).toBeTruthy();
    expect(await provider.checkCode(newPhone, code === "0000" ? "1111" : "0000")).toBe(false);
    expect(await provider.checkCode(newPhone, code!)).toBe(true);
  });

  it("registration: a new customer exists afterwards with no points, and registering again changes nothing", async () => {
    if (!provider.capabilities.registration) {
      await unsupported(() => provider.registerCustomer({ phone: newPhone, name: "Вера Новикова" }));
      return;
    }
    expect(await provider.findCustomer({ phone: newPhone })).toBeNull();
    const account = await provider.registerCustomer({ phone: newPhone, name: "Вера Новикова" });
    expect(account).toMatchObject({ phone: newPhone, balance: 0 });
    expect(account.name).toContain("Вера");
    expect((await provider.findCustomer({ phone: newPhone }))?.externalId).toBe(account.externalId);
    expect((await provider.registerCustomer({ phone: newPhone, name: "Вера Новикова" })).externalId).toBe(
      account.externalId,
    );
    // A registered customer can buy: the calculation knows them.
    expect((await provider.calculate(cartFor(subject, newPhone))).lines).toHaveLength(subject.lines.length);
  });

  it("profileUpdate: the name changes at the vendor", async () => {
    if (!provider.capabilities.profileUpdate) {
      await unsupported(() =>
        provider.updateCustomer({ phone: subject.knownPhone }, { phone: subject.knownPhone, name: "Анна" }),
      );
      return;
    }
    const account = await provider.updateCustomer(
      { phone: subject.knownPhone },
      { phone: subject.knownPhone, name: "Анна Иванова" },
    );
    expect(account.name).toBe("Анна Иванова");
    expect((await provider.findCustomer({ phone: subject.knownPhone }))?.name).toBe("Анна Иванова");
  });

  it("coupons: a promo code the vendor runs lowers the total and is reported per code, at the purchase too", async () => {
    if (!provider.capabilities.coupons) {
      expect(subject.coupon).toBeUndefined();
      return;
    }
    const plain = await provider.calculate(cartFor(subject, subject.knownPhone));
    const cart = { ...cartFor(subject, subject.knownPhone), coupons: [subject.coupon!] };
    const withCode = await provider.calculate(cart);
    expect(withCode.total).toBeLessThan(plain.total);
    expect(withCode.coupons).toEqual([{ code: subject.coupon, applied: true, reason: null }]);
    const promoted = withCode.lines.flatMap((l) => l.promotions ?? []);
    expect(promoted.length + (withCode.promotions?.length ?? 0)).toBeGreaterThan(0);
    // The purchase carries the code (BonusPlus `coupons`; r_keeper through the fingerprint of a calculation with `promocodes`).
    const orderId = randomUUID();
    const customer = { phone: subject.knownPhone };
    if (provider.capabilities.hold === "NATIVE") {
      const hold = await provider.hold({ orderId, customer, cart, points: 0, idempotencyKey: "c:hold" });
      await provider.commit({ orderId, customer, cart, holdId: hold.holdId, idempotencyKey: "c:commit" });
    } else await provider.commit({ orderId, customer, cart, idempotencyKey: "c:commit" });
    expect(JSON.stringify(sim.state.snapshot())).toContain(subject.coupon!);
  });
});
