import { describe, expect, it } from "vitest";
import type { OrderPatch, OrderRecord } from "./order.ts";
import { OrderTransitions } from "./order-transitions.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

function memoryRepo(order: OrderRecord) {
  const writes: Array<{ patch: OrderPatch; history: boolean }> = [];
  const repo: OrderRepository = {
    create: async () => order,
    get: async () => order,
    getMany: async () => [order],
    update: async (o, patch, _cause, history) => {
      writes.push({ patch, history });
      return { ...o, ...patch, version: o.version + 1 };
    },
    transitions: async () => [],
    unplacedSince: () => Promise.resolve([]),
    listFor: async () => [],
    ledgerHeldPoints: async () => 0,
    ledgerHolds: async () => [],
  };
  return { repo, writes };
}

const order = {
  id: "o1",
  status: "PLACED",
  vendorStatus: "new",
  loyaltyRef: null,
  refundedAmount: 0,
  refundShortfallPoints: 0,
  version: 1,
} as OrderRecord;

describe("OrderTransitions", () => {
  it("refuses a move the table does not allow, writing and announcing nothing", async () => {
    const { repo, writes } = memoryRepo(order);
    const events: string[] = [];
    const t = new OrderTransitions(repo, {
      statusChanged: () => events.push("status"),
      balanceChanged: () => events.push("balance"),
    });
    await expect(t.transition(order, "BONUSES_HELD", {}, "test")).rejects.toMatchObject({ code: "INVALID_STATE" });
    expect(writes).toEqual([]);
    expect(events).toEqual([]);
  });

  it("stores a legal move in the history and announces it; an amend leaves the history alone", async () => {
    const { repo, writes } = memoryRepo(order);
    const events: string[] = [];
    const t = new OrderTransitions(repo, {
      statusChanged: () => events.push("status"),
      balanceChanged: () => events.push("balance"),
    });
    const done = await t.transition(order, "COMPLETED", {}, "completeOrder");
    expect(done.status).toBe("COMPLETED");
    await t.amend(order, { loyaltyRef: "r1" }, "commit");
    expect(writes).toEqual([
      { patch: { status: "COMPLETED" }, history: true },
      { patch: { loyaltyRef: "r1" }, history: false },
    ]);
    expect(events).toEqual(["status"]);
  });

  it("announces a change of the customer's points once for a whole command, and only when the books moved", async () => {
    const { repo } = memoryRepo(order);
    const events: string[] = [];
    const t = new OrderTransitions(repo, {
      statusChanged: () => events.push("status"),
      balanceChanged: () => events.push("balance"),
    });
    const committed = await t.amend(order, { loyaltyRef: "r1" }, "commit");
    const done = await t.transition(committed, "COMPLETED", {}, "completeOrder");
    t.booksMoved(order, done);
    expect(events).toEqual(["status", "balance"]);
    t.booksMoved(done, done);
    expect(events).toEqual(["status", "balance"]);
  });

  it("records a vendor report once: the same report again changes nothing", async () => {
    const { repo, writes } = memoryRepo(order);
    const t = new OrderTransitions(repo);
    const reported = await t.vendorReport(order, "IN_DELIVERY", "courier", "sync");
    await t.vendorReport(reported, "IN_DELIVERY", "courier", "sync");
    expect(writes).toHaveLength(1);
  });
});
