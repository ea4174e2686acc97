import { minorToDecimal } from "../domain/money.ts";
import { builder } from "./builder.ts";

export interface MoneyShape {
  amount: number;
  currency: string;
}

builder.scalarType("MinorUnits", {
  description: "An integer amount of minor currency units (kopecks), up to 2^53 - 1.",
  serialize: (value) => assertSafeInteger(value),
  parseValue: (value) => assertSafeInteger(value),
});

function assertSafeInteger(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value))
    throw new TypeError("MinorUnits must be a safe integer");
  return value;
}

export const Money = builder.objectRef<MoneyShape>("Money").implement({
  description: "Money in integer minor units. Never a float.",
  fields: (t) => ({
    amount: t.field({ type: "MinorUnits", resolve: (m) => m.amount }),
    currency: t.exposeString("currency", { description: "ISO 4217 code" }),
    decimal: t.string({
      description: 'The amount as a decimal string, "1234.50"',
      resolve: (m) => minorToDecimal(m.amount),
    }),
  }),
});

export const MoneyInput = builder.inputType("MoneyInput", {
  fields: (t) => ({
    amount: t.field({ type: "MinorUnits", required: true }),
    currency: t.string({ required: true }),
  }),
});

export const money = (amount: number, currency: string): MoneyShape => ({ amount, currency });
