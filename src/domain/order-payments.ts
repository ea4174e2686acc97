import { randomUUID } from "node:crypto";
import { CrashPoints } from "./crash-points.ts";
import { ConflictError, InvalidInputError } from "./errors.ts";
import type { MinorUnits } from "./money.ts";
import type { OrderRecord } from "./order.ts";
import {
  LIVE_PAYMENT,
  paymentKeys,
  type PaymentRecord,
  type PaymentRecordStatus,
  type RefundLegRecord,
} from "./payment.ts";
import type {
  Payment,
  PaymentReceipt,
  PaymentRefund,
  ReceiptItem,
  ReceiptPaymentMode,
} from "./ports/payment-provider.port.ts";
import type { PaymentRepository } from "./ports/payment-repository.port.ts";
import { linePaid } from "./refund-amounts.ts";
import type { CaptureMoment, ReceiptContact, Shop, ShopPayment } from "./shop-directory.ts";

/** Money the buyer pays ahead: the shop takes prepayment and the points left something to pay. */
export function takesPrepayment(shop: Shop, order: OrderRecord): boolean {
  return shop.payment?.mode === "PREPAY" && (order.calculation?.total ?? 0) > 0;
}

/** Where a prepaid shop's PSP sends the buyer's receipts; null where the PSP makes none or nothing is paid ahead. */
export function receiptContactOf(payment: ShopPayment | null | undefined): ReceiptContact | null {
  if (payment?.mode !== "PREPAY" || !payment.provider.behaviour.receipts || !payment.receipt) return null;
  return payment.receipt.contact;
}

const emailMissing = () =>
  new InvalidInputError("this shop sends its receipts by e-mail", [
    { path: "contact.email", message: "give an e-mail for the receipt" },
  ]);

/** The e-mail a shop that sends receipts by e-mail needs before an order is made (the order's contact). */
export function assertReceiptContact(shop: Shop, contact: { email?: string | null | undefined }): void {
  if (receiptContactOf(shop.payment) === "EMAIL" && !contact.email) throw emailMissing();
}

