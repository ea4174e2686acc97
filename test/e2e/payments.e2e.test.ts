import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import {
  CreateOrderDocument,
  CustomerByPhoneDocument,
  CustomerByQrTokenDocument,
  OrderByIdDocument,
  ShopsDocument,
} from "../../generated/graphql/graphql.ts";
import { DEMO_PHONES, DEMO_QR_TOKENS, DEMO_SHOPS } from "../../src/config/demo.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import {
  advancePsp,
  createDelivery,
  deliverNotifications,
  onConfirmationPage,
  PAY_ORDER,
  pspBooks,
  readPaid,
  until,
} from "../support/payments.ts";
import { count } from "../support/db.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

/**
 * Prepaid orders through the GraphQL API, in every demo shop (each loyalty provider) made to take
 * prepayment: the buyer pays a delivery ahead at the ЮKassa simulator's page, the florist makes it ready
 * (capture) and done, and it is refunded in part and whole; the PSP's books, the Posiflora order's
 * payments and the loyalty balance are checked at each step. The background jobs are off: the tests move
 * notifications and the reconciler themselves.
 */
const gw = useDemoGateway({
  DEMO_PREPAY_SHOPS: DEMO_SHOPS.shops.map((s) => s.id).join(","),
  PAYMENT_RECONCILE_SECONDS: "0",
  CHECKOUT_EXPIRY_SECONDS: "0",
  STATUS_SYNC_SECONDS: "0",
});

const ADAPTERS = ["posiflora", "bonusplus", "loyalclient", "rkeeper", "integrations"] as const;
type Adapter = (typeof ADAPTERS)[number];

/** The gateway's clock (its sweepers read Date), moved on. */
function moveClock(ms: number) {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(new Date(Date.now() + ms));
}

async function buyer(adapter: Adapter) {
  const token = adapter === "integrations" ? DEMO_QR_TOKENS.integrations.regular : undefined;
  return miniAppCustomer(gw.t, `demo-${adapter}`, DEMO_PHONES[adapter].regular, token);
}

async function balance(adapter: Adapter): Promise<number> {
  const shopId = `demo-${adapter}`;
  const res =
    adapter === "integrations"
      ? (await gw.t.run(CustomerByQrTokenDocument, { shopId, token: DEMO_QR_TOKENS.integrations.regular }, asService()))
          .data?.customerByQrToken
      : (await gw.t.run(CustomerByPhoneDocument, { shopId, phone: DEMO_PHONES[adapter].regular }, asService())).data
          ?.customer;
  const account = res && "data" in res ? res.data.loyalty[0] : undefined;
  if (account?.__typename !== "LoyaltyAccount") throw new Error(JSON.stringify(res));
  return account.balance;
}

