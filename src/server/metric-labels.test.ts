import { describe, expect, it } from "vitest";
import { BoundedLabel, errorPathLabel, operationNameLabel, OTHER } from "./metric-labels.ts";

describe("bounded metric labels", () => {
  it("keeps the first values it sees and counts later newcomers as other", () => {
    const label = new BoundedLabel(2);
    expect([label.of("a"), label.of("b"), label.of("c"), label.of("a"), label.of("b")]).toEqual([
      "a",
      "b",
      OTHER,
      "a",
      "b",
    ]);
  });

  it("keeps only GraphQL names as operation names", () => {
    const name = operationNameLabel(10);
    expect(name("CustomerByPhone")).toBe("CustomerByPhone");
    expect(name(undefined)).toBe("Anonymous");
    expect(name("not a name {")).toBe(OTHER);
    expect(name("x".repeat(101))).toBe(OTHER);
  });

  it("folds list indexes in error paths and bounds the aliases", () => {
    const path = errorPathLabel(2);
    expect(path(["orders", 0, "status"])).toBe("orders.[].status");
    expect(path(["orders", 7, "status"])).toBe("orders.[].status");
    expect(path(["a1"])).toBe("a1");
    expect(path(["a2"])).toBe(OTHER);
    expect(path(undefined)).toBe("");
  });
});
