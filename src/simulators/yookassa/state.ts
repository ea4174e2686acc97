import { randomUUID } from "node:crypto";
import { decimalToMinor, minorToDecimal } from "../kit/money.ts";
import type { ViolationKind } from "../kit/violations.ts";
import type { ReceiptBody } from "./schemas.ts";

/** A refusal in ЮKassa's terms: `{type: "error", code, description, parameter}` with its HTTP status. */
export class YookassaError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    /** Set when the request broke the documents (a step out of the life of a payment, a bad receipt). */
    readonly violation?: ViolationKind,
  ) {
    super(message);
  }
}

export type PaymentStatus = "pending" | "waiting_for_capture" | "succeeded" | "canceled";

export interface SimPayment {
  id: string;
  status: PaymentStatus;
  /** Minor units authorised (what the payment was created for). */
  authorised: number;
  /** Minor units captured, once succeeded. */
  captured: number;
  refunded: number;
  currency: string;
  /** `capture: true`: a paid payment is succeeded at once. */
  autoCapture: boolean;
  description: string | undefined;
  metadata: Record<string, string> | undefined;
  returnUrl: string | undefined;
  confirmationType: "redirect" | "embedded";
  receipt: ReceiptBody | undefined;
  createdAt: number;
  /** The end of the hold of a waiting_for_capture payment. */
  expiresAt: number | undefined;
  capturedAt: number | undefined;
  cancellation: { party: string; reason: string } | undefined;
}

export interface SimRefund {
  id: string;
  paymentId: string;
  amount: number;
  description: string | undefined;
  createdAt: number;
}

/** A receipt made apart from a payment: the settlement at handover. */
export interface SimReceipt {
  id: string;
  type: "payment" | "refund";
  paymentId: string;
  /** What its settlements add up to (the prepayment it settles). */
  settled: number;
  createdAt: number;
}

export interface Notification {
  event: string;
  object: unknown;
  /** Sim-clock time it was made, to stop trying after 24 hours. */
  madeAt: number;
  attempts: number;
}

/** An answer kept under an Idempotence-Key: the request it answered and what it said. */
interface KeptAnswer {
  fingerprint: string;
  status: number;
  body: unknown;
  at: number;
}

const HOUR = 3_600_000;
/** "Bank card: 1 hour to pay" (payments.md). */
export const UNPAID_TERM_MS = HOUR;
/** "hold up to 7 days". */
export const HOLD_TERM_MS = 7 * 24 * HOUR;
/** Key lifetime: unverified; 24 hours is the figure most often cited, and the simulator keeps keys that long. */
export const KEY_TERM_MS = 24 * HOUR;
/** ЮKassa keeps delivering an unanswered notification for 24 hours. */
export const DELIVERY_TERM_MS = 24 * HOUR;

/** ЮKassa's books for one shop: payments, refunds, kept answers and the notifications still to deliver. */
export class YookassaState {
  payments = new Map<string, SimPayment>();
  refunds = new Map<string, SimRefund>();
  receipts = new Map<string, SimReceipt>();
  keys = new Map<string, KeptAnswer>();
  outbox: Notification[] = [];
  /** Every notification answered 200, in the order they were answered. */
  delivered: Notification[] = [];
  /** Each notification is queued twice (at-least-once delivery, on demand). */
  duplicate = false;
  /** The queue is delivered newest first. */
  outOfOrder = false;
  private offsetMs = 0;

  constructor(private readonly clock: () => number = () => Date.now()) {}

  now(): number {
    return this.clock() + this.offsetMs;
  }

