import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type {
  CreatePaymentRequest,
  Payment,
  PaymentNotification,
  PaymentReceipt,
} from "../../src/domain/ports/payment-provider.port.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import { providerError } from "../support/provider-error.ts";
import { expectViolations } from "../support/violations.ts";
import { PAYMENT_SUBJECTS, type PaymentHarness } from "./payment-subjects.ts";

const TIMEOUT_MS = 400;

/** A bouquet and two cards at odd kopecks, so that a conversion through floats would show. */
const receiptFor = (lines: Array<[string, number, number]>): PaymentReceipt => ({
  customer: { phone: "79001234567" },
  items: lines.map(([description, quantity, unitPrice]) => ({
    description,
    quantity,
    unitPrice,
    vatCode: 1,
    paymentMode: "full_prepayment",
    paymentSubject: "commodity",
  })),
});
const LINES: Array<[string, number, number]> = [
  ["Букет из 15 роз", 1, 350_001],
  ["Открытка", 2, 14_999],
];
const TOTAL = 350_001 + 2 * 14_999;

describe.each(PAYMENT_SUBJECTS)("payment provider contract: $id", (subject) => {
  let h: PaymentHarness;
  const psp = () => h.provider;
  const request = (overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest => {
    const orderId = overrides.orderId ?? randomUUID();
    return {
      orderId,
      amount: TOTAL,
      currency: "RUB",
      description: "Заказ",
      returnUrl: "https://shop.example/return",
      captureNow: false,
      receipt: receiptFor(LINES),
      idempotencyKey: `${orderId}:payment`,
      ...overrides,
    };
  };
  /** A payment the buyer has paid: AUTHORIZED (two stages). */
  const authorised = async (overrides: Partial<CreatePaymentRequest> = {}): Promise<Payment> => {
    const created = await psp().create(request(overrides));
    await h.pay(created.confirmationUrl!);
    return (await psp().get(created.id))!;
  };

  beforeAll(async () => {
    h = await subject.start({ timeoutMs: TIMEOUT_MS, maxRetries: 2 });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.sim.state.reset();
    h.sim.faults.clear();
    h.sim.requests.clear();
  });

  it("creates a pending payment for the exact amount, and reads it back; an unknown id is null", async () => {
    const req = request();
    const created = await psp().create(req);
    expect(created).toMatchObject({ status: "PENDING", amount: TOTAL, currency: "RUB", refunded: 0 });
    expect(created.orderId).toBe(req.orderId);
    expect(created.confirmationUrl).toMatch(/^https?:\/\//);
    expect(await psp().get(created.id)).toEqual(created);
    expect(await psp().get(randomUUID())).toBeNull();
    expect(h.books()).toMatchObject({ payments: 1, captured: 0 });
  });

  it("declares its behaviour", () => {
    const b = psp().behaviour;
    expect(psp().adapter).toBe(subject.id);
    expect(b.unpaidExpiresAfterSeconds).toBeGreaterThan(0);
    expect(b.holdExpiresAfterSeconds).toBeGreaterThan(b.unpaidExpiresAfterSeconds);
    expect(b.reason.length).toBeGreaterThan(0);
  });

  it("holds a paid two-stage payment, captures part of it with its receipt, and refunds up to what was captured", async () => {
    expect(psp().behaviour).toMatchObject({ twoStage: true, partialCapture: true, partialRefund: true });
    const payment = await authorised();
    expect(payment).toMatchObject({ status: "AUTHORIZED", amount: TOTAL, confirmationUrl: null });
    expect(payment.expiresAt!.getTime()).toBeGreaterThan(Date.now());

    // One card was missing: the rest is taken, with the receipt of what is taken.
    const taken = TOTAL - 14_999;
    const captured = await psp().capture({
      paymentId: payment.id,
      amount: taken,
      receipt: receiptFor([LINES[0]!, ["Открытка", 1, 14_999]]),
      idempotencyKey: `${payment.orderId}:capture`,
    });
    expect(captured).toMatchObject({ id: payment.id, status: "CAPTURED", amount: taken });

    const first = await psp().refund({
      paymentId: payment.id,
      amount: 14_999,
      receipt: receiptFor([["Открытка", 1, 14_999]]),
      idempotencyKey: `${payment.orderId}:refund:1`,
    });
    expect(first).toMatchObject({ paymentId: payment.id, status: "SUCCEEDED", amount: 14_999 });
    expect(await psp().getRefund(first.id)).toEqual(first);
    expect(await psp().getRefund(randomUUID())).toBeNull();

    const tooMuch = await providerError(() =>
      psp().refund({
        paymentId: payment.id,
        amount: taken,
        receipt: receiptFor([LINES[0]!, ["Открытка", 1, 14_999]]),
        idempotencyKey: `${payment.orderId}:refund:2`,
      }),
    );
    expect(tooMuch.code).toBe("PROVIDER_REJECTED");
    expectViolations(h.sim, { kind: "flow", path: subject.refundPath });

    await psp().refund({
      paymentId: payment.id,
      amount: taken - 14_999,
      receipt: receiptFor([LINES[0]!]),
      idempotencyKey: `${payment.orderId}:refund:3`,
    });
    expect(await psp().get(payment.id)).toMatchObject({ status: "CAPTURED", amount: taken, refunded: taken });
    expect(h.books()).toEqual({ payments: 1, refunds: 2, captured: taken, refunded: taken });
  });

  it("takes a one-stage payment at once when the buyer pays", async () => {
    const created = await psp().create(request({ captureNow: true }));
    await h.pay(created.confirmationUrl!);
    expect(await psp().get(created.id)).toMatchObject({ status: "CAPTURED", amount: TOTAL });
  });

  it("cancels a hold for free; the payment's life then refuses capture, cancel and refund as INVALID_STATE", async () => {
    const payment = await authorised();
    const canceled = await psp().cancel({ paymentId: payment.id, idempotencyKey: `${payment.orderId}:cancel` });
    expect(canceled).toMatchObject({ status: "CANCELED", cancellation: { party: "merchant" } });
    // The same request again is the same answer, not a refusal.
    expect(await psp().cancel({ paymentId: payment.id, idempotencyKey: `${payment.orderId}:cancel` })).toEqual(
      canceled,
    );

    const capture = await providerError(() =>
      psp().capture({ paymentId: payment.id, idempotencyKey: `${payment.orderId}:capture` }),
    );
    const cancel = await providerError(() => psp().cancel({ paymentId: payment.id, idempotencyKey: "another-cancel" }));
    const refund = await providerError(() =>
      psp().refund({
        paymentId: payment.id,
        amount: 100,
        receipt: receiptFor([["Открытка", 1, 100]]),
        idempotencyKey: `${payment.orderId}:refund`,
      }),
    );
    expect([capture.code, cancel.code, refund.code]).toEqual(["INVALID_STATE", "INVALID_STATE", "INVALID_STATE"]);
    expectViolations(h.sim, { kind: "flow" });
    expect(h.books()).toMatchObject({ captured: 0, refunds: 0 });
  });

  it("refuses to capture a pending payment or more than was authorised, and to refund one not captured", async () => {
    const created = await psp().create(request());
    const early = await providerError(() =>
      psp().capture({ paymentId: created.id, idempotencyKey: `${created.orderId}:capture` }),
    );
    expect(early.code).toBe("INVALID_STATE");
    await h.pay(created.confirmationUrl!);
    const over = await providerError(() =>
      psp().capture({
        paymentId: created.id,
        amount: TOTAL + 1,
        receipt: receiptFor([...LINES, ["Лента", 1, 1]]),
        idempotencyKey: `${created.orderId}:capture:over`,
      }),
    );
    expect(over.code).toBe("PROVIDER_REJECTED");
    const refund = await providerError(() =>
      psp().refund({
        paymentId: created.id,
        amount: TOTAL,
        receipt: receiptFor(LINES),
        idempotencyKey: `${created.orderId}:refund`,
      }),
    );
    expect(refund.code).toBe("INVALID_STATE");
    expectViolations(h.sim, { kind: "flow" });
    expect(await psp().get(created.id)).toMatchObject({ status: "AUTHORIZED", amount: TOTAL });
  });

  it("repeats with the same key find the same object; the same key for another request is IDEMPOTENCY_CONFLICT", async () => {
    const req = request();
    const first = await psp().create(req);
    expect((await psp().create(req)).id).toBe(first.id);
    expect(h.books().payments).toBe(1);

    const conflict = await providerError(() => psp().create({ ...req, amount: TOTAL - 1, receipt: null }));
    expect(conflict.code).toBe("IDEMPOTENCY_CONFLICT");
    expectViolations(h.sim, { kind: "flow", detail: /Idempotence/ });

    await h.pay(first.confirmationUrl!);
    const capture = { paymentId: first.id, idempotencyKey: `${req.orderId}:capture` };
    const once = await psp().capture(capture);
    expect(await psp().capture(capture)).toEqual(once);
    expect(h.books()).toMatchObject({ payments: 1, captured: TOTAL });

    const refund = {
      paymentId: first.id,
      amount: 14_999,
      receipt: receiptFor([["Открытка", 1, 14_999]]),
      idempotencyKey: `${req.orderId}:refund:1`,
    };
    const r = await psp().refund(refund);
    expect((await psp().refund(refund)).id).toBe(r.id);
    expect(h.books()).toMatchObject({ refunds: 1, refunded: 14_999 });
  });

  it("a write whose answer was lost is uncertain; the repeat with the same key finds what it made", async () => {
    const req = request();
    await h.failAfter("lost", subject.createPath);
    const lost = await providerError(() => psp().create(req));
    expect(lost).toMatchObject({ code: "PROVIDER_UNAVAILABLE", uncertain: true });
    expect(h.books().payments).toBe(1);
    const found = await psp().create(req);
    expect(h.books().payments).toBe(1);
    expect(found.status).toBe("PENDING");

    await h.pay(found.confirmationUrl!);
    const capture = { paymentId: found.id, idempotencyKey: `${req.orderId}:capture` };
    await h.failAfter("lost", subject.capturePath);
    expect(await providerError(() => psp().capture(capture))).toMatchObject({ uncertain: true });
    expect(await psp().capture(capture)).toMatchObject({ status: "CAPTURED", amount: TOTAL });

    const refund = {
      paymentId: found.id,
      amount: TOTAL,
      receipt: receiptFor(LINES),
      idempotencyKey: `${req.orderId}:refund`,
    };
    await h.failAfter("lost", subject.refundPath);
    expect(await providerError(() => psp().refund(refund))).toMatchObject({ uncertain: true });
    expect((await psp().refund(refund)).amount).toBe(TOTAL);
    expect(h.books()).toEqual({ payments: 1, refunds: 1, captured: TOTAL, refunded: TOTAL });
  });

  it("repeats a write answered 500 or 'processing' by itself, with the same key, and makes one object", async () => {
    await h.failAfter("500", subject.createPath);
    const created = await psp().create(request());
    expect(h.books().payments).toBe(1);
    expect(h.sim.requests.count("POST", subject.createPath)).toBe(2);

    await h.pay(created.confirmationUrl!);
    await h.failAfter("processing", subject.capturePath);
    expect(await psp().capture({ paymentId: created.id, idempotencyKey: "capture-once" })).toMatchObject({
      status: "CAPTURED",
    });
    expect(h.sim.requests.count("POST", subject.capturePath)).toBe(2);
    expect(h.books().captured).toBe(TOTAL);
  });

  it("does not repeat a write refused with 429: RATE_LIMITED, and nothing was made", async () => {
    h.sim.faults.add({ kind: "rateLimit", path: subject.createPath, retryAfterSeconds: 2 });
    const limited = await providerError(() => psp().create(request()));
    expect(limited).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 2 });
    expect(h.sim.requests.count("POST", subject.createPath)).toBe(1);
    expect(h.books().payments).toBe(0);
  });

  it("checks receipts: a contact, items adding up to the amount", async () => {
    const noReceipt = await providerError(() => psp().create(request({ receipt: null })));
    const noContact = await providerError(() =>
      psp().create(request({ receipt: { ...receiptFor(LINES), customer: {} } })),
    );
    const wrongSum = await providerError(() => psp().create(request({ amount: TOTAL + 1 })));
    expect([noReceipt.code, noContact.code, wrongSum.code]).toEqual([
      "PROVIDER_REJECTED",
      "PROVIDER_REJECTED",
      "PROVIDER_REJECTED",
    ]);
    expectViolations(h.sim, { kind: "body", path: subject.createPath });
    expect(h.books().payments).toBe(0);
    // An e-mail is a contact as good as a phone.
    const byEmail = await psp().create(request({ receipt: { ...receiptFor(LINES), customer: { email: "a@b.ru" } } }));
    expect(byEmail.status).toBe("PENDING");
  });

  it("a declined payment is canceled", async () => {
    const created = await psp().create(request());
    await h.decline(created.confirmationUrl!);
    expect(await psp().get(created.id)).toMatchObject({ status: "CANCELED", cancellation: expect.any(Object) });
  });

  it("makes the settlement receipt of a captured payment once per key, and refuses one before capture", async () => {
    const held = await authorised();
    const settlement = (key: string) => ({
      paymentId: held.id,
      receipt: {
        ...receiptFor(LINES),
        items: receiptFor(LINES).items.map((i) => ({ ...i, paymentMode: "full_payment" as const })),
      },
      amount: TOTAL,
      idempotencyKey: key,
    });
    const early = await providerError(() => psp().settle(settlement(`${held.id}:settle-early`)));
    expect(early.code).toBe("PROVIDER_REJECTED");
    expectViolations(h.sim, { kind: "flow" });
    await psp().capture({ paymentId: held.id, idempotencyKey: `${held.id}:capture` });
    const made = await psp().settle(settlement(`${held.id}:settle`));
    expect(made.status).toBe("SUCCEEDED");
    expect(await psp().settle(settlement(`${held.id}:settle`))).toEqual(made);
    const short = settlement(`${held.id}:settle-short`);
    const wrong = await providerError(() => psp().settle({ ...short, amount: TOTAL - 1 }));
    expect(wrong.code).toBe("PROVIDER_REJECTED");
    expectViolations(h.sim, { kind: "flow" });
  });

  it("on its clock, an unpaid payment is canceled after its term, and a hold after its own", async () => {
    const unpaid = await psp().create(request());
    const held = await authorised();
    await h.advanceClock(psp().behaviour.unpaidExpiresAfterSeconds - 60);
    expect((await psp().get(unpaid.id))!.status).toBe("PENDING");
    await h.advanceClock(120);
    expect((await psp().get(unpaid.id))!.status).toBe("CANCELED");
    expect((await psp().get(held.id))!.status).toBe("AUTHORIZED");

    await h.advanceClock(psp().behaviour.holdExpiresAfterSeconds);
    expect((await psp().get(held.id))!.status).toBe("CANCELED");
    const late = await providerError(() => psp().capture({ paymentId: held.id, idempotencyKey: "late-capture" }));
    expect(late.code).toBe("INVALID_STATE");
    expectViolations(h.sim, { kind: "flow" });
  });

  it("notifies at least once, duplicated and out of order on demand, until answered 200; parses what it sends", async () => {
    const received: PaymentNotification[] = [];
    let refuseNext = 1;
    const listener = await listen(async (req) => {
      const parsed = psp().parseNotification(await req.json());
      if (refuseNext > 0) {
        refuseNext -= 1;
        return new Response("busy", { status: 503 });
      }
      if (parsed) received.push(parsed);
      return new Response(null, { status: 200 });
    });
    try {
      await h.notifyTo(`${listener.url}/webhooks/payments/contract`, { duplicate: true, outOfOrder: true });
      const payment = await authorised();
      await psp().capture({ paymentId: payment.id, idempotencyKey: "notify-capture" });

      // The first attempt is refused; it is delivered on a later pass, with the others.
      await h.deliverNotifications();
      await h.deliverNotifications();
      const events = received.map((n) => n.event);
      expect(events.filter((e) => e === "payment.waiting_for_capture")).toHaveLength(2);
      expect(events.filter((e) => e === "payment.succeeded")).toHaveLength(2);
      expect(events.indexOf("payment.succeeded")).toBeLessThan(events.indexOf("payment.waiting_for_capture"));
      expect(received.every((n) => n.kind === "PAYMENT" && n.objectId === payment.id)).toBe(true);
      expect(await h.deliverNotifications()).toBe(0);
    } finally {
      await listener.close();
    }
    expect(psp().parseNotification({ type: "notification", event: "payment.unknown", object: { id: "x" } })).toBeNull();
    expect(psp().parseNotification("not json")).toBeNull();
  });

  it("wrong credentials are PROVIDER_UNAVAILABLE, and no payment is made", async () => {
    const wrong = await subject.start({ timeoutMs: TIMEOUT_MS, maxRetries: 0, wrongSecret: true });
    try {
      const error = await providerError(() => wrong.provider.create(request()));
      expect(error).toMatchObject({ code: "PROVIDER_UNAVAILABLE", uncertain: false });
      expect(wrong.books().payments).toBe(0);
    } finally {
      await wrong.close();
      wrong.sim.violations.dispose();
    }
  });
});
