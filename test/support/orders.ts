import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import {
  ApplyBonusesDocument,
  CancelOrderDocument,
  ConfirmOrderDocument,
  CreateOrderDocument,
  type CreateOrderInput,
  type CartLineInput,
  UpdateOrderItemsDocument,
} from "../../generated/graphql/graphql.ts";
import { DEMO_ITEMS, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { tmaHeader } from "./init-data.ts";
import { COMPLETE_ORDER, REFUND } from "./staff-operations.ts";
import { asService, type TestGateway } from "./test-gateway.ts";

/**
 * A cart line. A slug of the demo catalog (`rose-15`) becomes its product id, priced as the catalog
 * prices it unless `rubles` says otherwise; any other id is sent as is, at `rubles`.
 */
export const line = (slug: string, quantity: number, rubles?: number, name?: string): CartLineInput => {
  const seed = DEMO_ITEMS.find((i) => i.slug === slug);
  const amount = rubles !== undefined ? rubles * 100 : seed?.price;
  if (amount === undefined) throw new Error(`line(${slug}): not a demo item, so give a price`);
  return {
    productId: seed ? demoItemId(slug) : slug,
    quantity,
    name: name ?? seed?.title ?? slug,
    unitPrice: { amount, currency: "RUB" },
  };
};

export const pickup = (shopId: string, lines: CartLineInput[]): CreateOrderInput => ({
  shopId,
  lines,
  fulfilment: { kind: "PICKUP", storeId: "store-1" },
  contact: { name: "Анна", phone: "+79001234567" },
  comment: "к 18:00",
});

let nextUser = 700_000;

/** A Mini App user linked to `phone` in `shopId`, and typed helpers for the order mutations. */
export async function miniAppCustomer(t: TestGateway, shopId: string, phone: string, qrToken?: string) {
  const userId = nextUser++;
  const me = tmaHeader(userId);
  const linked = await (
    await t.post(
      `mutation L($i: LinkTelegramUserInput!) { linkTelegramUser(input: $i) { __typename } }`,
      { i: { shopId, phone, telegramUserId: String(userId) } },
      asService(),
    )
  ).json();
  expect(linked.data.linkTelegramUser.__typename).toBe("MutationLinkTelegramUserSuccess");
  if (qrToken) {
    const found = await (
      await t.post(
        `query Q($s: ID!, $t: String!) { customerByQrToken(shopId: $s, token: $t) { __typename } }`,
        { s: shopId, t: qrToken },
        asService(),
      )
    ).json();
    expect(found.data.customerByQrToken.__typename).toBe("QueryCustomerByQrTokenSuccess");
  }
  const ok = <T extends { __typename: string }>(r: T | undefined) => {
    if (!r || !r.__typename.endsWith("Success")) throw new Error(`expected success, got ${JSON.stringify(r)}`);
    return (r as unknown as { data: OrderView }).data;
  };
  return {
    headers: me,
    create: (lines: CartLineInput[], key = randomUUID()) =>
      t.run(CreateOrderDocument, { input: pickup(shopId, lines), key }, me).then((r) => r.data?.createOrder),
    apply: (orderId: string, points: number, key = randomUUID()) =>
      t.run(ApplyBonusesDocument, { orderId, points, key }, me).then((r) => r.data?.applyBonuses),
    confirm: (orderId: string, key = randomUUID()) =>
      t.run(ConfirmOrderDocument, { orderId, key }, me).then((r) => r.data?.confirmOrder),
    update: (orderId: string, lines: CartLineInput[], key = randomUUID()) =>
      t.run(UpdateOrderItemsDocument, { orderId, lines, key }, me).then((r) => r.data?.updateOrderItems),
    cancel: (orderId: string, reason = "передумал", key = randomUUID()) =>
      t.run(CancelOrderDocument, { orderId, reason, key }, me).then((r) => r.data?.cancelOrder),
    complete: (orderId: string) =>
      t
        .post(COMPLETE_ORDER, { orderId, key: randomUUID() }, asService())
        .then((r) => r.json())
        .then((b) => b.data.completeOrder),
    refund: (orderId: string, lines?: Array<{ lineId: string; quantity: number }>) =>
      t
        .post(REFUND, { orderId, lines: lines ?? null, key: randomUUID() }, asService())
        .then((r) => r.json())
        .then((b) => b.data.refund),
    ok,
  };
}

export type OrderView = {
  id: string;
  status: string;
  pointsHeld: number;
  pointsRedeemed: number;
  pointsEarned: number;
  redeemPoints: number;
  maxRedeemablePoints: number;
  total: { amount: number };
  subtotal: { amount: number };
  lines: unknown[];
  history: Array<{ to: string; cause: string }>;
  providerRefs: { loyaltyReference: string | null; orderReference: string | null; holdId: string | null };
};
