import { afterEach, describe, expect, it, vi } from "vitest";
import { CheckPhoneCodeDocument, MyCustomerDocument, SendPhoneCodeDocument } from "../../generated/graphql/graphql.ts";
import { CODE_RULES } from "../../src/domain/phone-verification.service.ts";
import { tmaHeader } from "../support/init-data.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { sseEvents } from "../support/sse.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

/**
 * No one else's points: the hostile cases of issue "No one else's points", through the GraphQL API
 * against the simulators. A phone's SMS code cannot be guessed by many accounts together, and a refund
 * never takes back points the customer has spent since.
 */
const gw = useDemoGateway();
const sims = () => gw.t.gateway.simulators!;
const bonusplus = () => sims().bonusplus.handler.state;
const posiflora = () => sims().posiflora.handler.state;

describe("a phone cannot be taken by guessing codes", () => {
  const shopId = "demo-bonusplus";
  let nextUser = 960_000;
  /** A Mini App user; its header is signed when each request is made, on the test's clock. */
  const user = () => {
    const id = nextUser++;
    return {
      id,
      send: async (phone: string) =>
        (await gw.t.run(SendPhoneCodeDocument, { input: { shopId, phone } }, tmaHeader(id))).data?.sendPhoneCode,
      check: async (phone: string, code: string) =>
        (await gw.t.run(CheckPhoneCodeDocument, { input: { shopId, phone, code } }, tmaHeader(id))).data
          ?.checkPhoneCode,
      me: async () => (await gw.t.run(MyCustomerDocument, { shopId }, tmaHeader(id))).data?.me ?? null,
    };
  };
  const vendorCode = (digits: string) => bonusplus().codes.get(digits)?.code;
  const vendorChecks = () => sims().bonusplus.handler.requests.count("PUT", "/checkCode/");
  const wrong = (digits: string) => (vendorCode(digits) === "0000" ? "1111" : "0000");
  let now = Date.UTC(2026, 11, 7, 9, 0, 0);
  /** Moves the gateway's and the simulators' clock on (they share the process's). */
  const later = (ms: number) => vi.setSystemTime((now += ms));
  afterEach(() => vi.useRealTimers());
  const startClock = () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    later(0);
  };

  it("two users a minute apart: the newer code voids the older, and each may check only the code it asked for", async () => {
    startClock();
    const digits = "79005559001";
    const [owner, other] = [user(), user()];
    expect(await owner.send(`+${digits}`)).toMatchObject({ __typename: "MutationSendPhoneCodeSuccess" });
    later(61_000);
    expect(await other.send(`+${digits}`)).toMatchObject({ __typename: "MutationSendPhoneCodeSuccess" });
    const live = vendorCode(digits)!;

    // The owner's code is void, and the owner cannot use the code sent for the other's request.
    expect(await owner.check(digits, live)).toMatchObject({ code: "VERIFICATION_FAILED", attemptsLeft: 0 });
    expect(vendorChecks()).toBe(0);

    // The other user has five checks of its own code, told how many are left, then none.
    for (let left = CODE_RULES.maxChecks - 1; left >= 0; left--)
      expect(await other.check(digits, wrong(digits))).toMatchObject({
        code: "VERIFICATION_FAILED",
        attemptsLeft: left,
      });
    expect(await other.check(digits, live)).toMatchObject({ code: "VERIFICATION_FAILED", attemptsLeft: 0 });
    expect(vendorChecks()).toBe(CODE_RULES.maxChecks);
    expect(await owner.me()).toBeNull();
    expect(await other.me()).toBeNull();

    const metrics = await (await gw.t.gateway.yoga.fetch("http://gateway.test/metrics")).text();
    expect(metrics).toMatch(/lg_phone_code_contested_total\{shop="demo-bonusplus"\} [1-9]/);
  });

  it("ten users racing on one phone get the phone's daily checks between them, and no more", async () => {
    startClock();
    const digits = "79005559002";
    const users = Array.from({ length: 10 }, user);
    const outcomes: string[] = [];
    for (const u of users) {
      later(61_000);
      const sent = await u.send(digits);
      if (sent?.__typename !== "MutationSendPhoneCodeSuccess") {
        outcomes.push(`send ${(sent as { code?: string }).code}`);
        continue;
      }
      for (let i = 0; i < CODE_RULES.maxChecks; i++) {
        const r = (await u.check(digits, wrong(digits))) as { code?: string };
        outcomes.push(r.code ?? "linked");
      }
    }
    expect(vendorChecks()).toBe(CODE_RULES.dailyChecks);
    expect(outcomes).toContain("RATE_LIMITED");
    expect(outcomes).not.toContain("linked");
    // No more codes for the phone today, and the right code, asked for by the last user, is refused too.
    later(61_000);
    const last = users[9]!;
    expect(await last.send(digits)).toMatchObject({ code: "RATE_LIMITED" });
    expect(await last.check(digits, vendorCode(digits)!)).toMatchObject({ code: "RATE_LIMITED" });
    expect(vendorChecks()).toBe(CODE_RULES.dailyChecks);
    for (const u of users) expect(await u.me()).toBeNull();
  });

  it("the owner's own code is not checked for anyone else, so others' guesses cost it nothing", async () => {
    startClock();
    const digits = "79005559003";
    const [owner, ...others] = Array.from({ length: 11 }, user);
    await owner!.send(digits);
    const code = vendorCode(digits)!;
    // Even the right code, sent by ten other accounts, is refused without reaching the vendor.
    for (const u of others) expect(await u.check(digits, code)).toMatchObject({ code: "VERIFICATION_FAILED" });
    expect(vendorChecks()).toBe(0);
    expect(await owner!.check(digits, code)).toMatchObject({ data: { phone: digits } });
    expect(await owner!.me()).toMatchObject({ data: { phone: digits } });
    for (const u of others) expect(await u.me()).toBeNull();
  });
});