/** The order statuses at which each capture moment has come. */
const MOMENT_REACHED: Record<CaptureMoment, readonly string[]> = {
  AT_PLACEMENT: ["PLACED", "READY", "IN_DELIVERY", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"],
  AT_READY: ["READY", "IN_DELIVERY", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"],
  AT_COMPLETION: ["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"],
};

/** Whether the shop's capture moment has come for the order (it moved, or is moving, to `status`). */
export function captureDue(shop: Shop, status: string): boolean {
  return shop.payment !== null && shop.payment !== undefined && MOMENT_REACHED[shop.payment.capture].includes(status);
}

/** Statuses only move forward: a late or repeated read of the PSP never takes a record back. */
const RANK: Record<PaymentRecordStatus, number> = { CREATING: 0, PENDING: 1, AUTHORIZED: 2, CAPTURED: 3, CANCELED: 3 };

/**
 * An order's money at its shop's PSP: the payment made for the money part (after points), its capture,
 * its cancellation, and the money leg of refunds, each written to the gateway's record before the PSP
 * is called, so that the record's id gives the call's idempotence key and a repeat after a crash or a
 * lost answer finds what the first attempt made. The order process calls these from its effects.
 */
export class OrderPayments {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly crash: CrashPoints = new CrashPoints(),
  ) {}

  latest(orderId: string): Promise<PaymentRecord | null> {
    return this.payments.latestFor(orderId);
  }

  /** The newest payment of each order, for a page of orders at once. */
  latestForMany(orderIds: readonly string[]): Promise<Map<string, PaymentRecord>> {
    return this.payments.latestForMany(orderIds);
  }

  /**
   * The payment the buyer pays now: the live one (pending, held), or a new one when the last was
   * cancelled or declined. The amount is the order's total after points, as the gateway priced it.
   */
  async start(shop: Shop, order: OrderRecord): Promise<PaymentRecord> {
    const settings = settingsOf(shop);
    const last = await this.payments.latestFor(order.id);
    if (last && LIVE_PAYMENT.includes(last.status))
      return last.status === "CREATING" ? this.create(shop, order, last) : last;
    if (last?.status === "CAPTURED") throw new ConflictError("INVALID_STATE", "the order is paid already");
    const record = await this.payments.create({
      id: randomUUID(),
      orderId: order.id,
      shopId: shop.id,
      instanceId: settings.provider.instanceId,
      status: "CREATING",
      pspId: null,
      amount: order.calculation!.total,
      captured: 0,
      refunded: 0,
      confirmationUrl: null,
      cancellation: null,
      recordedAt: null,
      settledAt: null,
    });
    this.crash.reach("payment-recorded");
    return this.create(shop, order, record);
  }

  /** The create, or its repeat with the same key and body after a crash or a lost answer. */
  async create(shop: Shop, order: OrderRecord, record: PaymentRecord): Promise<PaymentRecord> {
    const { provider, returnUrl } = settingsOf(shop);
    const payment = await provider.create({
      orderId: order.id,
      amount: record.amount,
      currency: "RUB",
      description: `Заказ ${order.id.slice(0, 8)}`,
      returnUrl,
      captureNow: !provider.behaviour.twoStage,
      receipt: this.receipt(shop, order, paidItems(order), "full_prepayment"),
      idempotencyKey: paymentKeys.create(record),
    });
    this.crash.reach("payment-created");
    return this.take(record, payment);
  }

  /** The record brought to what the PSP says now; a read older than what is stored changes nothing. */
  async take(record: PaymentRecord, payment: Payment): Promise<PaymentRecord> {
    const status: PaymentRecordStatus = payment.status;
    if (RANK[status] < RANK[record.status]) return record;
    const patch = {
      status,
      pspId: payment.id,
      captured: status === "CAPTURED" ? payment.amount : 0,
      refunded: payment.refunded,
      confirmationUrl: status === "PENDING" ? payment.confirmationUrl : null,
      cancellation: payment.cancellation ? `${payment.cancellation.party}: ${payment.cancellation.reason}` : null,
    };
    const same =
      record.status === patch.status &&
      record.pspId === patch.pspId &&
      record.captured === patch.captured &&
      record.refunded === patch.refunded &&
      record.confirmationUrl === patch.confirmationUrl &&
      record.cancellation === patch.cancellation;
    if (same) return record;
    const saved = await this.payments.update(record.id, record.status, patch);
    // Another writer moved it first: what it stored is as fresh as this read, or fresher.
    return saved ?? (await this.payments.get(record.id))!;
  }

  /**
   * Takes the held money: what the order costs now (less, where the florist sold less and the PSP
   * captures part), with the receipt of what was sold. A record not held (captured already) is returned.
   */
  async capture(shop: Shop, order: OrderRecord, stored: PaymentRecord): Promise<PaymentRecord> {
    // The hold may have lapsed or been cancelled at the PSP since it was stored: read it first, so that
    // no capture is asked of a payment that cannot take one.
    const record = stored.status === "AUTHORIZED" ? ((await this.refresh(shop, stored)) ?? stored) : stored;
    if (record.status !== "AUTHORIZED" || !record.pspId) return record;
    const { provider } = settingsOf(shop);
    const now = Math.min(order.calculation?.total ?? record.amount, record.amount);
    const partial = now < record.amount && provider.behaviour.partialCapture;
    const payment = await provider.capture({
      paymentId: record.pspId,
      ...(partial ? { amount: now, receipt: this.receipt(shop, order, paidItems(order), "full_prepayment") } : {}),
      idempotencyKey: paymentKeys.capture(record),
    });
    this.crash.reach("payment-captured");
    return this.take(record, payment);
  }

  /** Releases a hold, free of charge. A payment not held is returned as it is (a pending one lapses at the PSP). */
  async cancel(shop: Shop, stored: PaymentRecord): Promise<PaymentRecord> {
    const record = stored.status === "AUTHORIZED" ? ((await this.refresh(shop, stored)) ?? stored) : stored;
    if (record.status !== "AUTHORIZED" || !record.pspId) return record;
    const payment = await settingsOf(shop).provider.cancel({
      paymentId: record.pspId,
      idempotencyKey: paymentKeys.cancel(record),
    });
    this.crash.reach("payment-cancelled");
    return this.take(record, payment);
  }

  /** Reads the payment at the PSP and brings the record to it; null when the PSP does not know it. */
  async refresh(shop: Shop, record: PaymentRecord): Promise<PaymentRecord | null> {
    if (!record.pspId) return record;
    const payment = await settingsOf(shop).provider.get(record.pspId);
    return payment ? this.take(record, payment) : null;
  }

  /**
   * The money leg of a refund: `amount` of the captured money (never more than is left), with the
   * receipt of the returned lines. The leg's id is derived from the order's refunds so far, so the same
   * refund asked again (after a lost answer, a crash, or a failed points leg) finds its leg, and sends
   * the same key, even where that leg returned all that was left: the caller learns the money went back
   * (to record the return, and to tell staff if the rest fails again). Other lines while a leg waits for
   * the order to record it are refused.
   */
  async refund(
    shop: Shop,
    order: OrderRecord,
    record: PaymentRecord,
    lines: RefundLegRecord["lines"],
  ): Promise<RefundLegRecord | null> {
    if (record.status !== "CAPTURED") return null;
    const id = `${record.id}:${order.refundedAmount}`;
    const earlier = (await this.payments.refundsOf(record.id)).find((l) => l.id === id);
    if (earlier) {
      if (!sameLines(earlier.lines, lines)) throw refundInProgress(earlier);
      return this.sendRefund(shop, order, record, earlier);
    }
    const left = record.captured - record.refunded;
    const amount = Math.min(
      left,
      lines.reduce((a, l) => a + l.amount, 0),
    );
    if (amount <= 0) return null;
    const leg = await this.payments.openRefund({
      id,
      paymentId: record.id,
      orderId: order.id,
      amount,
      status: "NEW",
      pspId: null,
      lines,
    });
    // Opened meanwhile by another writer, for other lines.
    if (leg.amount !== amount || !sameLines(leg.lines, lines)) throw refundInProgress(leg);
    this.crash.reach("refund-recorded");
    return this.sendRefund(shop, order, record, leg);
  }

  /** Sends (or repeats, with the same key and body) a refund leg not yet answered. */
  async sendRefund(
    shop: Shop,
    order: OrderRecord,
    record: PaymentRecord,
    leg: RefundLegRecord,
  ): Promise<RefundLegRecord> {
    if (leg.status !== "NEW") return leg;
    const { provider } = settingsOf(shop);
    const refund = await provider.refund({
      paymentId: record.pspId!,
      amount: leg.amount,
      description: `Возврат по заказу ${order.id.slice(0, 8)}`,
      receipt: this.receipt(shop, order, returnedItems(order, leg.lines, leg.amount), "full_prepayment"),
      idempotencyKey: paymentKeys.refund(leg),
    });
    this.crash.reach("refund-sent");
    const taken = await this.takeRefund(leg, refund);
    const fresh = await provider.get(record.pspId!);
    if (fresh) await this.take(record, fresh);
    return taken;
  }

  /** The leg brought to what the PSP says of the refund. */
  async takeRefund(leg: RefundLegRecord, refund: PaymentRefund): Promise<RefundLegRecord> {
    if (leg.status === refund.status && leg.pspId === refund.id) return leg;
    if (leg.status === "SUCCEEDED" || leg.status === "CANCELED") return leg;
    const saved = await this.payments.updateRefund(leg.id, leg.status, { status: refund.status, pspId: refund.id });
    return saved ?? leg;
  }

  /** The captured money is written into the order system once, with its prepayment mark. */
  async recordCapture(shop: Shop, order: OrderRecord, record: PaymentRecord): Promise<PaymentRecord> {
    if (record.status !== "CAPTURED" || record.recordedAt || !shop.orders || !order.orderRef) return record;
    await shop.orders.recordPayment(order.id, {
      kind: "PAYMENT",
      amount: record.captured,
      prepayment: true,
      idempotencyKey: paymentKeys.record(record),
    });
    return (await this.payments.update(record.id, "CAPTURED", { recordedAt: new Date() })) ?? record;
  }

  /**
   * 54-FZ: goods paid ahead (`full_prepayment`) and handed over later get a settlement receipt at
   * handover, `full_payment` items settling the prepayment, once per payment.
   */
  async settle(shop: Shop, order: OrderRecord, record: PaymentRecord): Promise<PaymentRecord> {
    const settings = settingsOf(shop);
    if (record.status !== "CAPTURED" || record.settledAt || !record.pspId) return record;
    if (!settings.provider.behaviour.receipts || !settings.receipt?.settlement) return record;
    const left = record.captured - record.refunded;
    if (left <= 0) return record;
    const items = paidItems(order);
    const sold =
      items.reduce((a, i) => a + i.amount, 0) === left
        ? items
        : [{ description: `Заказ ${order.id.slice(0, 8)}`, quantity: 1, amount: left }];
    await settings.provider.settle({
      paymentId: record.pspId,
      receipt: this.receipt(shop, order, sold, "full_payment")!,
      amount: left,
      idempotencyKey: paymentKeys.settle(record),
    });
    return (await this.payments.update(record.id, "CAPTURED", { settledAt: new Date() })) ?? record;
  }

  /** The money a refund leg returned is written into the order system once. */
  async recordReturn(shop: Shop, order: OrderRecord, leg: RefundLegRecord): Promise<void> {
    if (leg.status !== "SUCCEEDED" || leg.recordedAt || !shop.orders || !order.orderRef) return;
    await shop.orders.recordPayment(order.id, {
      kind: "RETURN",
      amount: leg.amount,
      prepayment: true,
      idempotencyKey: paymentKeys.refundRecord(leg),
    });
    await this.payments.updateRefund(leg.id, "SUCCEEDED", { recordedAt: new Date() });
  }

  /** The 54-FZ receipt, where the shop's PSP makes them: the items at the prices paid, and the buyer's contact. */
  receipt(shop: Shop, order: OrderRecord, items: PaidItem[], mode: ReceiptPaymentMode): PaymentReceipt | null {
    const settings = settingsOf(shop);
    if (!settings.provider.behaviour.receipts || !settings.receipt) return null;
    const { vatCode, taxSystemCode, paymentSubject, contact } = settings.receipt;
    return {
      customer: receiptCustomer(order, contact),
      items: items.flatMap((item) =>
        splitEvenly(item.amount, item.quantity).map((part): ReceiptItem => ({
          description: item.description.slice(0, 128),
          quantity: part.quantity,
          unitPrice: part.unitPrice,
          vatCode,
          paymentMode: mode,
          paymentSubject,
        })),
      ),
      ...(taxSystemCode ? { taxSystemCode } : {}),
    };
  }
}

function refundInProgress(leg: RefundLegRecord): ConflictError {
  return new ConflictError(
    "IDEMPOTENCY_CONFLICT",
    `a refund of ${leg.amount} is in progress for this order; repeat it with the same lines`,
  );
}

/** The same lines, quantities and amounts, in the same order. */
function sameLines(a: RefundLegRecord["lines"], b: RefundLegRecord["lines"]): boolean {
  const key = (lines: RefundLegRecord["lines"]) => JSON.stringify(lines.map((l) => [l.lineId, l.quantity, l.amount]));
  return key(a) === key(b);
}

/** The receipt's addressee: the order's e-mail where the shop sends receipts by e-mail, else its phone. */
function receiptCustomer(order: OrderRecord, contact: ReceiptContact): { email: string } | { phone: string } {
  if (contact === "EMAIL") {
    if (order.contact.email) return { email: order.contact.email };
    throw emailMissing();
  }
  const phone = receiptPhone(order);
  if (phone) return { phone };
  throw new InvalidInputError("a receipt needs the buyer's phone", [
    { path: "contact.phone", message: "give a phone for the receipt" },
  ]);
}

/** The phone a receipt goes to: the order's buyer, or the contact given (digits, E.164). */
export function receiptPhone(order: OrderRecord): string | null {
  const raw = order.phone ?? order.contact.phone ?? null;
  const digits = raw?.replace(/\D/g, "") ?? "";
  return digits.length >= 10 ? digits : null;
}

interface PaidItem {
  description: string;
  quantity: number;
  amount: MinorUnits;
}

/** Each line at what the buyer paid for it (after discounts and points); lines paid wholly in points are left out. */
function paidItems(order: OrderRecord): PaidItem[] {
  return order.lines
    .map((l) => ({ description: l.name ?? l.productId, quantity: l.quantity, amount: linePaid(order, l.lineId) }))
    .filter((i) => i.amount > 0);
}

/** The returned lines at what they gave back; the amount capped to the leg's (the captured money left). */
function returnedItems(order: OrderRecord, lines: RefundLegRecord["lines"], amount: MinorUnits): PaidItem[] {
  let left = amount;
  return lines
    .map((l) => {
      const line = order.lines.find((o) => o.lineId === l.lineId);
      const part = Math.min(l.amount, left);
      left -= part;
      return { description: line?.name ?? line?.productId ?? l.lineId, quantity: l.quantity, amount: part };
    })
    .filter((i) => i.amount > 0);
}

/**
 * `amount` over `quantity` units in whole kopecks: one item at the even price, and, where it does not
 * divide, the remainder's units a kopeck dearer, so that the items add up to the amount exactly.
 */
export function splitEvenly(amount: MinorUnits, quantity: number): Array<{ quantity: number; unitPrice: MinorUnits }> {
  const units = Math.max(1, Math.min(quantity, amount));
  const base = Math.floor(amount / units);
  const dearer = amount - base * units;
  return [
    { quantity: units - dearer, unitPrice: base },
    { quantity: dearer, unitPrice: base + 1 },
  ].filter((p) => p.quantity > 0);
}

function settingsOf(shop: Shop): ShopPayment {
  if (!shop.payment) throw new ConflictError("INVALID_STATE", `shop ${shop.id} takes no payments`);
  return shop.payment;
}
