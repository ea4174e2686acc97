import { describe, expect, it } from "vitest";
import { allocate, decimalToMinor, decimalToPoints, minorToDecimal, mulDivFloor } from "./money.ts";

describe("decimalToMinor", () => {
  it("converts vendor decimals exactly, from text and from JSON numbers", () => {
    expect(decimalToMinor("5142.5")).toBe(514250);
    expect(decimalToMinor(5142.5)).toBe(514250);
    expect(decimalToMinor(0.1 + 0.2, 2)).toBe(30); // 0.30000000000000004 rounds half-up at 2 places
    expect(decimalToMinor("19.99")).toBe(1999);
    expect(decimalToMinor("7")).toBe(700);
  });
  it("rounds half up by default and down on request", () => {
    expect(decimalToMinor("1.005")).toBe(101);
    expect(decimalToMinor("1.004")).toBe(100);
    expect(decimalToMinor("1.009", 2, "floor")).toBe(100);
    expect(decimalToMinor("-1.001", 2, "floor")).toBe(-101);
  });
  it("rejects what is not a plain decimal", () => {
    expect(() => decimalToMinor("1e3")).toThrow(RangeError);
    expect(() => decimalToMinor("12,5")).toThrow(RangeError);
    expect(() => decimalToMinor(Number.NaN)).toThrow(RangeError);
    expect(() => decimalToMinor(1e21)).toThrow(RangeError);
  });
});

describe("points and formatting", () => {
  it("floors points and formats minor units", () => {
    expect(decimalToPoints("150.99")).toBe(150);
    expect(decimalToPoints(42)).toBe(42);
    expect(minorToDecimal(514250)).toBe("5142.50");
    expect(minorToDecimal(5)).toBe("0.05");
    expect(minorToDecimal(-5)).toBe("-0.05");
  });
});

describe("integer arithmetic", () => {
  it("mulDivFloor rounds toward minus infinity", () => {
    expect(mulDivFloor(999, 5, 100)).toBe(49);
    expect(mulDivFloor(-999, 5, 100)).toBe(-50);
  });
  it("allocate keeps the total exact", () => {
    const parts = allocate(1000, [1, 1, 1]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(parts).toEqual([334, 333, 333]);
    expect(allocate(7, [0, 0])).toEqual([7, 0]);
  });
});

describe("decimalToMinor: the short path and the BigInt path agree", () => {
  it("at the 15-digit edge, for negatives and for negative zero", () => {
    expect(decimalToMinor("9999999999999.99")).toBe(999999999999999); // 15 digits: short path
    expect(decimalToMinor("90071992547409.91")).toBe(Number.MAX_SAFE_INTEGER); // 16 digits: BigInt path
    expect(() => decimalToMinor("90071992547409.92")).toThrow(RangeError);
    expect(decimalToMinor("-12.3")).toBe(-1230);
    expect(Object.is(decimalToMinor("-0.00"), 0)).toBe(true);
    expect(decimalToMinor("0012.340")).toBe(1234);
    expect(decimalToMinor("1.005")).toBe(101); // a dropped remainder goes the BigInt way and rounds half up
    expect(decimalToMinor(-1.5, 0, "floor")).toBe(-2);
  });
});
