import type { MinorUnits } from "../money.ts";

/**
 * The one contract every payment provider (a PSP such as ЮKassa) implements. The domain talks to PSPs
 * only through this port; adapters translate it to their vendor's wire format, convert the vendor's
 * decimals to integer minor units exactly, and map vendor errors to `ProviderError` (domain/errors.ts) at
 * their edge:
 * - `INVALID_STATE`: the payment is not in a state that allows the operation (capturing a cancelled one);
 * - `IDEMPOTENCY_CONFLICT`: the key was used before for a different request;
 * - `PROVIDER_REJECTED`: the PSP refused the request itself (an amount above what is left, a bad receipt);
 * - `PROVIDER_UNAVAILABLE` with `uncertain: true`: the PSP may have acted (a lost answer, a 5xx on a write);
 *   the caller repeats the same request with the same `idempotencyKey`, or reads the object with `get`;
 * - `RATE_LIMITED`: nothing was done; try later.
 *
 * Every write takes an `idempotencyKey` the domain derives from its own record (the order and the step),
 * so that a repeat after a crash or a lost answer finds the object the first attempt made. An adapter
 * never invents a key per attempt.
 *
 * A payment module (src/providers/<vendor>/module.ts, `definePaymentModule`) declares the PSP's
 * `behaviour` once; the registry binds it, with the module's id, to the adapter it builds.
 */
export interface PaymentProvider extends PaymentAdapter {
  /** The id of the module that built it, as the shops file names the provider. */
  readonly adapter: string;
  readonly behaviour: PaymentBehaviour;
}

/** What an adapter class implements; identity and behaviour come from its module. */
export interface PaymentAdapter {
  /** Configured instance id, unique across shops, such as "flowers-yookassa". */
  readonly instanceId: string;

  /**
   * Creates a payment the buyer confirms at `confirmationUrl`. With `captureNow: false` (and
   * `behaviour.twoStage`), a paid payment waits as AUTHORIZED until `capture` or `cancel`.
   * Repeating the same key and request returns the same payment.
   * @example await psp.create({ orderId, amount: 350_000, currency: "RUB", description: "Заказ 42",
   *   returnUrl: "https://t.me/shop_bot/app", captureNow: false, receipt: null, idempotencyKey: `${orderId}:pay` })
   */
  create(request: CreatePaymentRequest): Promise<Payment>;

  /**
   * The payment as the PSP has it now; `null` when the PSP does not know the id. The only source of truth
   * for a notification or a lost answer.
   * @example await psp.get("2a2b5f3c-000f-5000-9000-1b68e7b15f3f") // { status: "AUTHORIZED", ... }
   */
  get(paymentId: string): Promise<Payment | null>;

  /**
   * Takes the authorised money: all of it, or `amount` where `behaviour.partialCapture`. Only from
   * AUTHORIZED (otherwise `INVALID_STATE`); never more than authorised (`PROVIDER_REJECTED`).
   * @example await psp.capture({ paymentId, amount: 300_000, receipt, idempotencyKey: `${orderId}:capture` })
   */
  capture(request: CapturePaymentRequest): Promise<Payment>;

  /**
   * Cancels an authorised hold, free of charge; only from AUTHORIZED (otherwise `INVALID_STATE`).
   * @example await psp.cancel({ paymentId, idempotencyKey: `${orderId}:cancel` })
   */
  cancel(request: CancelPaymentRequest): Promise<Payment>;

  /**
   * Returns money of a CAPTURED payment (otherwise `INVALID_STATE`): the whole, or part where
   * `behaviour.partialRefund`; the sum of refunds never above what was captured (`PROVIDER_REJECTED`).
   * @example await psp.refund({ paymentId, amount: 15_000, receipt, idempotencyKey: `${orderId}:refund:1` })
   */
  refund(request: PaymentRefundRequest): Promise<PaymentRefund>;

  /** The refund as the PSP has it now; `null` when it does not know the id. */
  getRefund(refundId: string): Promise<PaymentRefund | null>;

  /**
   * A 54-FZ receipt made apart from a payment: the settlement at the handover of goods paid ahead
   * (`full_payment` items settling the prepayment). Only where `behaviour.receipts`; repeating the key
   * returns the same receipt.
   * @example await psp.settle({ paymentId, receipt, amount: 350_000, idempotencyKey: "pay:1:settle" })
   */
  settle(request: SettlementReceiptRequest): Promise<{ id: string; status: "PENDING" | "SUCCEEDED" | "CANCELED" }>;

  /**
   * Reads a notification's body into what it names, or `null` when it is not one this PSP sends. The
   * body is not trusted: the caller reads the object with `get`/`getRefund` and acts on that alone.
   * @example psp.parseNotification({ type: "notification", event: "payment.succeeded", object: { id } })
   */
  parseNotification(body: unknown): PaymentNotification | null;
}