/** The Posiflora order's payments, as the florist sees them. */
async function posifloraPayments(orderId: string) {
  const state = await (await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/posiflora/state")).json();
  const order = state.orders.find((o: { id: string }) => o.id === orderId);
  return (order?.payments ?? []) as Array<{
    paymentType: string;
    amount: number;
    bonusAmount: number;
    prepayment?: boolean;
  }>;
}

/** A control request to the demo's ЮKassa simulator. */
async function control(path: string, body: object): Promise<unknown> {
  const res = await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/yookassa/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** The shop's orders a person must look at. */
async function attention(shopId: string): Promise<Array<{ orderId: string; reason: string }>> {
  const query = `query Q($s: ID!) { ordersNeedingAttention(shopId: $s) { __typename ... on QueryOrdersNeedingAttentionSuccess { data { orderId reason } } } }`;
  const body = await (await gw.t.post(query, { s: shopId }, asService())).json();
  return body.data.ordersNeedingAttention.data;
}

async function moveInPosiflora(orderId: string, status: string) {
  const res = await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/posiflora/orders/${orderId}/status`, {
    method: "POST",
    body: JSON.stringify({ status }),
  });
  expect(res.status).toBe(200);
  await gw.t.gateway.statusSync.runOnce();
}

/** The order confirmed, paid at the PSP's page, and placed once the notification is in. */
async function paidOrder(adapter: Adapter, quantity = 3) {
  const c = await buyer(adapter);
  const created = await createDelivery(gw.t, `demo-${adapter}`, c.headers, [line("rose-15", quantity)]);
  const points = Math.min(10, created.maxRedeemablePoints);
  if (points > 0) c.ok(await c.apply(created.id, points));
  const confirmed = c.ok(await c.confirm(created.id));
  expect(confirmed.status).toBe("AWAITING_PAYMENT");
  const waiting = await readPaid(gw.t, created.id);
  expect(waiting.payment).toMatchObject({ status: "PENDING", amount: { amount: waiting.total.amount } });
  expect(waiting.providerRefs.orderReference).toBeNull();
  await onConfirmationPage(gw.t, waiting.payment!.confirmationUrl!, "pay");
  const placed = await until(gw.t, created.id, (o) => o.status === "PLACED");
  return { c, order: placed, points };
}

describe("prepaid orders, per loyalty provider", () => {
  it.each(ADAPTERS)(
    "%s: pays a delivery ahead, captures at ready (or done), refunds in part and whole",
    async (adapter) => {
      const before = await balance(adapter);
      const { c, order, points } = await paidOrder(adapter);
      const shop = gw.t.gateway.shops.get(`demo-${adapter}`);
      const total = order.total.amount;
      expect(total).toBeGreaterThan(0);
      expect(order.payment).toMatchObject({ status: "AUTHORIZED", captured: { amount: 0 } });
      let books = await pspBooks(gw.t);
      const psp = () => books.payments.find((p) => p.metadata?.["orderId"] === order.id)!;
      expect(psp()).toMatchObject({ status: "waiting_for_capture", authorised: total, captured: 0 });
      // The demo shops send ЮKassa's own receipts, by e-mail: the receipt goes to the e-mail given at checkout.
      expect(psp().receipt?.customer).toEqual({ email: "anna@example.ru" });

      if (shop.orders) {
        // The florist makes it ready: the money is taken, and the Posiflora order shows it as prepaid.
        await moveInPosiflora(order.id, "assembled");
        const ready = await readPaid(gw.t, order.id);
        expect(ready.status).toBe("READY");
        expect(ready.payment).toMatchObject({ status: "CAPTURED", captured: { amount: total } });
        expect(ready.history.some((h) => h.event === "PAYMENT_CAPTURED")).toBe(true);
        expect((await posifloraPayments(order.id)).filter((p) => p.amount > 0)).toEqual([
          expect.objectContaining({ paymentType: "payment", amount: total, bonusAmount: 0, prepayment: true }),
        ]);
      }
      const done = await c.complete(order.id);
      expect(done, JSON.stringify(done)).toMatchObject({ data: { status: "COMPLETED" } });
      const completed = await readPaid(gw.t, order.id);
      expect(completed.payment).toMatchObject({ status: "CAPTURED", captured: { amount: total } });
      books = await pspBooks(gw.t);
      expect(psp()).toMatchObject({ status: "succeeded", captured: total, refunded: 0 });
      // Handed over: the 54-FZ settlement receipt of the prepayment, once.
      expect(books.receipts.filter((r) => r.paymentId === psp().id)).toEqual([
        expect.objectContaining({ type: "payment", settled: total }),
      ]);
      // The points: spent as asked, and earned on the money part.
      expect(completed.pointsRedeemed).toBe(points);
      const afterSale = await balance(adapter);
      if (adapter !== "integrations") expect(afterSale).toBe(before - points + completed.pointsEarned);

      const refundable = shop.loyalty[0]!.capabilities.refund;
      if (refundable === "NONE") {
        // The programme cannot give points back: no refund at all, and no money moves.
        const refused = await c.refund(order.id);
        expect(refused).toMatchObject({ __typename: "ProviderError", code: "UNSUPPORTED_BY_PROVIDER" });
        books = await pspBooks(gw.t);
        expect(books.refunds.filter((r) => r.paymentId === psp().id)).toEqual([]);
        return;
      }
      const lineId = completed.lines[0]!.lineId;
      if (refundable === "PARTIAL") {
        const part = await c.refund(order.id, [{ lineId, quantity: 1 }]);
        expect(part, JSON.stringify(part)).toMatchObject({ data: { status: "PARTIALLY_REFUNDED" } });
        const partly = await readPaid(gw.t, order.id);
        expect(partly.refunded.amount).toBeGreaterThan(0);
        expect(partly.payment!.refunded.amount).toBe(partly.refunded.amount);
        books = await pspBooks(gw.t);
        expect(psp().refunded).toBe(partly.refunded.amount);
      }
      const whole = await c.refund(order.id);
      expect(whole, JSON.stringify(whole)).toMatchObject({ data: { status: "REFUNDED" } });
      const refunded = await readPaid(gw.t, order.id);
      expect(refunded.refunded.amount).toBe(total);
      expect(refunded.payment).toMatchObject({ refunded: { amount: total }, captured: { amount: total } });
      books = await pspBooks(gw.t);
      expect(psp().refunded).toBe(total);
      const legs = books.refunds.filter((r) => r.paymentId === psp().id);
      expect(legs.reduce((a, r) => a + r.amount, 0)).toBe(total);
      if (shop.orders) {
        const money = (await posifloraPayments(order.id)).filter((p) => p.amount > 0);
        const back = money.filter((p) => p.paymentType === "return").reduce((a, p) => a + p.amount, 0);
        expect(back).toBe(total);
      }
      // Every point is back where it was: spent ones returned, earned ones taken back.
      expect(await balance(adapter)).toBe(before);
    },
  );
});

describe("a shop whose receipts go by e-mail", () => {
  const SHOP = "demo-bonusplus";
  const order = (email: string | null) => ({
    shopId: SHOP,
    lines: [line("rose-15", 1)],
    fulfilment: {
      kind: "DELIVERY" as const,
      address: { city: "Москва", street: "Тверская", house: "1" },
      recipientName: "Вера",
      recipientPhone: "+79005550101",
    },
    contact: { name: "Анна", phone: "+79001234567", email },
  });

  it("says so to the Mini App, and refuses an order without a valid e-mail before anything is made", async () => {
    const shops = (await gw.t.run(ShopsDocument, {})).data?.shops ?? [];
    expect(shops.find((s) => s.id === SHOP)?.payment).toEqual({ mode: "PREPAY", receiptContact: "EMAIL" });
    const c = await buyer("bonusplus");
    const orders = await count(gw.t.databaseUrl, "Order");
    const payments = (await pspBooks(gw.t)).payments.length;
    for (const [email, message] of [
      [null, "give an e-mail for the receipt"],
      ["anna@", "an e-mail address such as anna@example.ru"],
      [`${"a".repeat(250)}@example.ru`, "an e-mail address is at most 254 characters"],
    ] as const) {
      const res = (await gw.t.run(CreateOrderDocument, { input: order(email), key: randomUUID() }, c.headers)).data
        ?.createOrder;
      expect(res, String(email)).toMatchObject({ __typename: "InvalidInputError", code: "INVALID_INPUT" });
      const issues = (res as { issues: Array<{ path: string; message: string }> }).issues;
      expect(issues).toEqual([{ path: expect.stringMatching(/contact\.email$/), message }]);
    }
    expect(await count(gw.t.databaseUrl, "Order")).toBe(orders);
    expect((await pspBooks(gw.t)).payments).toHaveLength(payments);

    // Given, it is the order's, and the payment's receipt goes to it.
    const created = await gw.t.run(
      CreateOrderDocument,
      { input: order(" vera.p@example.ru "), key: randomUUID() },
      c.headers,
    );
    const made = created.data?.createOrder;
    if (made?.__typename !== "MutationCreateOrderSuccess") throw new Error(JSON.stringify(created));
    c.ok(await c.confirm(made.data.id));
    const read = (await gw.t.run(OrderByIdDocument, { id: made.data.id }, c.headers)).data?.order;
    expect(read).toMatchObject({ data: { contactEmail: "vera.p@example.ru", status: "AWAITING_PAYMENT" } });
    const psp = (await pspBooks(gw.t)).payments.find((p) => p.metadata?.["orderId"] === made.data.id);
    expect(psp?.receipt?.customer).toEqual({ email: "vera.p@example.ru" });
  });
});

describe("a payment the buyer declines, abandons or pays late", () => {
  it("tells the buyer, lets them pay again, and places the order on the second payment", async () => {
    const c = await buyer("bonusplus");
    const created = await createDelivery(gw.t, "demo-bonusplus", c.headers, [line("rose-15", 1)]);
    c.ok(await c.confirm(created.id));
    const first = await readPaid(gw.t, created.id);
    await onConfirmationPage(gw.t, first.payment!.confirmationUrl!, "decline");
    const declined = await until(gw.t, created.id, (o) => o.payment?.status === "CANCELED");
    expect(declined.status).toBe("AWAITING_PAYMENT");
    expect(declined.history.at(-1)).toMatchObject({ to: "AWAITING_PAYMENT", event: "PAYMENT_DECLINED" });

    // A repeat of the same key answers the same; another key makes one new payment.
    const key = randomUUID();
    const again = await (await gw.t.post(PAY_ORDER, { orderId: created.id, key }, c.headers)).json();
    expect(again.data.payOrder).toMatchObject({ data: { status: "AWAITING_PAYMENT", payment: { status: "PENDING" } } });
    const url = again.data.payOrder.data.payment.confirmationUrl;
    expect(url).not.toBe(first.payment!.confirmationUrl);
    const repeat = await (await gw.t.post(PAY_ORDER, { orderId: created.id, key }, c.headers)).json();
    expect(repeat.data.payOrder.data.payment.confirmationUrl).toBe(url);
    const live = await (await gw.t.post(PAY_ORDER, { orderId: created.id, key: randomUUID() }, c.headers)).json();
    expect(live.data.payOrder.data.payment.confirmationUrl).toBe(url);

    await onConfirmationPage(gw.t, url, "pay");
    const placed = await until(gw.t, created.id, (o) => o.status === "PLACED");
    expect(placed.payment!.status).toBe("AUTHORIZED");
    const books = await pspBooks(gw.t);
    const mine = books.payments.filter((p) => p.metadata?.["orderId"] === created.id);
    expect(mine.map((p) => p.status).sort()).toEqual(["canceled", "waiting_for_capture"]);
  });

  it("lets an unpaid payment lapse on the PSP's clock, then expires the order and releases its points", async () => {
    const c = await buyer("bonusplus");
    const pointsBefore = await balance("bonusplus");
    const created = await createDelivery(gw.t, "demo-bonusplus", c.headers, [line("rose-15", 2)]);
    c.ok(await c.apply(created.id, 10));
    c.ok(await c.confirm(created.id));
    expect(await balance("bonusplus")).toBe(pointsBefore - 10);
    try {
      // Past the shop's 30 minutes, a live payment keeps the order waiting: the buyer may still be paying.
      moveClock(31 * 60_000);
      await gw.t.gateway.expiry.runOnce();
      expect((await readPaid(gw.t, created.id)).status).toBe("AWAITING_PAYMENT");
      // An hour on ЮKassa's clock: it cancels the payment itself; the reconciler reads that (no notification).
      await advancePsp(gw.t, 3601);
      await gw.t.gateway.payments.runOnce(0);
      const lapsed = await readPaid(gw.t, created.id);
      expect(lapsed.payment!.status).toBe("CANCELED");
      expect(lapsed.payment!.cancellation).toContain("expired_on_confirmation");
      expect(lapsed.status).toBe("AWAITING_PAYMENT");
      expect(lapsed.history.at(-1)).toMatchObject({ event: "PAYMENT_DECLINED" });
      // The shop's time counts from the decline: not yet, then expired with its points released.
      await gw.t.gateway.expiry.runOnce();
      expect((await readPaid(gw.t, created.id)).status).toBe("AWAITING_PAYMENT");
      moveClock(31 * 60_000);
      await gw.t.gateway.expiry.runOnce();
      const expired = await readPaid(gw.t, created.id);
      expect(expired.status).toBe("CANCELLED");
      expect(expired.history.at(-1)).toMatchObject({ to: "CANCELLED", event: "EXPIRED" });
      expect(await balance("bonusplus")).toBe(pointsBefore);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a notification that never arrives: the reconciler reads the payment and places the order", async () => {
    const lost = await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/notifications", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "http://localhost:4000/nowhere" }),
    });
    expect(lost.status).toBe(200);
    try {
      const c = await buyer("integrations");
      const created = await createDelivery(gw.t, "demo-integrations", c.headers, [line("rose-15", 1)]);
      c.ok(await c.confirm(created.id));
      await onConfirmationPage(gw.t, (await readPaid(gw.t, created.id)).payment!.confirmationUrl!, "pay");
      await deliverNotifications(gw.t);
      expect((await readPaid(gw.t, created.id)).status).toBe("AWAITING_PAYMENT");
      expect(await gw.t.gateway.payments.runOnce(0)).toMatchObject({ failed: 0 });
      const placed = await readPaid(gw.t, created.id);
      expect(placed).toMatchObject({ status: "PLACED", payment: { status: "AUTHORIZED" } });
      const state = await (
        await gw.t.post(
          `query S($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { paymentState } } } }`,
          { id: created.id },
          asService(),
        )
      ).json();
      expect(state.data.order.data.paymentState).toBe("PAID");
    } finally {
      await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/notifications", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ url: "http://localhost:4000/webhooks/payments/demo-yookassa" }),
      });
    }
  });

  it("a payment that turns up held after the order was cancelled is released, free", async () => {
    const c = await buyer("posiflora");
    const created = await createDelivery(gw.t, "demo-posiflora", c.headers, [line("rose-15", 1)]);
    c.ok(await c.confirm(created.id));
    const waiting = await readPaid(gw.t, created.id);
    expect(c.ok(await c.cancel(created.id)).status).toBe("CANCELLED");
    await onConfirmationPage(gw.t, waiting.payment!.confirmationUrl!, "pay");
    await deliverNotifications(gw.t);
    const after = await readPaid(gw.t, created.id);
    expect(after.status).toBe("CANCELLED");
    expect(after.payment).toMatchObject({ status: "CANCELED", captured: { amount: 0 } });
    const books = await pspBooks(gw.t);
    expect(books.payments.find((p) => p.metadata?.["orderId"] === created.id)).toMatchObject({
      status: "canceled",
      captured: 0,
    });
  });

  it("a cancel before capture cancels the hold; after capture it refunds the money", async () => {
    const held = await paidOrder("posiflora", 1);
    expect(held.c.ok(await held.c.cancel(held.order.id)).status).toBe("CANCELLED");
    expect((await readPaid(gw.t, held.order.id)).payment).toMatchObject({ status: "CANCELED" });

    const taken = await paidOrder("posiflora", 1);
    await moveInPosiflora(taken.order.id, "assembled");
    expect((await readPaid(gw.t, taken.order.id)).payment!.status).toBe("CAPTURED");
    expect(taken.c.ok(await taken.c.cancel(taken.order.id)).status).toBe("CANCELLED");
    const after = await readPaid(gw.t, taken.order.id);
    expect(after.payment).toMatchObject({ status: "CAPTURED", refunded: { amount: after.payment!.captured.amount } });
    const back = (await posifloraPayments(taken.order.id)).filter((p) => p.paymentType === "return" && p.amount > 0);
    expect(back.reduce((a, p) => a + p.amount, 0)).toBe(after.payment!.captured.amount);
    // The capture's notification, in after the refund: the money is back already, so staff are not asked for it.
    await deliverNotifications(gw.t);
    expect((await attention("demo-posiflora")).filter((a) => a.orderId === taken.order.id)).toEqual([]);
  });

  it("a cancel after a capture whose answer was lost refunds the money taken, recorded as paid and returned", async () => {
    const { c, order } = await paidOrder("posiflora", 1);
    // Nor does the capture's notification get through (the reconciler is off here): only a read tells.
    const { url } = (await control("notifications", {})) as { url: string };
    await control("notifications", { url: url.replace(/[^/]+$/, "nowhere") });
    try {
      // The florist makes it ready; ЮKassa takes the money, and every answer to the capture (three tries) is lost.
      await control("after-faults", { kind: "500", path: "capture", times: 3 });
      await moveInPosiflora(order.id, "assembled");
      const ready = await readPaid(gw.t, order.id);
      expect(ready).toMatchObject({ status: "READY", payment: { status: "AUTHORIZED" } });
      const books = await pspBooks(gw.t);
      expect(books.payments.find((p) => p.metadata?.["orderId"] === order.id)).toMatchObject({ status: "succeeded" });

      expect(c.ok(await c.cancel(order.id)).status).toBe("CANCELLED");
    } finally {
      await control("notifications", { url });
    }
    const after = await readPaid(gw.t, order.id);
    const total = after.total.amount;
    expect(after.payment).toMatchObject({
      status: "CAPTURED",
      captured: { amount: total },
      refunded: { amount: total },
    });
    const money = (await posifloraPayments(order.id)).filter((p) => p.amount > 0);
    expect(money.map((p) => [p.paymentType, p.amount])).toEqual([
      ["payment", total],
      ["return", total],
    ]);
  });

  it("a refund whose return Posiflora refused, asked again, records the return without sending the money twice", async () => {
    const { c, order } = await paidOrder("posiflora", 1);
    await moveInPosiflora(order.id, "assembled");
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const total = order.total.amount;
    const res = await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/posiflora/faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "status", status: 422, path: `${order.id}/payments`, times: 1 }),
    });
    expect(res.status).toBe(200);
    // The money goes back; Posiflora refuses to record it, so the refund stops there.
    expect(await c.refund(order.id)).toMatchObject({ __typename: "ProviderError" });
    const paid = (await pspBooks(gw.t)).payments.find((p) => p.metadata?.["orderId"] === order.id)!;
    expect(paid).toMatchObject({ refunded: total });

    expect(await c.refund(order.id)).toMatchObject({ data: { status: "REFUNDED" } });
    const refunds = (await pspBooks(gw.t)).refunds.filter((r) => r.paymentId === paid.id);
    expect(refunds.map((r) => r.amount)).toEqual([total]);
    const money = (await posifloraPayments(order.id)).filter((p) => p.amount > 0);
    expect(money.map((p) => [p.paymentType, p.amount])).toEqual([
      ["payment", total],
      ["return", total],
    ]);
  });

  it("a held payment read twice at once (its notification and the reconciler) places the order once, cancelling nothing", async () => {
    const c = await buyer("posiflora");
    const created = await createDelivery(gw.t, "demo-posiflora", c.headers, [line("rose-15", 1)]);
    c.ok(await c.confirm(created.id));
    const waiting = await readPaid(gw.t, created.id);
    const pspId = waiting.payment!.confirmationUrl!.split("/").at(-1)!;
    const res = await gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/yookassa/payments/${pspId}/pay`, {
      method: "POST",
    });
    expect(res.status).toBe(200);
    const psp = gw.t.gateway.shops.get("demo-posiflora").payment!.provider;
    const held = (await psp.get(pspId))!;
    await Promise.all([
      gw.t.gateway.payments.paymentChanged(psp.instanceId, held),
      gw.t.gateway.payments.paymentChanged(psp.instanceId, held),
    ]);
    const after = await readPaid(gw.t, created.id);
    expect(after.status).toBe("PLACED");
    expect(after.payment!.status).toBe("AUTHORIZED");
    expect(after.history.filter((h) => h.to === "PLACED")).toHaveLength(1);
  });

  it("a notification delivered twice and out of order changes nothing the first did not", async () => {
    await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/notifications", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ duplicate: true, outOfOrder: true }),
    });
    const { order } = await paidOrder("posiflora", 1);
    await moveInPosiflora(order.id, "assembled");
    await deliverNotifications(gw.t);
    await deliverNotifications(gw.t);
    const after = await readPaid(gw.t, order.id);
    expect(after.status).toBe("READY");
    expect(after.payment!.status).toBe("CAPTURED");
    expect(after.history.filter((h) => h.to === "PLACED")).toHaveLength(1);
    expect((await posifloraPayments(order.id)).filter((p) => p.amount > 0)).toHaveLength(1);
  });
});

