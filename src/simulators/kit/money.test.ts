import { describe, expect, it } from "vitest";
import { allocate, decimal, decimalToMinor, minorToDecimal, minorToJsonNumber, mulDivFloor } from "./money.ts";

describe("simulator money: decimalToMinor", () => {
  it("reads decimal text and JSON numbers into kopecks", () => {
    expect(decimalToMinor("5142.5")).toBe(514250);
    expect(decimalToMinor(5142.5)).toBe(514250);
    expect(decimalToMinor("5142.50")).toBe(514250);
    expect(decimalToMinor("0")).toBe(0);
    expect(decimalToMinor("007.1")).toBe(710);
    expect(decimalToMinor(" 12.34 ")).toBe(1234);
    expect(decimalToMinor(1200)).toBe(120000);
  });

  it("does not inherit float error", () => {
    expect(decimalToMinor(0.1 + 0.2)).toBe(30);
    expect(decimalToMinor(1.005)).toBe(101); // 1.005 * 100 is 100.49999999999999 in floats
    expect(decimalToMinor(19.99)).toBe(1999);
    expect(decimalToMinor(4.35)).toBe(435);
  });

  it("rounds digits beyond the scale half up, away from zero", () => {
    expect(decimalToMinor("10.004")).toBe(1000);
    expect(decimalToMinor("10.005")).toBe(1001);
    expect(decimalToMinor("10.0049999")).toBe(1000);
    expect(decimalToMinor("-0.5")).toBe(-50);
    expect(decimalToMinor("-10.004")).toBe(-1000);
    expect(decimalToMinor("-10.005")).toBe(-1001);
    expect(decimalToMinor(-2.345)).toBe(-235);
    expect(decimalToMinor("-0.001")).toBe(0);
    expect(decimalToMinor("2.5", 0)).toBe(3);
    expect(decimalToMinor("1.23456", 4)).toBe(12346);
  });

  it("refuses what is not a plain decimal or does not fit", () => {
    for (const bad of ["", "abc", "1,5", "+1", ".5", "5.", "1e3"])
      expect(() => decimalToMinor(bad)).toThrow(RangeError);
    expect(() => decimalToMinor(1e21)).toThrow(RangeError);
    expect(() => decimalToMinor(1e-7)).toThrow(RangeError);
    expect(() => decimalToMinor(Number.NaN)).toThrow(RangeError);
    expect(() => decimalToMinor("90071992547409.92")).toThrow(RangeError);
    expect(decimalToMinor("90071992547409.91")).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("simulator money: minor units out", () => {
  it("formats kopecks as decimal text", () => {
    expect(minorToDecimal(514250)).toBe("5142.50");
    expect(minorToDecimal(5)).toBe("0.05");
    expect(minorToDecimal(0)).toBe("0.00");
    expect(minorToDecimal(-5)).toBe("-0.05");
    expect(minorToDecimal(-123456)).toBe("-1234.56");
    expect(minorToDecimal(42, 0)).toBe("42");
    expect(() => minorToDecimal(1.5)).toThrow(RangeError);
  });

  it("gives JSON numbers built from that text", () => {
    expect(minorToJsonNumber(514250)).toBe(5142.5);
    expect(minorToJsonNumber(30)).toBe(0.3);
    expect(minorToJsonNumber(1999)).toBe(19.99);
    expect(minorToJsonNumber(-1001)).toBe(-10.01);
    expect(minorToJsonNumber(0)).toBe(0);
  });
});

describe("simulator money: mulDivFloor", () => {
  it("is floor(a * n / d) in exact integers", () => {
    expect(mulDivFloor(514250, 1000, 10_000)).toBe(51425);
    expect(mulDivFloor(999, 1, 10)).toBe(99);
    expect(mulDivFloor(-999, 1, 10)).toBe(-100);
    expect(mulDivFloor(999, -1, 10)).toBe(-100);
    expect(mulDivFloor(-1000, 1, 10)).toBe(-100);
    expect(mulDivFloor(999, 1, -10)).toBe(-100);
    expect(mulDivFloor(Number.MAX_SAFE_INTEGER, 3, 3)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => mulDivFloor(1, 1, 0)).toThrow(RangeError);
    expect(() => mulDivFloor(0.5, 1, 1)).toThrow(RangeError);
  });
});

describe("simulator money: allocate", () => {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it("splits by largest remainder, parts adding up to the total", () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(1000, [300, 700])).toEqual([300, 700]);
    expect(allocate(10, [3, 3, 4])).toEqual([3, 3, 4]);
    expect(allocate(5, [1, 2])).toEqual([2, 3]);
    expect(allocate(7, [1, 1, 1, 1])).toEqual([2, 2, 2, 1]);
    const parts = allocate(12_345, [10_000, 2_500, 777, 1]);
    expect(parts).toEqual([9297, 2324, 723, 1]);
    expect(sum(parts)).toBe(12_345);
  });

  it("keeps the total for negative totals too", () => {
    const parts = allocate(-10, [1, 1, 1]);
    expect(parts).toEqual([-3, -3, -4]);
    expect(sum(parts)).toBe(-10);
  });

  it("gives everything to the first part when the weights sum to nothing", () => {
    expect(allocate(500, [0, 0])).toEqual([500, 0]);
    expect(allocate(500, [])).toEqual([]);
  });
});

describe("simulator money: decimal wire schema", () => {
  it("takes numbers and numeric strings only", () => {
    expect(decimal.parse(5142.5)).toBe(5142.5);
    expect(decimal.parse("-5142.50")).toBe("-5142.50");
    expect(decimal.safeParse("5,5").success).toBe(false);
    expect(decimal.safeParse("1e3").success).toBe(false);
    expect(decimal.safeParse(null).success).toBe(false);
  });
});
