import { describe, expect, it } from "vitest";
import { OrderPayments, splitEvenly } from "./order-payments.ts";
import type { PaymentRecord, PaymentRecordStatus } from "./payment.ts";
import type { Payment } from "./ports/payment-provider.port.ts";
import type { PaymentPatch, PaymentRepository } from "./ports/payment-repository.port.ts";

describe("splitEvenly", () => {
  it.each([
    [350_000, 1],
    [100, 3],
    [1_000_001, 7],
    [2, 5],
    [999_999, 10],
  ])("%i kopecks over %i units add up exactly, a kopeck apart at most", (amount, quantity) => {
    const parts = splitEvenly(amount, quantity);
    expect(parts.reduce((a, p) => a + p.quantity * p.unitPrice, 0)).toBe(amount);
    const prices = parts.map((p) => p.unitPrice);
    expect(Math.max(...prices) - Math.min(...prices)).toBeLessThanOrEqual(1);
    expect(parts.every((p) => Number.isInteger(p.unitPrice) && p.quantity > 0)).toBe(true);
  });
});

/** One record in memory, compare-and-set on its status like the Prisma repository. */
function memory(record: PaymentRecord) {
  let row = { ...record };
  const repo = {
    get: async () => row,
    update: async (_id: string, expected: PaymentRecordStatus, patch: PaymentPatch) => {
      if (row.status !== expected) return null;
      row = { ...row, ...patch };
      return row;
    },
  } as unknown as PaymentRepository;
  return { repo, row: () => row };
}

const RECORD: PaymentRecord = {
  id: "p1",
  orderId: "o1",
  shopId: "s1",
  instanceId: "psp",
  status: "AUTHORIZED",
  pspId: "psp-1",
  amount: 10_000,
  captured: 0,
  refunded: 0,
  confirmationUrl: null,
  cancellation: null,
  recordedAt: null,
  settledAt: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const read = (status: Payment["status"], amount = 10_000): Payment => ({
  id: "psp-1",
  status,
  amount,
  currency: "RUB",
  refunded: 0,
  confirmationUrl: status === "PENDING" ? "https://psp/confirm" : null,
  cancellation: status === "CANCELED" ? { party: "yoo_money", reason: "expired_on_capture" } : null,
  orderId: "o1",
  createdAt: new Date(0),
  expiresAt: null,
});

describe("OrderPayments.take: what the PSP says, never backwards", () => {
  it("moves a held payment to captured with the captured amount", async () => {
    const m = memory(RECORD);
    const taken = await new OrderPayments(m.repo).take(RECORD, read("CAPTURED", 9_000));
    expect(taken).toMatchObject({ status: "CAPTURED", captured: 9_000 });
  });

  it("a late read of an earlier status changes nothing", async () => {
    const captured = { ...RECORD, status: "CAPTURED" as const, captured: 10_000 };
    const m = memory(captured);
    expect(await new OrderPayments(m.repo).take(captured, read("AUTHORIZED"))).toBe(captured);
    expect(m.row()).toEqual(captured);
  });

  it("a record another writer moved first is read back, not overwritten", async () => {
    const m = memory({ ...RECORD, status: "CANCELED", cancellation: "yoo_money: expired_on_capture" });
    const taken = await new OrderPayments(m.repo).take(RECORD, read("CAPTURED"));
    expect(taken.status).toBe("CANCELED");
  });

  it("the same reading twice writes once", async () => {
    const m = memory(RECORD);
    const payments = new OrderPayments(m.repo);
    const once = await payments.take(RECORD, read("CANCELED"));
    expect(once.status).toBe("CANCELED");
    expect(await payments.take(once, read("CANCELED"))).toBe(once);
  });
});
