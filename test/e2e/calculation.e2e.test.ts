import { describe, expect, it } from "vitest";
import { CalculateCartDocument, type LoyaltyCalculationInput } from "../../generated/graphql/graphql.ts";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const SHOP = "demo-bonusplus";
const gw = useDemoGateway();
const bonusplus = () => gw.t.gateway.simulators!.bonusplus.handler;

const cart = (over: Partial<LoyaltyCalculationInput> = {}): LoyaltyCalculationInput => ({
  shopId: SHOP,
  phone: "+79001234567",
  lines: [
    { productId: demoItemId("rose-15"), name: "15 роз", quantity: 1, unitPrice: { amount: 350_000, currency: "RUB" } },
    { productId: demoItemId("card-mini"), quantity: 3, unitPrice: { amount: 9_990, currency: "RUB" } },
  ],
  ...over,
});
const calc = (input: LoyaltyCalculationInput, headers: Record<string, string> = asService()) =>
  gw.t.run(CalculateCartDocument, { input }, headers);

describe("loyaltyCalculation", () => {
  it("prices a cart without points: Silver discount per line, points earned, max redeemable", async () => {
    const res = await calc(cart());
    const r = res.data?.loyaltyCalculation;
    expect(r?.__typename).toBe("QueryLoyaltyCalculationSuccess");
    if (r?.__typename !== "QueryLoyaltyCalculationSuccess") return;
    const c = r.data;
    expect(c.subtotal).toEqual({ amount: 379_970, currency: "RUB", decimal: "3799.70" });
    // Silver: 3% discount floored to kopecks per line: 10500 and 899
    expect(c.lines.map((l) => l.discount.amount)).toEqual([10_500, 899]);
    expect(c.discount.amount).toBe(11_399);
    expect(c.redeemedPoints).toBe(0);
    expect(c.total.amount).toBe(379_970 - 11_399);
    // 7% of the net, in whole points per line: floor(339500*0.07/100)=237, floor(29071*0.07/100)=20
    expect(c.lines.map((l) => l.pointsEarned)).toEqual([237, 20]);
    expect(c.pointsEarned).toBe(257);
    // 50% of the net is 1842 rubles, the balance 500 is lower
    expect(c.maxRedeemablePoints).toBe(500);
    expect(c.lines[0]!.messages).toEqual(["Скидка по карте Silver"]);
  });

  it("says why a promo code of an anonymous cart does not apply, as a code a buyer's app can word", async () => {
    const res = await calc(cart({ phone: null, coupons: ["SPRING10"] }));
    const r = res.data?.loyaltyCalculation;
    if (r?.__typename !== "QueryLoyaltyCalculationSuccess") throw new Error(JSON.stringify(res));
    expect(r.data.coupons).toEqual([
      { code: "SPRING10", applied: false, reason: expect.any(String), reasonCode: "CUSTOMER_REQUIRED" },
    ]);
    const known = await calc(cart({ coupons: ["SPRING10"] }));
    const k = known.data?.loyaltyCalculation;
    if (k?.__typename !== "QueryLoyaltyCalculationSuccess") throw new Error(JSON.stringify(known));
    expect(k.data.coupons).toEqual([{ code: "SPRING10", applied: true, reason: null, reasonCode: null }]);
  });

  it("applies redeemed points: totals stay exact and consistent", async () => {
    const res = await calc(cart({ redeemPoints: 200 }));
    const r = res.data?.loyaltyCalculation;
    if (r?.__typename !== "QueryLoyaltyCalculationSuccess") throw new Error(JSON.stringify(res));
    const c = r.data;
    expect(c.redeemedPoints).toBe(200);
    expect(c.redeemed.amount).toBe(20_000);
    expect(c.lines.reduce((a, l) => a + l.redeemed.amount, 0)).toBe(20_000);
    expect(c.total.amount).toBe(c.subtotal.amount - c.discount.amount - 20_000);
    for (const l of c.lines) expect(l.total.amount).toBe(l.subtotal.amount - l.discount.amount - l.redeemed.amount);
    expect(c.pointsEarned).toBeLessThan(257); // earning is on what is paid
  });

  it("refuses more points than allowed with REDEEM_LIMIT_EXCEEDED and the maximum", async () => {
    const small = await calc(
      cart({
        lines: [{ productId: demoItemId("mimosa"), quantity: 1, unitPrice: { amount: 50_000, currency: "RUB" } }],
        redeemPoints: 400,
      }),
    );
    expect(small.data?.loyaltyCalculation).toMatchObject({
      __typename: "LoyaltyRuleError",
      code: "REDEEM_LIMIT_EXCEEDED",
      maxRedeemablePoints: 242,
    });
  });

  it("refuses more points than the balance with INSUFFICIENT_BONUSES", async () => {
    const res = await calc(cart({ phone: "+79007654321", redeemPoints: 51 }));
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "LoyaltyRuleError",
      code: "INSUFFICIENT_BONUSES",
      maxRedeemablePoints: 50,
    });
  });

  it("refuses redemption for a customer whose redemptions are blocked (BonusPlus 412)", async () => {
    const res = await calc(cart({ phone: "+79000000003", redeemPoints: 10 }));
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "LoyaltyRuleError",
      code: "REDEEM_BLOCKED",
      maxRedeemablePoints: 0,
    });
  });

  it("keeps the vendor's code for a 412 it has no gateway code for", async () => {
    const res = await calc(cart({ phone: "+79000000004", redeemPoints: 15 }));
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "ProviderError",
      code: "PROVIDER_REJECTED",
      vendorCode: "BONUS_DEBIT_MULTIPLICITY",
      providerId: SHOP,
    });
  });

  it("prices anonymously without a phone and refuses points then", async () => {
    const anon = await calc(cart({ phone: null }), {});
    const r = anon.data?.loyaltyCalculation;
    if (r?.__typename !== "QueryLoyaltyCalculationSuccess") throw new Error(JSON.stringify(anon));
    expect(r.data.total.amount).toBe(379_970);
    expect(r.data.maxRedeemablePoints).toBe(0);
    expect(bonusplus().requests.entries).toHaveLength(0);
    const points = await calc(cart({ phone: null, redeemPoints: 10 }), {});
    expect(points.data?.loyaltyCalculation).toMatchObject({ __typename: "InvalidInputError", code: "INVALID_INPUT" });
  });

  it("answers CUSTOMER_NOT_FOUND for a phone the provider does not know", async () => {
    const res = await calc(cart({ phone: "+79990000000" }));
    expect(res.data?.loyaltyCalculation).toMatchObject({ __typename: "NotFoundError", code: "CUSTOMER_NOT_FOUND" });
  });

  it.each([
    ["a negative quantity", { quantity: -1 }, "input.lines.0.quantity"],
    ["a zero quantity", { quantity: 0 }, "input.lines.0.quantity"],
    ["a price of 0", { unitPrice: { amount: 0, currency: "RUB" } }, "input.lines.0.unitPrice.amount"],
    ["a price of 10^9", { unitPrice: { amount: 1_000_000_000, currency: "RUB" } }, "input.lines.0.unitPrice.amount"],
    ["a negative price", { unitPrice: { amount: -100, currency: "RUB" } }, "input.lines.0.unitPrice.amount"],
    ["an empty product id", { productId: " " }, "input.lines.0.productId"],
  ])("rejects %s with INVALID_INPUT naming the field, and calls no provider", async (_name, line, path) => {
    const base = cart().lines[0]!;
    const res = await calc(cart({ lines: [{ ...base, ...line }] }));
    const r = res.data?.loyaltyCalculation;
    expect(r).toMatchObject({ __typename: "InvalidInputError", code: "INVALID_INPUT" });
    if (r?.__typename === "InvalidInputError") expect(r.issues.map((i) => i.path)).toContain(path);
    expect(bonusplus().requests.entries).toHaveLength(0);
  });

  it("rejects a fractional quantity at the GraphQL layer with a clear error", async () => {
    const res = await calc(
      cart({ lines: [{ productId: "x", quantity: 1.5, unitPrice: { amount: 100, currency: "RUB" } }] }),
    );
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.message).toMatch(/Int cannot represent non-integer value: 1.5/);
    expect(bonusplus().requests.entries).toHaveLength(0);
  });

  it("rejects a currency other than the shop's and negative points", async () => {
    const eur = await calc(
      cart({ lines: [{ productId: "x", quantity: 1, unitPrice: { amount: 100, currency: "EUR" } }] }),
    );
    expect(eur.data?.loyaltyCalculation).toMatchObject({
      __typename: "InvalidInputError",
      issues: [{ path: "lines.0.unitPrice.currency" }],
    });
    const negative = await calc(cart({ redeemPoints: -5 }));
    expect(negative.data?.loyaltyCalculation).toMatchObject({
      __typename: "InvalidInputError",
      issues: [{ path: "input.redeemPoints" }],
    });
  });

  it("maps a BonusPlus 500 to PROVIDER_UNAVAILABLE without leaking vendor text", async () => {
    bonusplus().faults.add({ kind: "status", status: 500, times: 5 });
    const res = await calc(cart());
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "ProviderError",
      code: "PROVIDER_UNAVAILABLE",
      vendorCode: "500",
    });
    expect(JSON.stringify(res)).not.toContain("simulated");
  });

  it("turns a hanging provider into PROVIDER_UNAVAILABLE within the configured deadline", async () => {
    bonusplus().faults.add({ kind: "timeout", times: 5 });
    const started = Date.now();
    const res = await calc(cart());
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "ProviderError",
      code: "PROVIDER_UNAVAILABLE",
      vendorCode: "TIMEOUT",
    });
    // The demo instance's deadline is 3 s; generous upper bound, as this is not a timing test.
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("honours 429 Retry-After on the idempotent calculation and then succeeds", async () => {
    bonusplus().faults.add({ kind: "rateLimit", retryAfterSeconds: 0, times: 1 });
    const res = await calc(cart());
    expect(res.data?.loyaltyCalculation.__typename).toBe("QueryLoyaltyCalculationSuccess");
    expect(bonusplus().requests.count("PUT", "/retail/calc")).toBe(2);
  });

  it("reports RATE_LIMITED with the wait when the vendor asks for longer than the deadline", async () => {
    bonusplus().faults.add({ kind: "rateLimit", retryAfterSeconds: 30, times: 1 });
    const res = await calc(cart());
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "ProviderError",
      code: "RATE_LIMITED",
      retryAfterSeconds: 30,
    });
  });

  it("treats a malformed vendor answer as PROVIDER_UNAVAILABLE", async () => {
    bonusplus().faults.add({ kind: "malformed", times: 1 });
    const res = await calc(cart());
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "ProviderError",
      code: "PROVIDER_UNAVAILABLE",
      vendorCode: "BAD_RESPONSE",
    });
  });
});
