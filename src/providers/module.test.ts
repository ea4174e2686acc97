import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { LoyaltyAdapter } from "../domain/ports/loyalty-provider.port.ts";
import { defineLoyaltyModule, type LoyaltyModuleSpec } from "./module.ts";

const bare: LoyaltyAdapter = {
  instanceId: "x",
  findCustomer: async () => null,
  calculate: async () => {
    throw new Error("not called");
  },
  commit: async () => ({ reference: "r", pointsRedeemed: 0, pointsEarned: 0 }),
};

function spec(
  capabilities: Partial<LoyaltyModuleSpec<object>["capabilities"]>,
  adapter: LoyaltyAdapter,
): LoyaltyModuleSpec<object> {
  return {
    id: "test-vendor",
    options: z.object({}),
    credentials: z.object({}),
    capabilities: {
      lookupBy: ["PHONE"],
      calculation: "LINES",
      hold: "LEDGER",
      refund: "NONE",
      phoneVerification: false,
      registration: false,
      profileUpdate: false,
      coupons: false,
      productImport: false,
      balanceFeed: false,
      pointsHistory: false,
      ...capabilities,
    },
    behaviour: {
      flow: {
        redeemedAs: "DISCOUNT",
        commitAt: "CONFIRM",
        releaseBeforeCommit: false,
        commitOnlyToRedeem: false,
        holdCanLapse: false,
        reason: "test",
      },
      replay: { commit: false, refund: false, reason: "test" },
      pointValue: 100,
      revocation: { scale: "WHOLE", negativeBalance: false, reason: "test" },
    },
    requiresOrderSystem: null,
    create: () => adapter,
  };
}

const instance = {
  id: "x",
  adapter: "test-vendor",
  baseUrl: "http://x",
  timeoutMs: 1,
  maxRetries: 0,
  options: {},
  credentials: {},
};
const deps = {
  fetch: globalThis.fetch,
  logger: { debug() {}, info() {}, warn() {}, error() {}, child: () => deps.logger },
};

describe("defineLoyaltyModule", () => {
  it("binds the module's id, capabilities and behaviour, and answers absent methods as unsupported", async () => {
    const provider = defineLoyaltyModule(spec({}, { ...bare })).create(instance, deps);
    expect(provider.adapter).toBe("test-vendor");
    expect(provider.behaviour.flow.commitAt).toBe("CONFIRM");
    await expect(provider.hold({} as never)).rejects.toMatchObject({ code: "UNSUPPORTED_BY_PROVIDER" });
    await expect(provider.refund({} as never)).rejects.toMatchObject({ code: "UNSUPPORTED_BY_PROVIDER" });
  });

  it("refuses at boot a module whose capabilities promise a method its adapter lacks", () => {
    expect(() => defineLoyaltyModule(spec({ hold: "NATIVE" }, { ...bare })).create(instance, deps)).toThrow(
      /capabilities.hold is NATIVE/,
    );
    expect(() => defineLoyaltyModule(spec({ refund: "FULL" }, { ...bare })).create(instance, deps)).toThrow(
      /capabilities.refund is FULL/,
    );
    for (const [capabilities, message] of [
      [{ lookupBy: ["PHONE", "CARD"] }, /lookupBy "CARD" is true/],
      [{ lookupBy: ["QR"] }, /lookupBy "QR" is true/],
      [{ phoneVerification: true }, /phoneVerification is true/],
      [{ registration: true }, /registration is true/],
      [{ profileUpdate: true }, /profileUpdate is true/],
    ] as const) {
      expect(() => defineLoyaltyModule(spec(capabilities as never, { ...bare })).create(instance, deps)).toThrow(
        message,
      );
    }
  });

  it("refuses an adapter with a method whose capability is not declared, and a code check without a send", () => {
    const checks = { ...bare, checkCode: async () => true };
    expect(() => defineLoyaltyModule(spec({ phoneVerification: true }, checks)).create(instance, deps)).toThrow(
      /phoneVerification is true/,
    );
    const registers = { ...bare, registerCustomer: async () => ({}) as never };
    expect(() => defineLoyaltyModule(spec({}, registers)).create(instance, deps)).toThrow(/registration is false/);
  });

  it("answers null for the points a vendor accrued where its adapter cannot read them, and refuses the read where the commit accrues", async () => {
    const provider = defineLoyaltyModule(spec({}, { ...bare })).create(instance, deps);
    expect(await provider.earnedPoints({ orderId: "o1", customer: { phone: "79001234567" } })).toBeNull();
    const reads = { ...bare, earnedPoints: async () => 5 };
    expect(() => defineLoyaltyModule(spec({}, reads)).create(instance, deps)).toThrow(/commitOnlyToRedeem is false/);
  });

  it("answers the lookups, codes and registration a vendor lacks as unsupported", async () => {
    const provider = defineLoyaltyModule(spec({}, { ...bare })).create(instance, deps);
    for (const call of [
      () => provider.findCustomerByCard("1"),
      () => provider.findCustomerByToken("t"),
      () => provider.sendCode("79001234567"),
      () => provider.checkCode("79001234567", "1"),
      () => provider.registerCustomer({ phone: "79001234567", name: "A" }),
      () => provider.updateCustomer({ phone: "79001234567" }, { phone: "79001234567", name: "A" }),
    ])
      await expect(call()).rejects.toMatchObject({ code: "UNSUPPORTED_BY_PROVIDER" });
  });
});
