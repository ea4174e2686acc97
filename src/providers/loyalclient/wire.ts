import { z } from "zod";
import { decimal } from "../decimal-wire.ts";

/** LoyalClient sends phones as numbers and amounts as numbers (rubles). */
export const levelWire = z.object({
  id: z.string(),
  title: z.string().nullish(),
  percent: decimal,
  type: z.enum(["cashback", "discount"]),
  maxSpendPercent: decimal.nullish(),
});

export const clientWire = z.object({
  success: z.literal(true),
  client: z.object({
    id: z.string(),
    name: z.string().nullish(),
    phone: z.union([z.string(), z.number()]).transform(String).nullish(),
    level: levelWire,
    balance: decimal,
  }),
});

export const recalcWire = z.object({
  success: z.literal(true),
  recalc: z.object({
    amount: decimal,
    percent: decimal,
    type: z.enum(["cashback", "discount"]),
    spend: decimal,
    earn: decimal.nullish(),
  }),
});

export const heldWire = z.object({
  success: z.literal(true),
  held: z.object({ id: z.string(), until: z.number().int(), amount: decimal }),
});

export const okWire = z.object({ success: z.literal(true) });

export const retailWire = z.object({
  success: z.literal(true),
  retail: z.object({
    amount: decimal,
    total: decimal,
    percent: decimal.nullish(),
    type: z.string().nullish(),
    spend: decimal.nullish(),
    earn: decimal.nullish(),
  }),
});

/** Every LoyalClient error is HTTP 422 with `{ "<field>": "<message>" }`. */
export const fieldErrorsWire = z.record(z.string(), z.string());