  /** Moves the clock; payments whose term ended are cancelled as ЮKassa would. */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
    this.expire();
  }

  reset(): void {
    this.payments = new Map();
    this.refunds = new Map();
    this.receipts = new Map();
    this.keys = new Map();
    this.outbox = [];
    this.delivered = [];
    this.duplicate = false;
    this.outOfOrder = false;
    this.offsetMs = 0;
  }

  snapshot() {
    this.expire();
    return {
      payments: [...this.payments.values()],
      refunds: [...this.refunds.values()],
      receipts: [...this.receipts.values()],
      pendingNotifications: this.outbox.length,
      delivered: this.delivered.map((n) => n.event),
    };
  }

  /** Unpaid payments after an hour, holds after seven days: canceled by ЮKassa. */
  expire(): void {
    const now = this.now();
    for (const p of this.payments.values()) {
      if (p.status === "pending" && now >= p.createdAt + UNPAID_TERM_MS) {
        this.cancelAs(p, "yoo_money", "expired_on_confirmation");
      } else if (p.status === "waiting_for_capture" && p.expiresAt !== undefined && now >= p.expiresAt) {
        this.cancelAs(p, "yoo_money", "expired_on_capture");
      }
    }
  }

  /**
   * The answer kept under `key`, or a new one from `run`. The same key with another request is refused;
   * only answers of operations carried out (2xx) are kept, for KEY_TERM_MS on the simulator's clock.
   */
  idempotent(key: string, fingerprint: string, run: () => { status: number; body: unknown }) {
    const now = this.now();
    for (const [k, kept] of this.keys) if (now - kept.at >= KEY_TERM_MS) this.keys.delete(k);
    const kept = this.keys.get(key);
    if (kept) {
      if (kept.fingerprint !== fingerprint) {
        throw new YookassaError(
          400,
          "invalid_request",
          "Idempotence key was already used for another request",
          "Idempotence-Key",
          "flow",
        );
      }
      return { status: kept.status, body: kept.body };
    }
    const answer = run();
    if (answer.status < 300) this.keys.set(key, { fingerprint, ...answer, at: now });
    return answer;
  }

  create(input: {
    amount: number;
    currency: string;
    capture: boolean;
    description?: string;
    metadata?: Record<string, string>;
    confirmation: { type: "redirect" | "embedded"; return_url?: string };
    receipt?: ReceiptBody;
    receiptsRequired: boolean;
  }): SimPayment {
    this.checkReceipt(input.receipt, input.amount, input.receiptsRequired, "receipt");
    const payment: SimPayment = {
      id: randomUUID(),
      status: "pending",
      authorised: input.amount,
      captured: 0,
      refunded: 0,
      currency: input.currency,
      autoCapture: input.capture,
      description: input.description,
      metadata: input.metadata,
      returnUrl: input.confirmation.return_url,
      confirmationType: input.confirmation.type,
      receipt: input.receipt,
      createdAt: this.now(),
      expiresAt: undefined,
      capturedAt: undefined,
      cancellation: undefined,
    };
    this.payments.set(payment.id, payment);
    return payment;
  }

  payment(id: string): SimPayment {
    this.expire();
    const p = this.payments.get(id);
    if (!p) throw new YookassaError(404, "not_found", `Payment ${id} not found`, "payment_id");
    return p;
  }

  refund(id: string): SimRefund {
    const r = this.refunds.get(id);
    if (!r) throw new YookassaError(404, "not_found", `Refund ${id} not found`, "refund_id");
    return r;
  }

  /** The buyer pays on the confirmation page: held (two stages) or taken at once. */
  pay(id: string): SimPayment {
    const p = this.payment(id);
    if (p.status !== "pending") throw new YookassaError(400, "invalid_request", `Payment is ${p.status}`);
    if (p.autoCapture) {
      this.succeed(p, p.authorised);
    } else {
      p.status = "waiting_for_capture";
      p.expiresAt = this.now() + HOLD_TERM_MS;
      this.notify("payment.waiting_for_capture", this.paymentJson(p, ""));
    }
    return p;
  }

  /** The buyer's bank declines on the confirmation page. */
  decline(id: string): SimPayment {
    const p = this.payment(id);
    if (p.status !== "pending") throw new YookassaError(400, "invalid_request", `Payment is ${p.status}`);
    this.cancelAs(p, "payment_network", "insufficient_funds");
    return p;
  }

  capture(id: string, amount: number | undefined, receipt: ReceiptBody | undefined, receiptsRequired: boolean) {
    const p = this.payment(id);
    if (p.status !== "waiting_for_capture") {
      throw new YookassaError(
        400,
        "invalid_request",
        `Only a payment in status waiting_for_capture can be captured; this one is ${p.status}`,
        undefined,
        "flow",
      );
    }
    const take = amount ?? p.authorised;
    if (take > p.authorised) {
      throw new YookassaError(400, "invalid_request", "Amount exceeds the authorised amount", "amount", "flow");
    }
    // A smaller capture sends its receipt again, for what is taken.
    const partial = take !== p.authorised;
    if (receipt || (partial && receiptsRequired)) this.checkReceipt(receipt, take, true, "receipt");
    this.succeed(p, take);
    return p;
  }

  cancel(id: string): SimPayment {
    const p = this.payment(id);
    if (p.status !== "waiting_for_capture") {
      throw new YookassaError(
        400,
        "invalid_request",
        `Only a payment in status waiting_for_capture can be canceled; this one is ${p.status}`,
        undefined,
        "flow",
      );
    }
    this.cancelAs(p, "merchant", "canceled_by_merchant");
    return p;
  }

  refundPayment(input: {
    paymentId: string;
    amount: number;
    description?: string;
    receipt?: ReceiptBody;
    receiptsRequired: boolean;
  }): SimRefund {
    const p = this.payment(input.paymentId);
    if (p.status !== "succeeded") {
      throw new YookassaError(
        400,
        "invalid_request",
        `Only a succeeded payment can be refunded; this one is ${p.status}`,
        "payment_id",
        "flow",
      );
    }
    if (p.refunded + input.amount > p.captured) {
      throw new YookassaError(
        400,
        "invalid_request",
        "Refund amount exceeds the amount left to refund",
        "amount",
        "flow",
      );
    }
    this.checkReceipt(input.receipt, input.amount, input.receiptsRequired, "receipt");
    const refund: SimRefund = {
      id: randomUUID(),
      paymentId: p.id,
      amount: input.amount,
      description: input.description,
      createdAt: this.now(),
    };
    p.refunded += input.amount;
    this.refunds.set(refund.id, refund);
    this.notify("refund.succeeded", this.refundJson(refund));
    return refund;
  }

  /**
   * A settlement receipt (`type: payment`) for a payment taken ahead: only of a succeeded payment, its
   * items adding up to its settlements, the prepayment settled never more than was captured and not
   * refunded, and one per payment.
   */
  createReceipt(input: {
    type: "payment" | "refund";
    paymentId?: string;
    settled: number;
    receipt: ReceiptBody;
  }): SimReceipt {
    if (input.type !== "payment" || !input.paymentId)
      throw new YookassaError(
        400,
        "invalid_request",
        "Only payment receipts of a payment are simulated",
        "type",
        "body",
      );
    const p = this.payment(input.paymentId);
    if (p.status !== "succeeded")
      throw new YookassaError(
        400,
        "invalid_request",
        `The payment is ${p.status}, not succeeded`,
        "payment_id",
        "flow",
      );
    if (input.settled > p.captured - p.refunded)
      throw new YookassaError(
        400,
        "invalid_request",
        "Settlements exceed what the payment left",
        "settlements",
        "flow",
      );
    if ([...this.receipts.values()].some((r) => r.paymentId === p.id && r.type === "payment"))
      throw new YookassaError(
        400,
        "invalid_request",
        "A settlement receipt of this payment exists",
        "payment_id",
        "flow",
      );
    this.checkReceipt(input.receipt, input.settled, true, "items");
    const receipt: SimReceipt = {
      id: randomUUID(),
      type: input.type,
      paymentId: p.id,
      settled: input.settled,
      createdAt: this.now(),
    };
    this.receipts.set(receipt.id, receipt);
    return receipt;
  }

  receiptJson(r: SimReceipt) {
    return { id: r.id, type: r.type, payment_id: r.paymentId, status: "succeeded" as const };
  }

  paymentJson(p: SimPayment, origin: string) {
    const amount = p.status === "succeeded" ? p.captured : p.authorised;
    return {
      id: p.id,
      status: p.status,
      paid: p.status === "waiting_for_capture" || p.status === "succeeded",
      amount: money(amount, p.currency),
      ...(p.status === "succeeded" ? { income_amount: money(amount, p.currency) } : {}),
      ...(p.refunded > 0 ? { refunded_amount: money(p.refunded, p.currency) } : {}),
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.status === "pending" ? { confirmation: this.confirmationJson(p, origin) } : {}),
      ...(p.cancellation ? { cancellation_details: p.cancellation } : {}),
      ...(p.expiresAt !== undefined && p.status === "waiting_for_capture"
        ? { expires_at: new Date(p.expiresAt).toISOString() }
        : {}),
      ...(p.capturedAt !== undefined ? { captured_at: new Date(p.capturedAt).toISOString() } : {}),
      created_at: new Date(p.createdAt).toISOString(),
      metadata: p.metadata ?? {},
      recipient: { account_id: "sim", gateway_id: "sim" },
      refundable: p.status === "succeeded" && p.refunded < p.captured,
      test: true,
    };
  }

  refundJson(r: SimRefund) {
    const p = this.payments.get(r.paymentId)!;
    return {
      id: r.id,
      payment_id: r.paymentId,
      status: "succeeded",
      amount: money(r.amount, p.currency),
      ...(r.description !== undefined ? { description: r.description } : {}),
      created_at: new Date(r.createdAt).toISOString(),
    };
  }

  /** Takes the notifications to try now, in the order they are to be sent. */
  dueNotifications(): Notification[] {
    // Terms that ended since the last request make their notifications too.
    this.expire();
    const now = this.now();
    this.outbox = this.outbox.filter((n) => now - n.madeAt < DELIVERY_TERM_MS);
    return this.outOfOrder ? [...this.outbox].reverse() : [...this.outbox];
  }

  /** A notification was answered 200: it leaves the queue. */
  markDelivered(n: Notification): void {
    this.outbox = this.outbox.filter((x) => x !== n);
    this.delivered.push(n);
  }

  /** Every notification still queued is dropped, undelivered; returns how many. */
  discardNotifications(): number {
    const n = this.outbox.length;
    this.outbox = [];
    return n;
  }

  private confirmationJson(p: SimPayment, origin: string) {
    return p.confirmationType === "redirect"
      ? { type: "redirect", confirmation_url: `${origin}/checkout/${p.id}`, return_url: p.returnUrl }
      : { type: "embedded", confirmation_token: `ct-${p.id}` };
  }

  private succeed(p: SimPayment, amount: number): void {
    p.status = "succeeded";
    p.captured = amount;
    p.capturedAt = this.now();
    p.expiresAt = undefined;
    this.notify("payment.succeeded", this.paymentJson(p, ""));
  }

  private cancelAs(p: SimPayment, party: string, reason: string): void {
    p.status = "canceled";
    p.cancellation = { party, reason };
    p.expiresAt = undefined;
    this.notify("payment.canceled", this.paymentJson(p, ""));
  }

  private notify(event: string, object: unknown): void {
    const copies = this.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) this.outbox.push({ event, object, madeAt: this.now(), attempts: 0 });
  }

  /**
   * 54-FZ: a contact to send the receipt to, items with VAT code, payment mode and subject, and items
   * that add up to the amount (unit price × quantity, each rounded half up to the kopeck).
   */
  private checkReceipt(receipt: ReceiptBody | undefined, amount: number, required: boolean, where: string): void {
    if (!receipt) {
      if (required) throw new YookassaError(400, "invalid_request", "Receipt is required", where, "body");
      return;
    }
    if (!receipt.customer?.email && !receipt.customer?.phone) {
      throw new YookassaError(
        400,
        "invalid_request",
        "Receipt needs the customer's email or phone",
        `${where}.customer`,
        "body",
      );
    }
    let total = 0n;
    for (const item of receipt.items) {
      const unit = BigInt(decimalToMinor(item.amount.value));
      const thousandths = BigInt(decimalToMinor(item.quantity, 3));
      total += (unit * thousandths + 500n) / 1000n;
    }
    if (total !== BigInt(amount)) {
      throw new YookassaError(
        400,
        "invalid_request",
        `Receipt items add up to ${minorToDecimal(Number(total))}, not ${minorToDecimal(amount)}`,
        `${where}.items`,
        "body",
      );
    }
  }
}

function money(minor: number, currency: string) {
  return { value: minorToDecimal(minor), currency };
}
