import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { CreateOrderDocument, type CartLineInput } from "../../generated/graphql/graphql.ts";
import type { SimPayment, SimReceipt, SimRefund } from "../../src/simulators/yookassa/state.ts";
import { asService, type TestGateway } from "./test-gateway.ts";

/** An order with its payment, as a service reads it. */
export const PAID_ORDER = `query O($id: ID!) { order(id: $id) { __typename ... on QueryOrderSuccess { data {
  id status total { amount } refunded { amount } pointsRedeemed pointsEarned contactEmail
  lines { lineId quantity }
  providerRefs { orderReference loyaltyReference }
  payment { id status amount { amount } captured { amount } refunded { amount } confirmationUrl cancellation }
  history { to cause event }
} } ... on Error { code message } } }`;

export const PAY_ORDER = `mutation P($orderId: ID!, $key: String!) { payOrder(orderId: $orderId, idempotencyKey: $key) {
  __typename ... on MutationPayOrderSuccess { data { id status payment { status confirmationUrl } } }
  ... on Error { code message } } }`;

export interface PaidOrderView {
  id: string;
  status: string;
  total: { amount: number };
  refunded: { amount: number };
  pointsRedeemed: number;
  pointsEarned: number;
  contactEmail: string | null;
  lines: Array<{ lineId: string; quantity: number }>;
  providerRefs: { orderReference: string | null; loyaltyReference: string | null };
  payment: {
    id: string;
    status: string;
    amount: { amount: number };
    captured: { amount: number };
    refunded: { amount: number };
    confirmationUrl: string | null;
    cancellation: string | null;
  } | null;
  history: Array<{ to: string; cause: string; event: string | null }>;
}

export async function readPaid(t: TestGateway, id: string): Promise<PaidOrderView> {
  const body = await (await t.post(PAID_ORDER, { id }, asService())).json();
  if (body.data?.order?.__typename !== "QueryOrderSuccess") throw new Error(JSON.stringify(body));
  return body.data.order.data;
}

/** A delivery order, as the Mini App creates it. */
export async function createDelivery(
  t: TestGateway,
  shopId: string,
  headers: Record<string, string>,
  lines: CartLineInput[],
) {
  const res = await t.run(
    CreateOrderDocument,
    {
      input: {
        shopId,
        lines,
        fulfilment: {
          kind: "DELIVERY",
          address: { city: "Москва", street: "Тверская", house: "1" },
          recipientName: "Вера",
          recipientPhone: "+79005550101",
        },
        contact: { name: "Анна", phone: "+79001234567", email: "anna@example.ru" },
      },
      key: randomUUID(),
    },
    headers,
  );
  const created = res.data?.createOrder;
  if (created?.__typename !== "MutationCreateOrderSuccess") throw new Error(JSON.stringify(res));
  return created.data;
}

/** The buyer's outcome on the PSP's confirmation page (the ЮKassa simulator's, through the demo gateway). */
export async function onConfirmationPage(t: TestGateway, confirmationUrl: string, outcome: "pay" | "decline") {
  const page = await t.gateway.yoga.fetch(confirmationUrl);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(`/checkout/`);
  const res = await t.gateway.yoga.fetch(`${confirmationUrl}/${outcome}`, { method: "POST", redirect: "manual" });
  expect(res.status).toBe(303);
}

/** The ЮKassa simulator's notifications delivered now (the demo also delivers them on its own, every 300 ms). */
export async function deliverNotifications(t: TestGateway): Promise<void> {
  const res = await t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/notifications/deliver", {
    method: "POST",
  });
  expect(res.status).toBe(200);
}

/** The ЮKassa simulator's books. */
export async function pspBooks(
  t: TestGateway,
): Promise<{ payments: SimPayment[]; refunds: SimRefund[]; receipts: SimReceipt[] }> {
  return (await t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/state")).json();
}

/** Moves the simulated clock of ЮKassa. */
export async function advancePsp(t: TestGateway, seconds: number): Promise<void> {
  const res = await t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/clock", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  expect(res.status).toBe(200);
}

/** Waits until the order's status is `status` (the demo's own deliveries may come first). */
export async function until(t: TestGateway, id: string, ok: (o: PaidOrderView) => boolean): Promise<PaidOrderView> {
  for (let i = 0; i < 100; i += 1) {
    await deliverNotifications(t);
    const order = await readPaid(t, id);
    if (ok(order)) return order;
    await new Promise((r) => setTimeout(r, 20));
  }
  const queue = await (await t.gateway.yoga.fetch("http://gateway.test/__sim/yookassa/notifications")).json();
  throw new Error(
    `order ${id}: ${JSON.stringify(await readPaid(t, id))}; notifications ${JSON.stringify(queue).slice(0, 2000)}`,
  );
}
