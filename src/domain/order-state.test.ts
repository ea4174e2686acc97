import { describe, expect, it } from "vitest";
import {
  assertTransition,
  canTransition,
  InvalidStateError,
  isOpen,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
} from "./order-state.ts";

describe("order state table", () => {
  it("walks the happy path and the refund path", () => {
    const path = [
      "CALCULATED",
      "BONUSES_HELD",
      "PLACED",
      "READY",
      "IN_DELIVERY",
      "COMPLETED",
      "PARTIALLY_REFUNDED",
      "REFUNDED",
    ] as const;
    for (let i = 1; i < path.length; i++)
      expect(canTransition(path[i - 1]!, path[i]!), `${path[i - 1]} → ${path[i]}`).toBe(true);
  });
  it("cancels from every open state and from no other", () => {
    for (const s of ORDER_STATUSES) expect(canTransition(s, "CANCELLED"), s).toBe(isOpen(s));
  });
  it("refuses illegal moves with INVALID_STATE", () => {
    expect(() => assertTransition("CANCELLED", "PLACED")).toThrow(InvalidStateError);
    expect(() => assertTransition("COMPLETED", "CANCELLED")).toThrow(/cannot become CANCELLED/);
    expect(() => assertTransition("REFUNDED", "COMPLETED")).toThrow(InvalidStateError);
  });
  it("names only known statuses", () => {
    for (const [from, { to }] of Object.entries(ORDER_TRANSITIONS)) {
      expect(ORDER_STATUSES).toContain(from);
      for (const t of to) expect(ORDER_STATUSES).toContain(t);
    }
  });
});
