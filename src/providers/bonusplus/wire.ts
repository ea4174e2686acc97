import { z } from "zod";

import { decimal } from "../decimal-wire.ts";

export { decimal };

export const customerWire = z.object({
  phone: z.union([z.string(), z.number()]).transform(String),
  person: z.object({ fn: z.string().nullish(), ln: z.string().nullish(), mn: z.string().nullish() }).nullish(),
  availableBonuses: decimal,
  notActiveBonuses: decimal.nullish(),
  bonusDebitDenided: z.boolean().nullish(),
  multiplicityDebitBonus: decimal.nullish(),
  baseDiscountPercent: decimal.nullish(),
  discountCardName: z.string().nullish(),
  nextCardName: z.string().nullish(),
  purchasesSumToNextCard: decimal.nullish(),
});
export type CustomerWire = z.infer<typeof customerWire>;

export interface CalcItemWire {
  sum: number;
  qnt: number;
  product: string;
  ds: number;
  ext: string;
}

export interface CalcRequestWire {
  phone: string;
  store: string;
  coupons: string[];
  bonusDebit: number;
  items: CalcItemWire[];
}

export const calcLineWire = z.object({
  ext: z.string(),
  messages: z.array(z.string()).nullish(),
  cb: decimal.nullish(),
  db: decimal.nullish(),
  ds: decimal.nullish(),
  ids: decimal.nullish(),
});

export const calcWire = z.object({
  maxDebitBonuses: decimal,
  multiplicityDebitBonus: decimal.nullish(),
  discount: z.array(calcLineWire),
});
export type CalcWire = z.infer<typeof calcWire>;

export interface RetailRequestWire extends CalcRequestWire {
  externalId: string;
}

export const retailWire = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  orderUid: z.string().nullish(),
  orderUrl: z.string().nullish(),
  customer: z.unknown().optional(),
});

export const errorWire = z.object({ code: z.string(), msg: z.string().nullish() });

/** 204 No Content. */
export const noContent = z.undefined();

/** The body of PUT /retail/back is not documented; anything is accepted. */
export const anyBody = z.unknown();
