import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrderSystem } from "../../src/config/providers.ts";
import type { LoyaltyProvider } from "../../src/domain/ports/loyalty-provider.port.ts";
import type { OrderProvider } from "../../src/domain/ports/order-system.port.ts";
import { createLogger } from "../../src/server/logger.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { createPosifloraSimulator } from "../../src/simulators/posiflora/server.ts";
import type { Simulator } from "../../src/simulators/registry.ts";
import { providerError } from "../support/provider-error.ts";
import { expectNoViolations } from "../support/violations.ts";
import { cartFor, SUBJECTS, vendorOperations, vendorRefunds } from "./subjects.ts";

/**
 * Every write an adapter makes, with its answer lost after the vendor carried it out (`lostResponse`,
 * on every attempt of the call). Then what the gateway would do next: the ledger's recovery sends the
 * write again under the same idempotency key where the module's `behaviour.replay` says the vendor
 * deduplicates it (and always for a release; a hold is never repeated, it is compensated by a
 * release). Either way the vendor's books must show one operation.
 */
describe.each(SUBJECTS)("lost answers: $id", (subject) => {
  let provider: LoyaltyProvider;
  let sim: Simulator;
  let close: () => Promise<void>;
  const find = (phone: string) =>
    provider.capabilities.lookupBy.includes("PHONE")
      ? provider.findCustomer({ phone })
      : provider.findCustomerByToken(subject.tokens![phone]!);
  const balance = async () => (await find(subject.knownPhone))!.balance;
  const customer = async () => ({
    phone: subject.knownPhone,
    externalId: (await find(subject.knownPhone))?.externalId,
  });
  const requests = (path: string) => sim.requests.entries.filter((e) => e.path.includes(path)).length;
  /** Every attempt of the next call to `path` is carried out and its answer lost. */
  const loseAnswers = (path: string) => sim.faults.add({ kind: "lostResponse", path, times: 3 });

  beforeAll(async () => ({ provider, sim, close } = await subject.start({ timeoutMs: 2_000, maxRetries: 2 })));
  afterAll(() => close());
  beforeEach(() => {
    sim.state.reset();
    sim.faults.clear();
    sim.requests.clear();
  });

  it("hold: carried out once and never repeated; recovery's release gives the points back", async () => {
    if (provider.capabilities.hold !== "NATIVE") return;
    const before = await balance();
    const orderId = randomUUID();
    const hold = {
      orderId,
      customer: await customer(),
      cart: cartFor(subject, subject.knownPhone, 40),
      points: 40,
      idempotencyKey: `${orderId}:HOLD:v1`,
    };
    sim.requests.clear();
    loseAnswers(subject.holdPath!);
    const error = await providerError(() => provider.hold(hold));
    sim.faults.clear();
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", uncertain: true });
    // Not retried: a hold is no idempotent write.
    expect(requests(subject.holdPath!)).toBe(1);
    expect(await balance()).toBe(before - 40);

    // What recovery does with a HOLD whose outcome is unknown: release the order's hold, under a new key.
    await provider.release({
      orderId,
      customer: hold.customer,
      holdId: orderId,
      points: 40,
      idempotencyKey: `${hold.idempotencyKey}:compensate`,
    });
    expect(await balance()).toBe(subject.lostHoldStays ? before - 40 : before);
    expectNoViolations(sim);
  });

  it("release: replayed under the same key, the points come back once", async () => {
    if (provider.capabilities.hold !== "NATIVE") return;
    const before = await balance();
    const orderId = randomUUID();
    const who = await customer();
    const receipt = await provider.hold({
      orderId,
      customer: who,
      cart: cartFor(subject, subject.knownPhone, 40),
      points: 40,
      idempotencyKey: `${orderId}:HOLD:v1`,
    });
    const release = {
      orderId,
      customer: who,
      holdId: receipt.holdId,
      points: 40,
      idempotencyKey: `${orderId}:RELEASE:v2`,
    };
    loseAnswers(subject.releasePath!);
    expect((await providerError(() => provider.release(release))).code).toBe("PROVIDER_UNAVAILABLE");
    expect(await balance()).toBe(before);
    // Recovery replays a RELEASE (releasing what is gone succeeds).
    sim.faults.clear();
    await provider.release(release);
    expect(await balance()).toBe(before);
    expectNoViolations(sim);
  });

  it("commit: one purchase at the vendor, repeated only where the vendor deduplicates it", async () => {
    const before = await balance();
    const orderId = randomUUID();
    // Redeeming the maximum: every provider quotes the accrual for that amount exactly.
    const max = (await provider.calculate(cartFor(subject, subject.knownPhone))).maxRedeemablePoints;
    const req = {
      orderId,
      customer: await customer(),
      cart: cartFor(subject, subject.knownPhone, max),
      idempotencyKey: `${orderId}:COMMIT:v3`,
    };
    subject.beforeCommit?.(sim, orderId, subject.knownPhone, req.cart);
    const priced = await provider.calculate(req.cart);
    sim.requests.clear();
    loseAnswers(subject.commitPath);
    const error = await providerError(() => provider.commit(req));
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", uncertain: true });
    expect(vendorOperations(sim)).toBe(1);
    const attempts = requests(subject.commitPath);
    sim.faults.clear();
    if (provider.behaviour.replay.commit) {
      const again = await provider.commit(req);
      expect(again.pointsRedeemed).toBe(max);
    } else {
      // Left for reconciliation: the gateway never sends it again.
      expect(attempts).toBe(1);
    }
    expect(vendorOperations(sim)).toBe(1);
    const earned = subject.accruesAtCommit === false ? 0 : priced.pointsEarned;
    expect(await balance()).toBe(before - max + earned);
    expectNoViolations(sim);
  });

  it("refund: one refund at the vendor, repeated only where the vendor deduplicates it", async () => {
    if (provider.capabilities.refund === "NONE") return;
    const orderId = randomUUID();
    const who = await customer();
    const cart = cartFor(subject, subject.knownPhone, 30);
    subject.beforeCommit?.(sim, orderId, subject.knownPhone, cart);
    const before = await balance();
    await provider.commit({ orderId, customer: who, cart, idempotencyKey: `${orderId}:COMMIT:v3` });
    subject.beforeRefund?.(sim, orderId);
    const afterSale = await balance();
    const partial = provider.capabilities.refund === "PARTIAL";
    const req = {
      orderId,
      customer: who,
      ...(partial ? { lines: [{ lineId: subject.refundLineId, amount: 10_000, subtotal: 10_000 }] } : {}),
      pointsRedeemed: 30,
      idempotencyKey: `${orderId}:REFUND:v4`,
    };
    sim.requests.clear();
    loseAnswers(subject.refundPath!);
    const error = await providerError(() => provider.refund(req));
    expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", uncertain: true });
    expect(vendorRefunds(sim)).toBe(1);
    const afterRefund = await balance();
    const attempts = requests(subject.refundPath!);
    sim.faults.clear();
    if (provider.behaviour.replay.refund) {
      await provider.refund(req);
      expect(await balance()).toBe(before);
    } else {
      expect(attempts).toBe(1);
      expect(afterRefund).not.toBe(afterSale);
    }
    expect(vendorRefunds(sim)).toBe(1);
    expect(await balance()).toBe(afterRefund);
    expectNoViolations(sim);
  });
});

