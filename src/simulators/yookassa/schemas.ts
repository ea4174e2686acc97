import { z } from "zod";

/** "amounts as strings with two decimals": `{value: "1000.00", currency: "RUB"}`, nothing else. */
export const amountBody = z
  .object({ value: z.string().regex(/^\d+\.\d{2}$/, "must be a string with two decimals"), currency: z.literal("RUB") })
  .strict();

const metadata = z
  .record(z.string().max(32), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, "at most 16 keys");

export const receiptBody = z
  .object({
    customer: z
      .object({
        email: z.string().email().optional(),
        phone: z
          .string()
          .regex(/^\d{11,15}$/, "phone: digits in ITU-T E.164")
          .optional(),
        full_name: z.string().max(256).optional(),
        inn: z.string().optional(),
      })
      .strict(),
    items: z
      .array(
        z
          .object({
            description: z.string().min(1).max(128),
            quantity: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d{1,3})?$/)]),
            amount: amountBody,
            vat_code: z.number().int().min(1).max(12),
            payment_mode: z.enum([
              "full_prepayment",
              "partial_prepayment",
              "advance",
              "full_payment",
              "partial_payment",
              "credit",
              "credit_payment",
            ]),
            payment_subject: z.enum([
              "commodity",
              "excise",
              "job",
              "service",
              "gambling_bet",
              "gambling_prize",
              "lottery",
              "lottery_prize",
              "intellectual_activity",
              "payment",
              "agent_commission",
              "property_right",
              "non_operating_gain",
              "insurance_premium",
              "sales_tax",
              "resort_fee",
              "composite",
              "another",
            ]),
          })
          .strict(),
      )
      .min(1)
      .max(100),
    tax_system_code: z.number().int().min(1).max(6).optional(),
  })
  .strict();
export type ReceiptBody = z.infer<typeof receiptBody>;

export const createBody = z
  .object({
    amount: amountBody,
    capture: z.boolean().default(false),
    confirmation: z.discriminatedUnion("type", [
      z
        .object({ type: z.literal("redirect"), return_url: z.string().url().max(2048), locale: z.string().optional() })
        .strict(),
      z.object({ type: z.literal("embedded"), locale: z.string().optional() }).strict(),
    ]),
    description: z.string().max(128).optional(),
    metadata: metadata.optional(),
    receipt: receiptBody.optional(),
  })
  .strict();

export const captureBody = z.object({ amount: amountBody.optional(), receipt: receiptBody.optional() }).strict();
export const cancelBody = z.object({}).strict();
export const refundBody = z
  .object({
    payment_id: z.string().min(1),
    amount: amountBody,
    description: z.string().max(250).optional(),
    receipt: receiptBody.optional(),
  })
  .strict();

/** `POST /v3/receipts`: a receipt apart from a payment; `settlements` say what it settles. */
export const receiptCreateBody = z
  .object({
    type: z.enum(["payment", "refund"]),
    payment_id: z.string().min(1).optional(),
    refund_id: z.string().min(1).optional(),
    customer: receiptBody.shape.customer,
    items: receiptBody.shape.items,
    tax_system_code: z.number().int().min(1).max(6).optional(),
    settlements: z
      .array(
        z
          .object({ type: z.enum(["cashless", "prepayment", "postpayment", "consideration"]), amount: amountBody })
          .strict(),
      )
      .min(1),
    send: z.literal(true),
  })
  .strict();
export type ReceiptCreateBody = z.infer<typeof receiptCreateBody>;
