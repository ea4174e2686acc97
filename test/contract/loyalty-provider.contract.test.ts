import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { providerError } from "../support/provider-error.ts";
import type { LoyaltyProvider } from "../../src/domain/ports/loyalty-provider.port.ts";
import type { Simulator } from "../../src/simulators/registry.ts";
import { cartFor, SUBJECTS, vendorOperations } from "./subjects.ts";

const TIMEOUT_MS = 400;

describe.each(SUBJECTS)("loyalty provider contract: $id", (subject) => {
  let provider: LoyaltyProvider;
  let sim: Simulator;
  let close: () => Promise<void>;
  /** Finds the account the way the provider supports: by phone, or by the phone's QR token. */
  const find = (phone: string) => {
    if (provider.capabilities.lookupBy.includes("PHONE")) return provider.findCustomer({ phone });
    return provider.findCustomerByToken(subject.tokens?.[phone] ?? `no-such-token-${phone}`);
  };
  const balance = async (phone = subject.knownPhone) => (await find(phone))!.balance;
  /** Commits as the domain would, after whatever the vendor needs to exist first. */
  const commit = (req: Parameters<LoyaltyProvider["commit"]>[0]) => {
    subject.beforeCommit?.(sim, req.orderId, req.customer.phone, req.cart);
    return provider.commit(req);
  };
  /** The customer as the domain passes it: the phone, and the provider's id once known. */
  const customer = async (phone = subject.knownPhone) => ({ phone, externalId: (await find(phone))?.externalId });

  beforeAll(async () => ({ provider, sim, close } = await subject.start({ timeoutMs: TIMEOUT_MS, maxRetries: 2 })));
  afterAll(() => close());
  beforeEach(() => {
    sim.state.reset();
    sim.faults.clear();
    sim.requests.clear();
  });

  it("finds a customer, and answers null for an unknown one", async () => {
    const account = await find(subject.knownPhone);
    expect(account?.phone).toBe(subject.knownPhone);
    expect(Number.isInteger(account?.balance)).toBe(true);
    expect(account!.balance).toBeGreaterThan(0);
    expect(await find(subject.unknownPhone)).toBeNull();
    if (!provider.capabilities.lookupBy.includes("PHONE")) {
      expect((await providerError(() => provider.findCustomer({ phone: subject.knownPhone }))).code).toBe(
        "UNSUPPORTED_BY_PROVIDER",
      );
    }
  });

  it("reads the balance, and finds the customer by phone once their id at the provider is known", async () => {
    const known = await customer();
    expect(await provider.balance(known)).toBe(await balance());
    const account = await provider.findCustomer(known);
    expect(account).toMatchObject({ phone: subject.knownPhone, balance: await balance() });
    expect(Number.isSafeInteger(account!.balance)).toBe(true);
    if (!provider.capabilities.lookupBy.includes("PHONE")) {
      // An id the vendor no longer knows is nobody, not an error.
      expect(await provider.findCustomer({ phone: subject.knownPhone, externalId: "no-such-client" })).toBeNull();
    }
  });

  it("lists the customers changed since a time where it declares balanceFeed, or says it cannot", async () => {
    // After the state was made (its customers' updatedAt), before the change the test makes.
    const since = new Date(Date.now() + 1).toISOString();
    if (!provider.capabilities.balanceFeed) {
      expect((await providerError(() => provider.changedCustomers(since, 1))).code).toBe("UNSUPPORTED_BY_PROVIDER");
      return;
    }
    const before = await balance();
    subject.moveInShop!(sim, subject.knownPhone, -25, 3600);
    const pages: Array<Awaited<ReturnType<LoyaltyProvider["changedCustomers"]>>> = [];
    for (let page: number | null = 1; page !== null; page = pages.at(-1)!.next)
      pages.push(await provider.changedCustomers(since, page));
    const changed = pages.flatMap((p) => p.customers);
    expect(changed).toEqual([
      expect.objectContaining({ phone: subject.knownPhone, balance: before - 25, externalId: expect.any(String) }),
    ]);
    expect(Date.parse(changed[0]!.updatedAt)).toBeGreaterThan(Date.now() + 3000_000);
    // From the change's own time, it is listed again (the cursor is inclusive); from after it, nothing is.
    expect((await provider.changedCustomers(changed[0]!.updatedAt, 1)).customers).toHaveLength(1);
    const later = new Date(Date.parse(changed[0]!.updatedAt) + 1000).toISOString();
    expect((await provider.changedCustomers(later, 1)).customers).toEqual([]);
  });

  it("tells the points history where it declares pointsHistory, or says it cannot", async () => {
    if (!provider.capabilities.pointsHistory) {
      expect((await providerError(() => provider.pointsHistory({ phone: subject.knownPhone }))).code).toBe(
        "UNSUPPORTED_BY_PROVIDER",
      );
      return;
    }
    expect(await provider.pointsHistory({ phone: subject.unknownPhone })).toBeNull();
    const orderId = randomUUID();
    const cart = cartFor(subject, subject.knownPhone, 30);
    await commit({ orderId, customer: await customer(), cart, idempotencyKey: `${orderId}:commit` });
    subject.moveInShop?.(sim, subject.knownPhone, 12, 60);
    const history = await provider.pointsHistory(await customer());
    expect(history).toEqual([
      expect.objectContaining({ points: 12, orderRef: null }),
      expect.objectContaining({ points: -30, orderRef: orderId }),
    ]);
    expect(history![0]!.at.getTime()).toBeGreaterThan(history![1]!.at.getTime());
  });

  it("calculates a cart without points: exact integer totals", async () => {
    const c = await provider.calculate(cartFor(subject, subject.knownPhone));
    expect(c.lines).toHaveLength(subject.lines.length);
    expect(c.subtotal).toBe(subject.lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0));
    expect(c.total).toBe(c.subtotal - c.discount - c.redeemed);
    expect(c.redeemedPoints).toBe(0);
    expect(c.maxRedeemablePoints).toBeGreaterThan(0);
    for (const v of [c.subtotal, c.discount, c.total, c.pointsEarned, c.maxRedeemablePoints])
      expect(Number.isSafeInteger(v)).toBe(true);
  });

  it("calculates a cart with points: what is redeemed lowers the total", async () => {
    const without = await provider.calculate(cartFor(subject, subject.knownPhone));
    const points = Math.min(100, without.maxRedeemablePoints);
    const withPoints = await provider.calculate(cartFor(subject, subject.knownPhone, points));
    expect(withPoints.redeemedPoints).toBe(points);
    expect(withPoints.total).toBe(without.total - withPoints.redeemed);
    expect(withPoints.lines.reduce((a, l) => a + l.redeemed, 0)).toBe(withPoints.redeemed);
  });

  it("holds and releases points, or says the hold is unsupported", async () => {
    const hold = {
      orderId: randomUUID(),
      customer: { phone: subject.knownPhone },
      cart: cartFor(subject, subject.knownPhone, 40),
      points: 40,
      idempotencyKey: "o1:hold",
    };
    if (provider.capabilities.hold !== "NATIVE") {
      expect((await providerError(() => provider.hold(hold))).code).toBe("UNSUPPORTED_BY_PROVIDER");
      return;
    }
    const before = await balance();
    const receipt = await provider.hold(hold);
    expect(receipt.points).toBe(40);
    expect(await balance()).toBe(before - 40);
    await provider.release({ ...hold, holdId: receipt.holdId, idempotencyKey: "o1:release" });
    expect(await balance()).toBe(before);
    // Releasing what is already gone succeeds.
    await provider.release({ ...hold, holdId: receipt.holdId, idempotencyKey: "o1:release-again" });
    expect(await balance()).toBe(before);
  });

  it("refuses a hold above the balance with a loyalty code", async () => {
    if (provider.capabilities.hold !== "NATIVE") return;
    const poor = await balance(subject.poorPhone);
    const cart = cartFor(subject, subject.poorPhone);
    const error = await providerError(() =>
      provider.hold({
        orderId: randomUUID(),
        customer: { phone: subject.poorPhone },
        cart,
        points: poor + 1,
        idempotencyKey: "o2:hold",
      }),
    );
    expect(["INSUFFICIENT_BONUSES", "REDEEM_LIMIT_EXCEEDED"]).toContain(error.code);
    expect(error.vendorCode).toBeTruthy();
  });

  it("commits a purchase: the balance moves by earned minus redeemed", async () => {
    const before = await balance();
    // Redeeming the maximum: every provider quotes the accrual for that amount exactly.
    const max = (await provider.calculate(cartFor(subject, subject.knownPhone))).maxRedeemablePoints;
    const cart = cartFor(subject, subject.knownPhone, max);
    const priced = await provider.calculate(cart);
    const receipt = await commit({
      orderId: randomUUID(),
      customer: await customer(),
      cart,
      idempotencyKey: "o3:commit",
    });
    expect(receipt.reference).toBeTruthy();
    expect(receipt.pointsRedeemed).toBe(max);
    expect(await balance()).toBe(before - max + (subject.accruesAtCommit === false ? 0 : priced.pointsEarned));
  });

  it("tells what it accrued by itself on a done order where the purchase call only spends, or answers null", async () => {
    const orderId = randomUUID();
    const who = await customer();
    if (!provider.behaviour.flow.commitOnlyToRedeem) {
      expect(await provider.earnedPoints({ orderId, customer: who })).toBeNull();
      return;
    }
    const cart = cartFor(subject, subject.knownPhone, 10);
    const sale = await commit({ orderId, customer: who, cart, idempotencyKey: "o7:commit" });
    expect(sale.pointsEarned).toBe(0);
    // Not done yet: nothing is accrued, and nothing is known.
    expect(await provider.earnedPoints({ orderId, customer: who })).toBeNull();
    const before = await balance();
    subject.doneInShop!(sim, orderId);
    const earned = await provider.earnedPoints({ orderId, customer: who });
    expect(earned).toBeGreaterThan(0);
    expect(await balance()).toBe(before + earned!);
  });

  it.skipIf(subject.skip.vendorDedupe)("commits again with the same key: one operation at the vendor", async () => {
    const cart = cartFor(subject, subject.knownPhone);
    const req = { orderId: randomUUID(), customer: await customer(), cart, idempotencyKey: "o4:commit" };
    const first = await commit(req);
    const writesAfterFirst = sim.requests.entries.filter((e) => e.path.includes(subject.commitPath)).length;
    const second = await commit(req);
    expect(second.reference).toBe(first.reference);
    expect(vendorOperations(sim)).toBe(1);
    expect(writesAfterFirst).toBeGreaterThan(0);
  });

  it("refunds part of a purchase, or says refunds are unsupported", async () => {
    const cart = cartFor(subject, subject.knownPhone, 100);
    const orderId = randomUUID();
    const sale = await commit({ orderId, customer: await customer(), cart, idempotencyKey: "o5:commit" });
    if (provider.capabilities.refund === "FULL") {
      const before = await balance();
      const receipt = await provider.refund({
        orderId,
        customer: await customer(),
        pointsRedeemed: sale.pointsRedeemed,
        idempotencyKey: "o5:refund",
      });
      expect(receipt.reference).toBeTruthy();
      // Spent points come back and earned ones are taken away.
      expect(await balance()).toBe(before + sale.pointsRedeemed - sale.pointsEarned);
      const again = await provider.refund({
        orderId,
        customer: await customer(),
        pointsRedeemed: sale.pointsRedeemed,
        idempotencyKey: "o5:refund",
      });
      expect(again.reference).toBe(receipt.reference);
      expect(
        (
          await providerError(() =>
            provider.refund({
              orderId,
              customer: { phone: subject.knownPhone },
              lines: [{ lineId: subject.refundLineId, amount: 100, subtotal: 100 }],
              idempotencyKey: "o5:part",
            }),
          )
        ).code,
      ).toBe("UNSUPPORTED_BY_PROVIDER");
      return;
    }
    if (provider.capabilities.refund === "NONE") {
      expect(
        (
          await providerError(() =>
            provider.refund({ orderId, customer: { phone: subject.knownPhone }, idempotencyKey: "o5:refund" }),
          )
        ).code,
      ).toBe("UNSUPPORTED_BY_PROVIDER");
      return;
    }
    const before = await balance();
    const receipt = await provider.refund({
      orderId,
      customer: { phone: subject.knownPhone },
      lines: [{ lineId: subject.refundLineId, amount: 10_000, subtotal: 10_000 }],
      idempotencyKey: "o5:refund",
    });
    expect(receipt.refunded).toBe(10_000);
    expect(await balance()).not.toBe(before);
    const tooMuch = await providerError(() =>
      provider.refund({
        orderId,
        customer: { phone: subject.knownPhone },
        lines: [{ lineId: subject.refundLineId, amount: 10_000_000, subtotal: 10_000_000 }],
        idempotencyKey: "o5:refund2",
      }),
    );
    expect(tooMuch.code).toBe("PROVIDER_REJECTED");
  });

  it("maps vendor failures to gateway codes and never retries a write", async () => {
    const who = await customer();
    sim.faults.add({ kind: "status", status: 500, times: 5, path: subject.commitPath });
    const cart = cartFor(subject, subject.knownPhone);
    const error = await providerError(() =>
      commit({ orderId: randomUUID(), customer: who, cart, idempotencyKey: "o6:commit" }),
    );
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(error.uncertain).toBe(true);
    // A write is repeated only where the vendor deduplicates it by our key.
    const attempts = sim.requests.entries.filter((e) => e.path.includes(subject.commitPath)).length;
    expect(attempts).toBe(subject.skip.vendorDedupe ? 1 : 3);
  });

  it("retries idempotent reads on 429 and 5xx, honouring Retry-After", async () => {
    await provider.calculate(cartFor(subject, null)); // any session is set up first
    sim.requests.clear();
    sim.faults.add({ kind: "rateLimit", retryAfterSeconds: 0, times: 1, path: subject.calculatePath });
    sim.faults.add({ kind: "status", status: 503, times: 1, path: subject.calculatePath });
    expect((await provider.calculate(cartFor(subject, subject.knownPhone))).lines).toHaveLength(subject.lines.length);
    expect(sim.requests.entries.filter((e) => e.path.includes(subject.calculatePath))).toHaveLength(3);
  });

  it("turns a timeout into PROVIDER_UNAVAILABLE within the configured deadline", async () => {
    sim.faults.add({ kind: "timeout", times: 5 });
    const started = Date.now();
    const error = await providerError(() => provider.calculate(cartFor(subject, subject.knownPhone)));
    expect(error.code).toBe("PROVIDER_UNAVAILABLE");
    expect(error.vendorCode).toBe("TIMEOUT");
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000); // not a timing test: a bound far above the deadline
  });

  it("rejects a malformed answer as PROVIDER_UNAVAILABLE", async () => {
    sim.faults.add({ kind: "malformed", times: 1 });
    expect((await providerError(() => provider.calculate(cartFor(subject, subject.knownPhone)))).vendorCode).toBe(
      "BAD_RESPONSE",
    );
  });

  it("imports products where it declares productImport, and a repeated batch changes nothing", async () => {
    if (!provider.capabilities.productImport) {
      expect(provider.importProducts).toBeUndefined();
      return;
    }
    const batch = [
      { id: "p-1", name: "Букет из 15 роз", category: "Розы", price: 350_000 },
      { id: "p-2", name: "Мини-открытка", category: null, price: 9_990 },
    ];
    await provider.importProducts!(batch);
    await provider.importProducts!(batch);
    const stored = JSON.stringify(sim.state.snapshot());
    expect(stored).toContain('"p-1"');
    expect(stored).toContain('"price":9990');
    expect(batch.length).toBeLessThanOrEqual(provider.importBatchLimit ?? 0);
  });

  it.skipIf(subject.skip.sessionRenewal)("renews an expired token or session transparently", async () => {
    sim.faults.add({ kind: "unauthorized", times: 1 });
    expect(await find(subject.knownPhone)).not.toBeNull();
  });
});

describe.each(SUBJECTS)("circuit breaker: $id", (subject) => {
  it("stops calling a provider that keeps failing and answers PROVIDER_UNAVAILABLE at once", async () => {
    const { provider, sim, close } = await subject.start({ timeoutMs: TIMEOUT_MS, maxRetries: 0 });
    try {
      sim.faults.add({ kind: "status", status: 502, times: 100 });
      const call = () => provider.calculate(cartFor(subject, subject.knownPhone));
      for (let i = 0; i < 5; i++) await providerError(call);
      const reached = sim.requests.entries.length;
      const error = await providerError(call);
      expect(error.vendorCode).toBe("CIRCUIT_OPEN");
      expect(sim.requests.entries.length).toBe(reached);
    } finally {
      await close();
    }
  });
});
