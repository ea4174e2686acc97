import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import type {
  CancelPaymentRequest,
  CapturePaymentRequest,
  CreatePaymentRequest,
  Payment,
  PaymentAdapter,
  PaymentNotification,
  PaymentRefund,
  PaymentRefundRequest,
  SettlementReceiptRequest,
} from "../../domain/ports/payment-provider.port.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import { toAmount, toPayment, toReceipt, toRefund, vendorKey } from "./mapper.ts";
import { notificationWire, paymentWire, processingWire, receiptWire, refundWire } from "./wire.ts";

export const options = z
  .object({
    /** The longest wait a 202's `retry_after` may ask for before the adapter gives the call up as unknown. */
    maxProcessingWaitMs: z.number().int().min(0).max(10_000).default(2_000),
  })
  .strict();
export type YookassaOptions = z.infer<typeof options>;

/** The most a 500 is waited out before repeating with the same key. */
const RETRY_DELAY_MS = 100;

/**
 * ЮKassa API v3. Every POST carries the domain's key as `Idempotence-Key`, and is sent once per attempt
 * (ProviderHttp with `idempotent: false`): repeats are made here, with the same key, only where ЮKassa's
 * response-handling recommendations say the result is unknown and a repeat with the same key is safe
 * (HTTP 500, and 202 "processing"). A timeout or a lost answer is left to the caller as an uncertain
 * error, which it resolves by repeating with the same key or by `get`.
 */
