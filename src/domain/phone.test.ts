import { describe, expect, it } from "vitest";
import { InvalidInputError } from "./errors.ts";
import { normalizePhone } from "./phone.ts";

describe("normalizePhone", () => {
  it("accepts common Russian spellings", () => {
    expect(normalizePhone("+7 (900) 123-45-67")).toBe("79001234567");
    expect(normalizePhone("89001234567")).toBe("79001234567");
    expect(normalizePhone("9001234567")).toBe("79001234567");
    expect(normalizePhone("+44 20 7946 0958")).toBe("442079460958");
  });
  it("rejects what is not a phone with INVALID_INPUT", () => {
    for (const bad of ["", "abc", "12345", "+7 900 12", "0079001234567", "7900123456789012"]) {
      expect(() => normalizePhone(bad)).toThrow(InvalidInputError);
    }
  });
});
