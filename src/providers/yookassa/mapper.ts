import { createHash } from "node:crypto";
import { ProviderError } from "../../domain/errors.ts";
import { decimalToMinor, type MinorUnits, minorToDecimal } from "../../domain/money.ts";
import type {
  Payment,
  PaymentReceipt,
  PaymentRefund,
  PaymentStatus,
} from "../../domain/ports/payment-provider.port.ts";
import type { VendorFailure } from "../http/provider-http.ts";
import { errorWire, type PaymentWire, type RefundWire } from "./wire.ts";

const STATUS: Record<PaymentWire["status"], PaymentStatus> = {
  pending: "PENDING",
  waiting_for_capture: "AUTHORIZED",
  succeeded: "CAPTURED",
  canceled: "CANCELED",
};

/** The key ЮKassa gets: the domain's own, or its SHA-256 where it is longer than the 64 characters we assume allowed. */
export function vendorKey(key: string): string {
  if (key.length === 0) throw new Error("an idempotence key is required");
  return key.length <= 64 ? key : createHash("sha256").update(key).digest("hex");
}

/** Minor units as ЮKassa's amount: 350000 -> { value: "3500.00", currency: "RUB" }. */
export function toAmount(minor: MinorUnits, currency = "RUB") {
  if (!Number.isSafeInteger(minor) || minor <= 0) throw new RangeError(`not a positive amount: ${minor}`);
  return { value: minorToDecimal(minor, 2), currency };
}

/** An amount ЮKassa sent, exactly: "3500.5" -> 350050; more than two decimals is refused by the wire schema. */
export function fromAmount(amount: { value: string }): MinorUnits {
  return decimalToMinor(amount.value, 2);
}

export function toPayment(wire: PaymentWire): Payment {
  return {
    id: wire.id,
    status: STATUS[wire.status],
    amount: fromAmount(wire.amount),
    currency: wire.amount.currency,
    refunded: wire.refunded_amount ? fromAmount(wire.refunded_amount) : 0,
    confirmationUrl: wire.status === "pending" ? (wire.confirmation?.confirmation_url ?? null) : null,
    cancellation: wire.cancellation_details ?? null,
    orderId: wire.metadata?.orderId ?? null,
    createdAt: new Date(wire.created_at),
    expiresAt: wire.expires_at ? new Date(wire.expires_at) : null,
  };
}

export function toRefund(wire: RefundWire): PaymentRefund {
  return {
    id: wire.id,
    paymentId: wire.payment_id,
    status: wire.status === "pending" ? "PENDING" : wire.status === "succeeded" ? "SUCCEEDED" : "CANCELED",
    amount: fromAmount(wire.amount),
    createdAt: new Date(wire.created_at),
  };
}

/** The port's receipt as ЮKassa's `receipt`; each item's `amount` is the price of one unit. */
export function toReceipt(receipt: PaymentReceipt) {
  const { email, phone, fullName } = receipt.customer;
  return {
    customer: {
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      ...(fullName ? { full_name: fullName } : {}),
    },
    items: receipt.items.map((item) => ({
      description: item.description.slice(0, 128),
      quantity: item.quantity.toFixed(3),
      amount: toAmount(item.unitPrice),
      vat_code: item.vatCode,
      payment_mode: item.paymentMode,
      payment_subject: item.paymentSubject,
    })),
    ...(receipt.taxSystemCode ? { tax_system_code: receipt.taxSystemCode } : {}),
  };
}

/**
 * ЮKassa's documented error codes onto the gateway's. 401/403 are the shop's credentials or rights: the
 * PSP is unusable until configuration changes. A 400 naming the `Idempotence-Key` is a key reused for
 * another request. Other 400s and 404 are refusals; the adapter itself tells a state refusal from these
 * by reading the payment (see adapter.ts), since ЮKassa documents no code for it.
 */
export function mapYookassaError(provider: string, failure: VendorFailure): ProviderError {
  const parsed = errorWire.safeParse(failure.body);
  const code = parsed.success ? parsed.data.code : String(failure.status);
  const parameter = parsed.success ? (parsed.data.parameter ?? null) : null;
  const description = parsed.success ? (parsed.data.description ?? code) : `HTTP ${failure.status}`;
  const message = `${provider}: ${description}`;
  if (failure.status === 401 || failure.status === 403) {
    return new ProviderError("PROVIDER_UNAVAILABLE", message, provider, { vendorCode: code });
  }
  if (failure.status === 400 && parameter?.toLowerCase() === "idempotence-key") {
    return new ProviderError("IDEMPOTENCY_CONFLICT", message, provider, { vendorCode: code });
  }
  return new ProviderError("PROVIDER_REJECTED", message, provider, { vendorCode: code });
}