describe("payments when a vendor fails", () => {
  const ATTENTION = `query A($shop: ID!) { ordersNeedingAttention(shopId: $shop) {
    __typename ... on QueryOrdersNeedingAttentionSuccess { data { orderId reason errorCode detail } } } }`;
  const attention = async (shop: string) =>
    (await (await gw.t.post(ATTENTION, { shop }, asService())).json()).data.ordersNeedingAttention.data as Array<{
      orderId: string;
      reason: string;
      detail: string;
    }>;

  it("a notification the order system cannot take yet is answered 503 and taken in on the PSP's next delivery", async () => {
    const c = await buyer("posiflora");
    const created = await createDelivery(gw.t, "demo-posiflora", c.headers, [line("rose-15", 1)]);
    c.ok(await c.confirm(created.id));
    const waiting = await readPaid(gw.t, created.id);
    gw.t.gateway.simulators!.posiflora.handler.faults.add({ kind: "status", status: 503, times: 20, path: "/orders" });
    await onConfirmationPage(gw.t, waiting.payment!.confirmationUrl!, "pay");
    await deliverNotifications(gw.t);
    const notifications = await (
      await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/notifications")
    ).json();
    expect(notifications.pending.length).toBeGreaterThan(0);
    expect((await readPaid(gw.t, created.id)).status).toBe("AWAITING_PAYMENT");
    gw.t.gateway.simulators!.posiflora.handler.faults.clear();
    const placed = await until(gw.t, created.id, (o) => o.status === "PLACED");
    expect(placed.payment!.status).toBe("AUTHORIZED");
    expect(placed.providerRefs.orderReference).toBeTruthy();
  });

  it("a hold that lapsed before the florist made the order ready goes to staff, and the order is not paid", async () => {
    const { order } = await paidOrder("posiflora", 1);
    await advancePsp(gw.t, 7 * 24 * 3600 + 60);
    await moveInPosiflora(order.id, "assembled");
    const ready = await readPaid(gw.t, order.id);
    expect(ready.status).toBe("READY");
    expect(ready.payment).toMatchObject({ status: "CANCELED", captured: { amount: 0 } });
    expect(ready.payment!.cancellation).toContain("expired_on_capture");
    const records = (await attention("demo-posiflora")).filter((r) => r.orderId === order.id);
    expect(records).toEqual([expect.objectContaining({ reason: "PAYMENT_CAPTURE" })]);
    expect((await posifloraPayments(order.id)).filter((p) => p.amount > 0)).toEqual([]);
  });

  it("a refund whose answer was lost is repeated with the same key: the money goes back once", async () => {
    const { c, order } = await paidOrder("bonusplus", 2);
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const before = await balance("bonusplus");
    const lost = await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/after-faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "lost", path: "/v3/refunds", times: 1 }),
    });
    expect(lost.status).toBe(200);
    const lineId = order.lines[0]!.lineId;
    const failed = await c.refund(order.id, [{ lineId, quantity: 1 }]);
    expect(failed).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
    // The money went back at the PSP; the order and the points have not moved.
    let books = await pspBooks(gw.t);
    const psp = () => books.payments.find((p) => p.metadata?.["orderId"] === order.id)!;
    expect(books.refunds.filter((r) => r.paymentId === psp().id)).toHaveLength(1);
    const between = await readPaid(gw.t, order.id);
    expect(between.status).toBe("COMPLETED");
    expect(await balance("bonusplus")).toBe(before);
    // The same refund again: the same key finds the refund made, and the points follow.
    const again = await c.refund(order.id, [{ lineId, quantity: 1 }]);
    expect(again, JSON.stringify(again)).toMatchObject({ data: { status: "PARTIALLY_REFUNDED" } });
    books = await pspBooks(gw.t);
    const legs = books.refunds.filter((r) => r.paymentId === psp().id);
    expect(legs).toHaveLength(1);
    const after = await readPaid(gw.t, order.id);
    expect(psp().refunded).toBe(after.refunded.amount);
    expect(after.payment!.refunded.amount).toBe(after.refunded.amount);
    // Another refund while that one was unfinished would have been refused; now a second one goes through.
    const rest = await c.refund(order.id);
    expect(rest).toMatchObject({ data: { status: "REFUNDED" } });
    books = await pspBooks(gw.t);
    expect(psp().refunded).toBe(psp().captured);
  });

  it("a refund left after its money leg is finished by the reconciler: the same leg, then the points", async () => {
    const { c, order } = await paidOrder("bonusplus", 2);
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const before = await balance("bonusplus");
    await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/after-faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "lost", path: "/v3/refunds", times: 1 }),
    });
    const lineId = order.lines[0]!.lineId;
    expect(await c.refund(order.id, [{ lineId, quantity: 1 }])).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(await gw.t.gateway.payments.runOnce(0)).toMatchObject({ failed: 0 });
    const after = await readPaid(gw.t, order.id);
    expect(after.status).toBe("PARTIALLY_REFUNDED");
    expect(after.history.at(-1)).toMatchObject({ cause: expect.stringContaining("reconciler") });
    const books = await pspBooks(gw.t);
    const psp = books.payments.find((p) => p.metadata?.["orderId"] === order.id)!;
    expect(books.refunds.filter((r) => r.paymentId === psp.id)).toHaveLength(1);
    expect(psp.refunded).toBe(after.refunded.amount);
    // The points leg ran: the earned points of the returned rose outweigh the spent ones given back.
    expect(await balance("bonusplus")).toBeLessThan(before);
    // A second round finishes nothing twice.
    expect(await gw.t.gateway.payments.runOnce(0)).toMatchObject({ failed: 0 });
    expect((await readPaid(gw.t, order.id)).refunded.amount).toBe(after.refunded.amount);
    expect((await pspBooks(gw.t)).refunds.filter((r) => r.paymentId === psp.id)).toHaveLength(1);
  });
});