type Customer = Awaited<ReturnType<typeof miniAppCustomer>>;

/** Completed orders that spend the customer's points until fewer than `below` are left. */
async function spendDown(c: Customer, balance: () => number, below: number) {
  for (let i = 0; i < 6 && balance() >= below; i++) {
    const order = c.ok(await c.create([line("rose-15", 2)]));
    c.ok(await c.apply(order.id, Math.min(balance(), order.maxRedeemablePoints)));
    c.ok(await c.confirm(order.id));
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
  }
  expect(balance()).toBeLessThan(below);
}

const queue = async (shopId: string) =>
  (
    await (
      await gw.t.post(
        `query Q($s: ID!) { ordersNeedingAttention(shopId: $s) { __typename ... on QueryOrdersNeedingAttentionSuccess { data { orderId reason points } } } }`,
        { s: shopId },
        asService(),
      )
    ).json()
  ).data.ordersNeedingAttention.data as Array<{ orderId: string; reason: string; points: number }>;

describe("a refund never takes back points that are gone", () => {
  it("BonusPlus, REFUSE (the default): a typed refusal naming the shortfall, and nothing moved at the vendor", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const balance = () => bonusplus().customers.get("79001234567")!.balance;
    const first = c.ok(await c.create([line("rose-15", 3)]));
    c.ok(await c.confirm(first.id));
    const earned = (await c.complete(first.id)).data.pointsEarned as number;
    expect(earned).toBeGreaterThan(0);
    await spendDown(c, balance, earned);
    const left = balance();
    const returns = sims().bonusplus.handler.requests.count("PUT", "/retail/back");

    const refused = await c.refund(first.id);
    expect(refused).toMatchObject({
      __typename: "RefundShortfallError",
      code: "REFUND_SHORTFALL",
      balance: left,
    });
    expect(refused.shortfallPoints).toBe(refused.pointsToRevoke - left);
    expect(refused.pointsToRevoke).toBeGreaterThanOrEqual(earned);
    expect(balance()).toBe(left);
    expect(sims().bonusplus.handler.requests.count("PUT", "/retail/back")).toBe(returns);
    expect(await queue("demo-bonusplus")).toEqual([]);
  });

  it("BonusPlus, REVOKE_AVAILABLE: takes back what is there, records the shortfall on the order and for staff", async () => {
    const shop = gw.t.gateway.shops.get("demo-bonusplus");
    shop.refundShortfall = "REVOKE_AVAILABLE";
    try {
      const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
      const balance = () => bonusplus().customers.get("79001234567")!.balance;
      const first = c.ok(await c.create([line("rose-15", 3)]));
      c.ok(await c.confirm(first.id));
      const earned = (await c.complete(first.id)).data.pointsEarned as number;
      await spendDown(c, balance, earned);

      const done = await c.refund(first.id);
      expect(done).toMatchObject({ __typename: "MutationRefundSuccess", data: { status: "REFUNDED" } });
      const short = done.data.refundShortfallPoints as number;
      expect(short).toBeGreaterThan(0);
      expect(balance()).toBeGreaterThanOrEqual(0);
      expect(await queue("demo-bonusplus")).toEqual([{ orderId: first.id, reason: "REFUND_SHORTFALL", points: short }]);
    } finally {
      shop.refundShortfall = "REFUSE";
    }
  });

  it("Posiflora: the florist's return would take back the points Posiflora accrued; refused, the order not returned", async () => {
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const customer = () => [...posiflora().customers.values()].find((x) => x.phone.endsWith("9001234567"))!;
    const balance = () => customer().currentPoints;
    const first = c.ok(await c.create([line("rose-15", 3)]));
    c.ok(await c.confirm(first.id));
    const before = balance();
    expect(await c.complete(first.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const accrued = balance() - before;
    expect(accrued).toBeGreaterThan(0);
    await spendDown(c, balance, accrued);
    const left = balance();

    expect(await c.refund(first.id)).toMatchObject({ __typename: "RefundShortfallError", balance: left });
    expect(balance()).toBe(left);
    expect(posiflora().orders.get(first.id)!.status).toBe("done");
  });

  it("Integrations: a refund that fits the balance is made, and another open order's hold that no longer fits is released with HOLD_LOST", async () => {
    const c = await miniAppCustomer(gw.t, "demo-integrations", "+79001234567", "qr-anna-501");
    const first = c.ok(await c.create([line("rose-15", 3)]));
    c.ok(await c.confirm(first.id));
    const earned = (await c.complete(first.id)).data.pointsEarned as number;
    expect(earned).toBeGreaterThan(0);
    // The second order holds every point it may, the earned ones included: more than will be left.
    const second = c.ok(await c.create([line("rose-15", 3)]));
    const held = c.ok(await c.apply(second.id, second.maxRedeemablePoints));
    expect(held.pointsHeld).toBeGreaterThan(0);
    const events = sseEvents(
      await gw.t.gateway.yoga.fetch("http://gateway.test/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream", ...c.headers },
        body: JSON.stringify({
          query: `subscription S($id: ID!) { orderStatusChanged(orderId: $id) { status pointsHeld history { event } } }`,
          variables: { id: second.id },
        }),
      }),
    );
    expect((await events()).data.orderStatusChanged).toMatchObject({ status: "BONUSES_HELD" });

    expect(await c.refund(first.id)).toMatchObject({ data: { status: "REFUNDED" } });
    const lost = (await events()).data.orderStatusChanged;
    expect(lost).toMatchObject({ status: "CALCULATED", pointsHeld: 0 });
    expect(lost.history.at(-1)).toEqual({ event: "HOLD_LOST" });
    // The buyer applies again within what is left, and the order goes on.
    const again = c.ok(await c.apply(second.id, 0));
    expect(again.status).toBe("CALCULATED");
    c.ok(await c.confirm(second.id));
  });
});

describe("a shop's refund policy fits its providers", () => {
  it("is checked at start-up: REVOKE_AVAILABLE only where the provider returns line by line", async () => {
    const { parseShopsConfig } = await import("../../src/config/shops.ts");
    const shop = (adapter: string, refundShortfall: string) => ({
      shops: [
        {
          id: "s",
          name: "S",
          refundShortfall,
          loyalty: [{ id: `s-${adapter}`, adapter, baseUrl: "http://x" }],
          orders: { id: "s-orders", adapter: "posiflora", baseUrl: "http://x" },
        },
      ],
    });
    expect(() => parseShopsConfig(shop("posiflora", "REVOKE_AVAILABLE"))).toThrow(/refundShortfall.*REVOKE_AVAILABLE/s);
    expect(() => parseShopsConfig(shop("bonusplus", "ALLOW_NEGATIVE"))).toThrow(/ALLOW_NEGATIVE/);
    expect(parseShopsConfig(shop("bonusplus", "REVOKE_AVAILABLE")).shops[0]!.refundShortfall).toBe("REVOKE_AVAILABLE");
    expect(() => parseShopsConfig(shop("bonusplus", "MAYBE"))).toThrow(/refundShortfall/);
  });
});