/** How the PSP's payments behave, declared by its module; the domain plans captures and refunds from it. */
export interface PaymentBehaviour {
  /** Payments can be authorised and captured later (capture/cancel); otherwise they are taken at once. */
  twoStage: boolean;
  /** A capture may take less than was authorised (the rest is released). */
  partialCapture: boolean;
  /** A refund may return part of the payment, several times up to what was captured. */
  partialRefund: boolean;
  /** The PSP sends 54-FZ receipts made from the `receipt` passed with a payment, capture or refund. */
  receipts: boolean;
  /** How long a buyer has to pay before the PSP cancels the payment on its own. */
  unpaidExpiresAfterSeconds: number;
  /** How long an authorised hold lasts before the PSP cancels it on its own. */
  holdExpiresAfterSeconds: number;
  /** Why, with the vendor document's words, for the README and for support. */
  reason: string;
}

/** PENDING: waiting for the buyer; AUTHORIZED: held, to capture or cancel; CAPTURED: taken; CANCELED: ended without money. */
export type PaymentStatus = "PENDING" | "AUTHORIZED" | "CAPTURED" | "CANCELED";

export interface Payment {
  /** The PSP's id. */
  id: string;
  status: PaymentStatus;
  /** What the PSP says the payment is for now: authorised, then what was captured. */
  amount: MinorUnits;
  currency: string;
  /** Money refunded so far. */
  refunded: MinorUnits;
  /** Where the buyer confirms a PENDING payment; null once there is nothing to confirm. */
  confirmationUrl: string | null;
  /** Why a CANCELED payment ended: who (`party`) and the PSP's reason. */
  cancellation: { party: string; reason: string } | null;
  /** The order it was made for, from the metadata the gateway sent. */
  orderId: string | null;
  createdAt: Date;
  /** When an AUTHORIZED hold ends on its own, where the PSP says. */
  expiresAt: Date | null;
}

export interface PaymentRefund {
  id: string;
  paymentId: string;
  status: "PENDING" | "SUCCEEDED" | "CANCELED";
  amount: MinorUnits;
  createdAt: Date;
}

export interface CreatePaymentRequest {
  orderId: string;
  amount: MinorUnits;
  currency: "RUB";
  /** Shown to the buyer at the PSP. */
  description: string;
  /** Where the PSP sends the buyer after the confirmation. */
  returnUrl: string;
  /** Take the money at once; false holds it for `capture` (only where `behaviour.twoStage`). */
  captureNow: boolean;
  receipt: PaymentReceipt | null;
  idempotencyKey: string;
}

export interface CapturePaymentRequest {
  paymentId: string;
  /** Omitted: everything authorised. */
  amount?: MinorUnits;
  /** The receipt of what is captured, where it differs from the one sent with the payment. */
  receipt?: PaymentReceipt | null;
  idempotencyKey: string;
}

export interface CancelPaymentRequest {
  paymentId: string;
  idempotencyKey: string;
}

export interface PaymentRefundRequest {
  paymentId: string;
  amount: MinorUnits;
  description?: string;
  /** The receipt of the returned items. */
  receipt?: PaymentReceipt | null;
  idempotencyKey: string;
}

export interface SettlementReceiptRequest {
  paymentId: string;
  /** The goods handed over, at the prices paid, as `full_payment`. */
  receipt: PaymentReceipt;
  /** The prepayment it settles; the items add up to it. */
  amount: MinorUnits;
  idempotencyKey: string;
}

/** A 54-FZ receipt: who gets it, and the items at the prices paid. Items must add up to the amount. */
export interface PaymentReceipt {
  customer: { email?: string; phone?: string; fullName?: string };
  items: ReceiptItem[];
  /** The shop's tax system (1–6 in the PSP's table), where the shop has more than one. */
  taxSystemCode?: number;
}

export interface ReceiptItem {
  description: string;
  quantity: number;
  /** The price of one unit as paid, after discounts and points. */
  unitPrice: MinorUnits;
  /** The PSP's VAT code (ЮKassa: 1 no VAT, 2 0%, 3 10%, 4 20%, ...). */
  vatCode: number;
  paymentMode: ReceiptPaymentMode;
  paymentSubject: ReceiptPaymentSubject;
}

export type ReceiptPaymentMode =
  | "full_prepayment"
  | "partial_prepayment"
  | "advance"
  | "full_payment"
  | "partial_payment"
  | "credit"
  | "credit_payment";

export type ReceiptPaymentSubject = "commodity" | "service" | "payment" | "another";

/** What a notification names; the object itself is read again with `get`/`getRefund`. */
export interface PaymentNotification {
  /** The PSP's event name, such as "payment.succeeded". */
  event: string;
  kind: "PAYMENT" | "REFUND";
  /** The payment's or refund's id. */
  objectId: string;
}
