import { describe, expect, it } from "vitest";
import { ProviderError } from "../../domain/errors.ts";
import { fromAmount, mapYookassaError, toAmount, toPayment, vendorKey } from "./mapper.ts";

describe("ЮKassa mapper", () => {
  it("writes minor units as two-decimal strings and reads them back exactly", () => {
    for (const minor of [1, 10, 99, 100, 350_001, 1_999_999_99]) {
      const amount = toAmount(minor);
      expect(amount.value).toMatch(/^\d+\.\d{2}$/);
      expect(fromAmount(amount)).toBe(minor);
    }
    expect(toAmount(29_998).value).toBe("299.98");
    expect(fromAmount({ value: "0.1" })).toBe(10);
    expect(() => toAmount(0)).toThrow(RangeError);
    expect(() => toAmount(1.5)).toThrow(RangeError);
  });

  it("passes the domain's key through, and shortens a long one deterministically", () => {
    expect(vendorKey("order-1:capture")).toBe("order-1:capture");
    const long = `order:${"x".repeat(80)}:refund:1`;
    expect(vendorKey(long)).toHaveLength(64);
    expect(vendorKey(long)).toBe(vendorKey(long));
    expect(vendorKey(long)).not.toBe(vendorKey(`${long}2`));
  });

  it("maps statuses and metadata", () => {
    const payment = toPayment({
      id: "p1",
      status: "waiting_for_capture",
      paid: true,
      amount: { value: "3500.01", currency: "RUB" },
      metadata: { orderId: "o1" },
      created_at: "2026-12-07T05:00:00.000Z",
      expires_at: "2026-12-14T05:00:00.000Z",
    });
    expect(payment).toMatchObject({ status: "AUTHORIZED", amount: 350_001, orderId: "o1", refunded: 0 });
  });

  it("maps documented errors to typed ones", () => {
    const map = (status: number, body: unknown) => mapYookassaError("yk", { status, body, path: "payments" });
    expect(map(401, { type: "error", code: "invalid_credentials" })).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(map(400, { type: "error", code: "invalid_request", parameter: "Idempotence-Key" }).code).toBe(
      "IDEMPOTENCY_CONFLICT",
    );
    const rejected = map(400, { type: "error", code: "invalid_request", parameter: "amount" });
    expect(rejected).toBeInstanceOf(ProviderError);
    expect(rejected).toMatchObject({ code: "PROVIDER_REJECTED", vendorCode: "invalid_request" });
    expect(map(404, "not json")).toMatchObject({ code: "PROVIDER_REJECTED", vendorCode: "404" });
  });
});