describe("lost answers: posiflora order create", () => {
  const sim = createPosifloraSimulator({ username: "u", password: "p" });
  let server: Awaited<ReturnType<typeof listen>>;
  let orders: OrderProvider;

  beforeAll(async () => {
    server = await listen(sim);
    orders = createOrderSystem(
      {
        id: "contract-orders",
        adapter: "posiflora",
        baseUrl: `${server.url}/api`,
        timeoutMs: 2_000,
        maxRetries: 2,
        options: {},
        credentials: { username: "env:U", password: "env:P" },
      },
      "contract",
      { U: "u", P: "p" },
      { fetch: globalThis.fetch, logger: createLogger("silent") },
    ).orders;
  });
  afterAll(() => server.close());

  it("a create whose every answer was lost is repeated: 409 Conflict, read back, one order and one stock take", async () => {
    const id = randomUUID();
    const counted = demoItemId("author-tender");
    const stock = () => sim.state.catalog.items.get(counted)!.stock["store-1"];
    const before = stock()!;
    const order = {
      id,
      lines: [{ productId: counted, name: null, quantity: 1, unitPrice: 250_000, total: 250_000 }],
      buyer: { name: "Анна", phone: "79001234567" },
      comment: null,
      date: "2026-11-24",
      orderSystemLoyalty: true,
      byBonuses: false,
      delivery: null,
      pickup: { storeId: "store-1", at: null },
    };
    sim.faults.add({ kind: "lostResponse", path: "/api/v1/orders", times: 3 });
    expect((await providerError(() => orders.createOrder(order))).code).toBe("PROVIDER_UNAVAILABLE");
    expect(sim.requests.count("POST", "/api/v1/orders")).toBe(3);
    sim.faults.clear();
    // The order provider's createOrder is safe to repeat: the domain sends it again on the next confirm.
    const created = await orders.createOrder(order);
    expect(created).toMatchObject({ vendorStatus: "new" });
    expect(created.reference).toBe(sim.state.orders.get(id)!.docNo);
    expect([...sim.state.orders.keys()]).toEqual([id]);
    expect(stock()).toBe(before - 1);
    expectNoViolations(sim);
  });
});
