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
      productImport: false,
      ...capabilities,
    },
    behaviour: {
      flow: {
        commitAt: "CONFIRM",
        releaseBeforeCommit: false,
        commitOnlyToRedeem: false,
        holdCanLapse: false,
        reason: "test",
      },
      replay: { commit: false, refund: false, reason: "test" },
      pointValue: 100,
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
  });
});
