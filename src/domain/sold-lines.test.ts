import { describe, expect, it } from "vitest";
import { listTotal, soldLines } from "./sold-lines.ts";

const placed = [
  { lineId: "1", productId: "rose", name: "Роза", quantity: 3, unitPrice: 15_000 },
  { lineId: "2", productId: "card", name: "Открытка", quantity: 1, unitPrice: 9_000 },
];
const vendor = (lines: Array<{ productId: string; quantity: number; unitPrice: number }> | null) => ({
  vendorStatus: "done",
  revision: 3,
  deliveryStatus: null,
  total: null,
  lines: lines?.map((l) => ({ ...l, total: l.quantity * l.unitPrice })) ?? null,
});

describe("soldLines", () => {
  it("is null when the order system has the lines as placed, in any order or split", () => {
    expect(
      soldLines(
        { lines: placed },
        vendor([
          { productId: "card", quantity: 1, unitPrice: 9_000 },
          { productId: "rose", quantity: 1, unitPrice: 15_000 },
          { productId: "rose", quantity: 2, unitPrice: 15_000 },
        ]),
      ),
    ).toBeNull();
  });
  it("is null when the answer carries no lines", () => {
    expect(soldLines({ lines: placed }, vendor(null))).toBeNull();
  });
  it("keeps line ids of products that stay, numbers new products on, and drops removed ones", () => {
    const sold = soldLines(
      { lines: placed },
      vendor([
        { productId: "rose", quantity: 2, unitPrice: 15_000 },
        { productId: "tulip", quantity: 5, unitPrice: 8_000 },
      ]),
    )!;
    expect(sold).toEqual([
      { lineId: "1", productId: "rose", name: "Роза", quantity: 2, unitPrice: 15_000 },
      { lineId: "3", productId: "tulip", name: null, quantity: 5, unitPrice: 8_000 },
    ]);
    expect(listTotal(sold) - listTotal(placed)).toBe(2 * 15_000 + 5 * 8_000 - (3 * 15_000 + 9_000));
  });
  it("sees a changed price as a change", () => {
    const sold = soldLines(
      { lines: placed },
      vendor([
        { productId: "rose", quantity: 3, unitPrice: 12_000 },
        { productId: "card", quantity: 1, unitPrice: 9_000 },
      ]),
    );
    expect(sold?.[0]).toMatchObject({ lineId: "1", unitPrice: 12_000 });
  });
});
