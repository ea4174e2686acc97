import { describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors.ts";
import type { OrderRecord } from "./order.ts";
import { assertReceiptContact, OrderPayments, receiptContactOf, splitEvenly } from "./order-payments.ts";
import type { PaymentRecord, PaymentRecordStatus } from "./payment.ts";
import type { Payment } from "./ports/payment-provider.port.ts";
import type { PaymentPatch, PaymentRepository } from "./ports/payment-repository.port.ts";
import type { ReceiptContact, Shop, ShopPayment } from "./shop-directory.ts";

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

describe("where a receipt goes", () => {
  const settings = (contact: ReceiptContact, receipts = true): ShopPayment => ({
    provider: { behaviour: { receipts } } as ShopPayment["provider"],
    mode: "PREPAY",
    capture: "AT_READY",
    returnUrl: "https://shop.example/app/",
    notificationIps: ["127.0.0.1"],
    receipt: { vatCode: 1, paymentSubject: "commodity", settlement: true, contact },
  });
  const shop = (payment: ShopPayment) => ({ id: "s1", payment }) as Shop;
  const order = (contact: OrderRecord["contact"], phone: string | null = null) =>
    ({ id: "o1", phone, contact }) as OrderRecord;
  const items = [{ description: "Розы", quantity: 3, amount: 100 }];
  const customerOf = (s: Shop, o: OrderRecord) =>
    new OrderPayments(memory(RECORD).repo).receipt(s, o, items, "full_prepayment")?.customer;

  it("goes to the e-mail given, and nowhere else, where the shop sends receipts by e-mail", () => {
    const byEmail = shop(settings("EMAIL"));
    expect(customerOf(byEmail, order({ email: "anna@example.ru", phone: "+7 900 123-45-67" }))).toEqual({
      email: "anna@example.ru",
    });
    expect(() => customerOf(byEmail, order({ phone: "+79001234567" }))).toThrow(InvalidInputError);
  });

  it("goes to the buyer's phone, as digits, where the shop sends them to the phone", () => {
    const byPhone = shop(settings("PHONE"));
    expect(customerOf(byPhone, order({ email: "anna@example.ru" }, "79001234567"))).toEqual({ phone: "79001234567" });
    expect(customerOf(byPhone, order({ phone: "+7 (900) 765-43-21" }))).toEqual({ phone: "79007654321" });
    expect(() => customerOf(byPhone, order({ email: "anna@example.ru" }))).toThrow(InvalidInputError);
  });

  it("an order at a shop that sends receipts by e-mail needs one before it is made; elsewhere none", () => {
    const refused = (() => {
      try {
        assertReceiptContact(shop(settings("EMAIL")), {});
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).issues).toEqual([
      { path: "contact.email", message: "give an e-mail for the receipt" },
    ]);
    expect(() => assertReceiptContact(shop(settings("EMAIL")), { email: "a@b.ru" })).not.toThrow();
    expect(() => assertReceiptContact(shop(settings("PHONE")), {})).not.toThrow();
    // A PSP that makes no receipts, or money taken in the shop, asks for nothing.
    expect(receiptContactOf(settings("EMAIL", false))).toBeNull();
    expect(receiptContactOf({ ...settings("EMAIL"), mode: "ON_PICKUP" })).toBeNull();
    expect(() => assertReceiptContact({ id: "s2" } as Shop, {})).not.toThrow();
  });
});
