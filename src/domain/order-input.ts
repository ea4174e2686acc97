import { z } from "zod";
import { cartLineSchema } from "./cart.ts";

const phoneText = z.string().trim().min(5).max(32);

const instant = z.string().datetime({ offset: true, message: "an ISO 8601 time with its offset" });

export const fulfilmentSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("PICKUP"),
    storeId: z.string().min(1, "a pickup order needs a store"),
    /** When the customer comes for it. */
    windowFrom: instant.nullish(),
  }),
  z
    .object({
      kind: z.literal("DELIVERY"),
      address: z.object({
        city: z.string().trim().min(1),
        street: z.string().trim().min(1),
        house: z.string().trim().min(1),
        apartment: z.string().trim().max(20).nullish(),
      }),
      windowFrom: instant.nullish(),
      windowTo: instant.nullish(),
      recipientName: z.string().trim().min(1).max(100),
      recipientPhone: phoneText,
    })
    .refine((d) => !d.windowFrom || !d.windowTo || d.windowFrom < d.windowTo, {
      message: "the window must end after it starts",
      path: ["windowTo"],
    }),
]);

/** Promo codes: trimmed, at most 10 distinct ones of 64 characters. */
export const couponsSchema = z
  .array(z.string().trim().min(1, "a promo code is not empty").max(64))
  .max(10, "at most 10 promo codes")
  .transform((codes) => [...new Set(codes)]);

export const createOrderSchema = z.object({
  shopId: z.string().min(1),
  phone: z.string().nullish(),
  lines: z.array(cartLineSchema).min(1, "an order needs at least one line").max(200),
  fulfilment: fulfilmentSchema,
  contact: z.object({
    name: z.string().trim().max(100).nullish(),
    phone: phoneText.nullish(),
    email: z
      .string()
      .trim()
      .max(254, "an e-mail address is at most 254 characters")
      .email("an e-mail address such as anna@example.ru")
      .nullish(),
  }),
  comment: z.string().max(1000).nullish(),
  providerId: z.string().max(100).nullish(),
  coupons: couponsSchema.nullish(),
});
export type CreateOrderInput = z.infer<typeof createOrderSchema>;

export const refundLinesSchema = z
  .array(
    z.object({
      lineId: z.string().min(1),
      quantity: z.number().int("quantity must be a whole number").min(1),
    }),
  )
  .min(1)
  .nullish();
