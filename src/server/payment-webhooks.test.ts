import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPaymentProvider } from "../config/providers.ts";
import type { Payment, PaymentProvider, PaymentRefund } from "../domain/ports/payment-provider.port.ts";
import { inProcessFetch } from "../simulators/kit/in-process-fetch.ts";
import { createYookassaSimulator } from "../simulators/yookassa/server.ts";
import { createLogger } from "./logger.ts";
import { handlePaymentNotification, ipAllowList, type PaymentWebhookDeps } from "./payment-webhooks.ts";

const YOOKASSA_IP = "185.71.76.5";

describe("POST /webhooks/payments/:instance", () => {
  let sim: ReturnType<typeof createYookassaSimulator>;
  let provider: PaymentProvider;
  let seen: Array<Payment | PaymentRefund>;
  let failNext: number;
  let deps: PaymentWebhookDeps;
  let senderIp: string;

  beforeEach(() => {
    seen = [];
    failNext = 0;
    senderIp = YOOKASSA_IP;
    sim = createYookassaSimulator({
      shopId: "shop",
      secretKey: "secret",
      receiptsRequired: false,
      notificationUrl: "https://gateway.example/webhooks/payments/shop-yk",
      deliver: (url, init) => handlePaymentNotification(new Request(url, init), "shop-yk", senderIp, deps),
    });
    provider = createPaymentProvider(
      {
        id: "shop-yk",
        adapter: "yookassa",
        baseUrl: "http://yookassa.sim/v3",
        timeoutMs: 1000,
        maxRetries: 1,
        options: {},
        credentials: { shopId: "env:S", secretKey: "env:K" },
      },
      "test",
      { S: "shop", K: "secret" },
      { fetch: inProcessFetch({ "yookassa.sim": sim }), logger: createLogger("silent") },
    );
    const sink = async (object: Payment | PaymentRefund) => {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error("database busy");
      }
      seen.push(object);
    };
    deps = {
      instances: { "shop-yk": { provider, allowList: ipAllowList(["185.71.76.0/27", "2a02:5180::/32"]) } },
      sink: { paymentChanged: (_i, p) => sink(p), refundChanged: (_i, r) => sink(r) },
      maxBodyBytes: 64 * 1024,
      logger: createLogger("silent"),
    };
  });
  afterEach(() => sim.violations.dispose());

  const paidPayment = async () => {
    const payment = await provider.create({
      orderId: "o1",
      amount: 10_050,
      currency: "RUB",
      description: "Заказ",
      returnUrl: "https://shop.example",
      captureNow: false,
      receipt: null,
      idempotencyKey: "o1:pay",
    });
    sim.state.pay(payment.id);
    return payment;
  };

  it("acts on what a GET of the object says, not on the body", async () => {
    const payment = await paidPayment();
    // The body claims a capture that never happened.
    const forged = new Request("https://gateway.example/webhooks/payments/shop-yk", {
      method: "POST",
      body: JSON.stringify({
        type: "notification",
        event: "payment.succeeded",
        object: { id: payment.id, status: "succeeded" },
      }),
    });
    const res = await handlePaymentNotification(forged, "shop-yk", YOOKASSA_IP, deps);
    expect(res.status).toBe(200);
    expect(seen).toEqual([expect.objectContaining({ id: payment.id, status: "AUTHORIZED", amount: 10_050 })]);
  });

  it("refuses senders outside the allow-list before reading anything", async () => {
    const payment = await paidPayment();
    sim.requests.clear();
    senderIp = "203.0.113.9";
    expect(await sim.deliverNotifications()).toBe(0);
    expect(sim.requests.count("GET", payment.id)).toBe(0);
    expect(seen).toEqual([]);
    // An IPv4 peer written as IPv6-mapped, and an IPv6 range, are matched.
    senderIp = `::ffff:${YOOKASSA_IP}`;
    expect(await sim.deliverNotifications()).toBe(1);
    expect(ipAllowList(["2a02:5180::/32"])("2a02:5180::1")).toBe(true);
  });

  it("answers non-200 when the domain fails, so the PSP delivers again; a duplicate reaches the domain with the same status", async () => {
    const payment = await paidPayment();
    failNext = 1;
    expect(await sim.deliverNotifications()).toBe(0);
    expect(seen).toEqual([]);
    await provider.capture({ paymentId: payment.id, idempotencyKey: "o1:capture" });
    sim.state.outOfOrder = true;
    expect(await sim.deliverNotifications()).toBe(2);
    // Both notifications are read as the payment is now: captured. The domain's compare-and-set sees one change.
    expect(seen.map((p) => (p as Payment).status)).toEqual(["CAPTURED", "CAPTURED"]);
  });

  it("follows refunds, and refuses what is not a notification", async () => {
    const payment = await provider.create({
      orderId: "o2",
      amount: 5_000,
      currency: "RUB",
      description: "Заказ",
      returnUrl: "https://shop.example",
      captureNow: true,
      receipt: null,
      idempotencyKey: "o2:pay",
    });
    sim.state.pay(payment.id);
    const refund = await provider.refund({ paymentId: payment.id, amount: 1_000, idempotencyKey: "o2:refund:1" });
    expect(await sim.deliverNotifications()).toBe(2);
    expect(seen.at(-1)).toMatchObject({ id: refund.id, status: "SUCCEEDED", amount: 1_000 });

    const post = (body: string, instance = "shop-yk") =>
      handlePaymentNotification(
        new Request("https://g/webhooks", { method: "POST", body }),
        instance,
        YOOKASSA_IP,
        deps,
      );
    expect((await post("{")).status).toBe(400);
    expect((await post(JSON.stringify({ type: "notification", event: "x", object: { id: "1" } }))).status).toBe(400);
    expect((await post("{}", "other")).status).toBe(404);
  });
});
