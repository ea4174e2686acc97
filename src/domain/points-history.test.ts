import { describe, expect, it } from "vitest";
import type { CustomerService } from "./customer.service.ts";
import { AccessError } from "./errors.ts";
import type { LedgerRecord } from "./ledger-entry.ts";
import type { LedgerRepository } from "./ports/ledger-repository.port.ts";
import type { LoyaltyProvider, ProviderPointsEntry } from "./ports/loyalty-provider.port.ts";
import { PointsHistory } from "./points-history.ts";
import { createRequestScope } from "./request-scope.ts";
import { ShopDirectory } from "./shop-directory.ts";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 9, minute));

function row(over: Partial<LedgerRecord> & Pick<LedgerRecord, "kind" | "points">, earned = 0) {
  return {
    id: `row-${over.kind}-${over.points}`,
    orderId: "order-1",
    providerInstanceId: "ledgered",
    idempotencyKey: "k",
    state: "SUCCEEDED" as const,
    providerRef: null,
    error: null,
    attempts: 1,
    settlement: null,
    createdAt: at(0),
    updatedAt: at(0),
    ...over,
    orderPointsEarned: earned,
  };
}

function setup(lines: ProviderPointsEntry[] | null, rows: ReturnType<typeof row>[], mayRead = true) {
  const historied = {
    instanceId: "historied",
    capabilities: { pointsHistory: true },
    pointsHistory: async (q: { phone: string; externalId?: string }) => {
      expect(q).toEqual({ phone: "79001234567", externalId: "pf-1" });
      return lines;
    },
  } as unknown as LoyaltyProvider;
  const ledgered = { instanceId: "ledgered", capabilities: { pointsHistory: false } } as unknown as LoyaltyProvider;
  const shops = new ShopDirectory([
    {
      id: "s",
      name: "S",
      currency: "RUB",
      loyalty: [historied, ledgered],
      orders: null,
      catalog: null,
      priceList: null,
    },
  ] as never);
  const customers = {
    authorize: async () => {
      if (!mayRead) throw new AccessError("FORBIDDEN", "you may not read this customer");
    },
    providerRef: async (_id: string, instance: string) => (instance === "historied" ? "pf-1" : undefined),
  } as unknown as CustomerService;
  const ledger = {
    customerMoves: async (customerId: string, instance: string) => {
      expect(customerId).toBe("cus-1");
      return instance === "ledgered" ? rows : [];
    },
  } as unknown as LedgerRepository;
  return new PointsHistory(shops, customers, ledger);
}

const customer = { id: "cus-1", shopId: "s", phone: "79001234567", telegramUserId: "7" };
const scope = createRequestScope({ kind: "service", name: "pos", scopes: new Set(["customers:read"]) } as never);

describe("PointsHistory", () => {
  it("merges the provider's history and the gateway's ledger, newest first, each with its source", async () => {
    const history = setup(
      [
        { id: "2", points: 15, at: at(30), reason: "changed by the shop's staff", orderRef: null },
        { id: "1", points: -40, at: at(10), reason: "an order", orderRef: "pf-order" },
      ],
      [
        row({ kind: "COMMIT", points: 30, updatedAt: at(20) }, 12),
        row({ kind: "REFUND", points: 30, updatedAt: at(40), orderId: "order-1" }),
      ],
    );
    const entries = await history.of(scope, customer);
    expect(entries.map((e) => [e.source, e.provider.instanceId, e.points, e.at.getUTCMinutes()])).toEqual([
      ["GATEWAY", "ledgered", 30, 40],
      ["PROVIDER", "historied", 15, 30],
      ["GATEWAY", "ledgered", 12, 20],
      ["GATEWAY", "ledgered", -30, 20],
      ["PROVIDER", "historied", -40, 10],
    ]);
    expect(entries[0]).toMatchObject({ reason: "given back by a refund", orderId: "order-1", vendorOrderId: null });
    expect(entries[4]).toMatchObject({ orderId: null, vendorOrderId: "pf-order" });
  });

  it("counts only the ledger's moves the provider has: not a failed or unsettled one, yes one settled as applied", async () => {
    const settled = { applied: true, by: "staff", note: "seen in the vendor's books", at: at(50) };
    const entries = await setup(null, [
      row({ kind: "COMMIT", points: 10, state: "FAILED" }, 5),
      row({ kind: "COMMIT", points: 20, state: "UNKNOWN" }, 5),
      row({ kind: "COMMIT", points: 0, state: "SETTLED", settlement: settled, updatedAt: at(50) }, 7),
      row({ kind: "REFUND", points: 0 }),
    ]).of(scope, customer);
    expect(entries.map((e) => [e.points, e.reason])).toEqual([[7, "earned on an order"]]);
  });

  it("refuses a viewer who may not read the customer before asking any provider", async () => {
    const history = setup([], [], false);
    await expect(history.of(scope, customer)).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