export class YookassaAdapter implements PaymentAdapter {
  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly settings: YookassaOptions & { maxRetries: number },
  ) {}

  async create(request: CreatePaymentRequest): Promise<Payment> {
    const body = {
      amount: toAmount(request.amount, request.currency),
      capture: request.captureNow,
      confirmation: { type: "redirect", return_url: request.returnUrl },
      description: request.description.slice(0, 128),
      metadata: { orderId: request.orderId },
      ...(request.receipt ? { receipt: toReceipt(request.receipt) } : {}),
    };
    return toPayment(await this.post("payments", body, request.idempotencyKey, paymentWire));
  }

  async get(paymentId: string): Promise<Payment | null> {
    const wire = await this.read(`payments/${encodeURIComponent(paymentId)}`, paymentWire);
    return wire && toPayment(wire);
  }

  async capture(request: CapturePaymentRequest): Promise<Payment> {
    const body = {
      ...(request.amount !== undefined ? { amount: toAmount(request.amount) } : {}),
      ...(request.receipt ? { receipt: toReceipt(request.receipt) } : {}),
    };
    return this.transition(request.paymentId, "capture", body, request.idempotencyKey, ["waiting_for_capture"]);
  }

  async cancel(request: CancelPaymentRequest): Promise<Payment> {
    return this.transition(request.paymentId, "cancel", {}, request.idempotencyKey, ["waiting_for_capture"]);
  }

  async refund(request: PaymentRefundRequest): Promise<PaymentRefund> {
    const body = {
      payment_id: request.paymentId,
      amount: toAmount(request.amount),
      ...(request.description ? { description: request.description.slice(0, 250) } : {}),
      ...(request.receipt ? { receipt: toReceipt(request.receipt) } : {}),
    };
    try {
      return toRefund(await this.post("refunds", body, request.idempotencyKey, refundWire));
    } catch (error) {
      throw await this.stateRefusal(error, request.paymentId, ["succeeded"], "refund");
    }
  }

  /**
   * `POST /v3/receipts`, `type: payment`: the settlement receipt at handover, whose `full_payment` items
   * settle the prepayment (`settlements: [{type: "prepayment", amount}]`), sent to the buyer (`send: true`).
   */
  async settle(
    request: SettlementReceiptRequest,
  ): Promise<{ id: string; status: "PENDING" | "SUCCEEDED" | "CANCELED" }> {
    const { customer, items, tax_system_code } = toReceipt(request.receipt);
    const body = {
      type: "payment",
      payment_id: request.paymentId,
      customer,
      items,
      ...(tax_system_code ? { tax_system_code } : {}),
      settlements: [{ type: "prepayment", amount: toAmount(request.amount) }],
      send: true,
    };
    const wire = await this.post("receipts", body, request.idempotencyKey, receiptWire);
    const status = ({ pending: "PENDING", succeeded: "SUCCEEDED", canceled: "CANCELED" } as const)[wire.status];
    return { id: wire.id, status };
  }

  async getRefund(refundId: string): Promise<PaymentRefund | null> {
    const wire = await this.read(`refunds/${encodeURIComponent(refundId)}`, refundWire);
    return wire && toRefund(wire);
  }

  parseNotification(body: unknown): PaymentNotification | null {
    const parsed = notificationWire.safeParse(body);
    if (!parsed.success) return null;
    const { event, object } = parsed.data;
    return { event, kind: event.startsWith("refund.") ? "REFUND" : "PAYMENT", objectId: object.id };
  }

  private async transition(
    paymentId: string,
    action: "capture" | "cancel",
    body: object,
    key: string,
    allowedFrom: string[],
  ): Promise<Payment> {
    try {
      const path = `payments/${encodeURIComponent(paymentId)}/${action}`;
      return toPayment(await this.post(path, body, key, paymentWire));
    } catch (error) {
      throw await this.stateRefusal(error, paymentId, allowedFrom, action);
    }
  }

  /**
   * ЮKassa answers an operation the payment's status does not allow with a 400 and names no code for
   * it; the payment's status, read once, tells that refusal (INVALID_STATE) from any other.
   */
  private async stateRefusal(error: unknown, paymentId: string, allowedFrom: string[], action: string) {
    if (!(error instanceof ProviderError) || error.code !== "PROVIDER_REJECTED") return error;
    const payment = await this.get(paymentId).catch(() => undefined);
    if (payment === undefined) return error;
    if (payment === null) {
      return new ProviderError("PROVIDER_REJECTED", `${this.instanceId}: no payment ${paymentId}`, this.instanceId, {
        vendorCode: "not_found",
      });
    }
    const status = {
      PENDING: "pending",
      AUTHORIZED: "waiting_for_capture",
      CAPTURED: "succeeded",
      CANCELED: "canceled",
    }[payment.status];
    if (allowedFrom.includes(status)) return error;
    return new ProviderError(
      "INVALID_STATE",
      `${this.instanceId}: cannot ${action} a payment that is ${status}`,
      this.instanceId,
      { vendorCode: error.vendorCode },
    );
  }

  private async read<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
    try {
      return await this.http.request({ method: "GET", path, schema, idempotent: true });
    } catch (error) {
      if (error instanceof ProviderError && error.vendorCode === "not_found") return null;
      throw error;
    }
  }

  /** One write, repeated with the same key on 500 and on 202 only. */
  private async post<T>(path: string, body: object, key: string, schema: z.ZodType<T>): Promise<T> {
    const answer = z.union([processingWire, schema]);
    const headers = { "Idempotence-Key": vendorKey(key) };
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.settings.maxRetries;
      let result: z.infer<typeof answer>;
      try {
        result = await this.http.request({ method: "POST", path, body, schema: answer, idempotent: false, headers });
      } catch (error) {
        const repeatable = error instanceof ProviderError && error.vendorCode === "500";
        if (!repeatable || last) throw error;
        await sleep(RETRY_DELAY_MS * (attempt + 1));
        continue;
      }
      if (!isProcessing(result)) return result;
      if (last || result.retry_after > this.settings.maxProcessingWaitMs) {
        throw new ProviderError(
          "PROVIDER_UNAVAILABLE",
          `${this.instanceId} is still processing the request`,
          this.instanceId,
          { vendorCode: "202", uncertain: true },
        );
      }
      await sleep(result.retry_after);
    }
  }
}

function isProcessing(value: unknown): value is z.infer<typeof processingWire> {
  return processingWire.safeParse(value).success;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
