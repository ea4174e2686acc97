import { z } from "zod";

/** ЮKassa writes amounts as decimal strings: `{ value: "1000.00", currency: "RUB" }`. */
export const amountWire = z.object({ value: z.string().regex(/^\d+(\.\d{1,2})?$/), currency: z.string().length(3) });

export const paymentWire = z.object({
  id: z.string().min(1),
  status: z.enum(["pending", "waiting_for_capture", "succeeded", "canceled"]),
  paid: z.boolean(),
  amount: amountWire,
  refunded_amount: amountWire.optional(),
  confirmation: z
    .object({ type: z.string(), confirmation_url: z.string().optional(), confirmation_token: z.string().optional() })
    .optional(),
  cancellation_details: z.object({ party: z.string(), reason: z.string() }).optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
  created_at: z.string(),
  expires_at: z.string().optional(),
});
export type PaymentWire = z.infer<typeof paymentWire>;

export const refundWire = z.object({
  id: z.string().min(1),
  payment_id: z.string().min(1),
  status: z.enum(["pending", "succeeded", "canceled"]),
  amount: amountWire,
  created_at: z.string(),
});
export type RefundWire = z.infer<typeof refundWire>;

/** A receipt made apart from a payment (`POST /v3/receipts`). */
export const receiptWire = z.object({
  id: z.string().min(1),
  type: z.enum(["payment", "refund"]),
  payment_id: z.string().optional(),
  status: z.enum(["pending", "succeeded", "canceled"]),
});

/**
 * The 202 answer of a request ЮKassa is still processing: repeat it with the same key after
 * `retry_after` milliseconds (the official PHP and Python SDKs read it so).
 */
export const processingWire = z.object({ type: z.literal("processing"), retry_after: z.number().nonnegative() });

/** `{type: "error", id, code, description, parameter}` (using-api/response-handling). */
export const errorWire = z.object({
  type: z.literal("error"),
  id: z.string().optional(),
  code: z.string(),
  description: z.string().optional(),
  parameter: z.string().optional(),
});

export const notificationWire = z.object({
  type: z.literal("notification"),
  event: z.enum(["payment.waiting_for_capture", "payment.succeeded", "payment.canceled", "refund.succeeded"]),
  object: z.object({ id: z.string().min(1) }).passthrough(),
});
