import { z } from "zod";

/** All fields snake_case; money and points are whole numbers (rubles and points). */
export const clientWire = z.object({
  id_client: z.string(),
  id_ext: z.string().nullish(),
  name: z.string().nullish(),
  phone: z.string().nullish(),
  balance: z.number(),
  earn_percent: z.number(),
  redeem_limit_percent: z.number(),
  accruals_blocked: z.boolean(),
  redemptions_blocked: z.boolean(),
});

export const codeWire = z.object({ type: z.literal("bonus"), client: clientWire });

export const actionWire = z.object({
  status: z.literal("ok"),
  positions: z.array(
    z.object({
      id_product: z.string(),
      name: z.string().nullish(),
      qty: z.number(),
      price: z.number(),
      base_price: z.number().nullish(),
      actions: z.array(z.string()),
      actions_names: z.array(z.string()),
    }),
  ),
  info: z.array(z.string()).nullish(),
});
export type ActionWire = z.infer<typeof actionWire>;

export const bonusCalcWire = z.object({
  status: z.literal("ok"),
  max_pay_bonus: z.number(),
  bonus_value: z.number(),
  final_payable: z.number(),
  items: z
    .array(
      z.object({
        id_product: z.string().nullish(),
        price: z.number(),
        quantity: z.number(),
        max_pay_bonus: z.number(),
        earn_bonus: z.number(),
      }),
    )
    .nullish(),
});
export type BonusCalcWire = z.infer<typeof bonusCalcWire>;

export const bonusWire = z.object({
  result: z.literal("ok"),
  invoice_num: z.string().nullish(),
  order_id: z.string().nullish(),
  redeem_applied: z.number(),
  earn_applied: z.number(),
  client: clientWire,
});

export const refundWire = z.object({
  result: z.literal("ok"),
  invoice_num: z.string().nullish(),
  order_id: z.string(),
  points_restored: z.number(),
  points_revoked: z.number(),
  balance_after: z.number().nullish(),
});

export const errorWire = z.object({
  error: z.string().nullish(),
  code: z.string(),
  message: z.string().nullish(),
  statusCode: z.number().nullish(),
  requestId: z.string().nullish(),
});
