import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CustomerByPhoneDocument, OrderByIdDocument } from "../../generated/graphql/graphql.ts";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway({
  API_KEYS: JSON.stringify([
    { name: "writer", key: "writer-key-0000000000", scopes: ["orders:write"] },
    { name: "reader", key: "reader-key-0000000000", scopes: ["orders:read"] },
    { name: "bot", key: "linker-key-0000000000", scopes: ["customers:link"] },
  ]),
});

/** The viewer's orders in the shop, as the gateway lists them. */
async function myOrderCount(shopId: string, headers: Record<string, string>): Promise<number> {
  const res = await (
    await gw.t.post(
      `query M($s: ID!) { myOrders(shopId: $s, first: 50) { ... on QueryMyOrdersSuccess { data { edges { node { id } } } } } }`,
      { s: shopId },
      headers,
    )
  ).json();
  return res.data.myOrders.data.edges.length;
}

async function balance(shopId: string, phone: string): Promise<number> {
  const res = (await gw.t.run(CustomerByPhoneDocument, { shopId, phone }, asService())).data?.customer;
  const account = res && "data" in res ? res.data.loyalty[0] : undefined;
  if (account?.__typename !== "LoyaltyAccount") throw new Error(JSON.stringify(res));
  return account.balance;
}

describe("no points without a trusted price and a real sale", () => {
  it.each(["demo-integrations", "demo-loyalclient", "demo-rkeeper"])(
    "%s prices carts from its price list: a self-priced line is PRICE_CHANGED and nothing is created",
    async (shopId) => {
      const c = await miniAppCustomer(
        gw.t,
        shopId,
        "+79001234567",
        shopId === "demo-integrations" ? "qr-anna-501" : undefined,
      );
      const before = await myOrderCount(shopId, c.headers);
      const forged = { ...line("rose-15", 10_000), unitPrice: { amount: 99_999_900, currency: "RUB" } };
      const res = await c.create([forged]);
      expect(res).toMatchObject({
        __typename: "PriceChangedError",
        code: "PRICE_CHANGED",
        currentPrice: { amount: 350_000 },
      });
      const unknown = await c.create([
        { productId: "not-sold-here", quantity: 1, unitPrice: { amount: 100, currency: "RUB" } },
      ]);
      expect(unknown).toMatchObject({ __typename: "CatalogError", code: "UNKNOWN_PRODUCT" });
      expect(await myOrderCount(shopId, c.headers)).toBe(before);
      expect(before).toBe(0);
    },
  );

  it("a line with no price at all is priced by the list", async () => {
    const c = await miniAppCustomer(gw.t, "demo-loyalclient", "+79001234567");
    const created = c.ok(await c.create([{ productId: demoItemId("rose-15"), quantity: 2 }]));
    expect(created.subtotal.amount).toBe(700_000);
  });

  it.each([
    { shopId: "demo-loyalclient", adapter: "loyalclient" as const, phone: "+79001234567", qr: undefined },
    { shopId: "demo-integrations", adapter: "integrations" as const, phone: "+79001234567", qr: "qr-anna-501" },
  ])(
    "$shopId: a Mini App user's confirmation records no sale at the vendor; the shop's completion does",
    async ({ shopId, adapter, phone, qr }) => {
      const c = await miniAppCustomer(gw.t, shopId, phone, qr);
      const order = c.ok(await c.create([line("rose-15", 1)]));
      // The vendor's books name the order only once a sale is recorded for it.
      const sales = () =>
        (
          JSON.stringify(gw.t.gateway.simulators![adapter].handler.state.snapshot()).match(new RegExp(order.id, "g")) ??
          []
        ).length;
      const placed = c.ok(await c.confirm(order.id));
      expect(placed).toMatchObject({ status: "PLACED", pointsRedeemed: 0 });
      expect(placed.providerRefs.loyaltyReference).toBeNull();
      expect(sales()).toBe(0);
      const done = await c.complete(order.id);
      expect(done).toMatchObject({ __typename: "MutationCompleteOrderSuccess", data: { status: "COMPLETED" } });
      expect(done.data.providerRefs.loyaltyReference).toBeTruthy();
      if (adapter === "integrations") expect(sales()).toBeGreaterThan(0);
    },
  );
});

describe("ledger holds reserve against the balance", () => {
  it("a second open order cannot hold points the first one holds (Posiflora keeps holds in the gateway)", async () => {
    const shopId = "demo-posiflora";
    const phone = "+79007654321";
    const c = await miniAppCustomer(gw.t, shopId, phone);
    const all = await balance(shopId, phone);
    expect(all).toBeGreaterThan(0);
    const first = c.ok(await c.create([line("rose-15", 1)]));
    const second = c.ok(await c.create([line("rose-15", 1)]));
    const held = c.ok(await c.apply(first.id, Math.min(all, first.maxRedeemablePoints)));
    expect(held.pointsHeld).toBeGreaterThan(0);
    const refused = await c.apply(second.id, held.pointsHeld);
    expect(refused).toMatchObject({ __typename: "LoyaltyRuleError", code: "INSUFFICIENT_BONUSES" });
    const after = await gw.t.run(OrderByIdDocument, { id: second.id }, c.headers);
    expect(after.data?.order).toMatchObject({ data: { status: "CALCULATED", pointsHeld: 0 } });
    // Released, the points are there for the second order.
    c.ok(await c.cancel(first.id));
    expect(c.ok(await c.apply(second.id, held.pointsHeld)).pointsHeld).toBe(held.pointsHeld);
  });
});

describe("who reads a balance", () => {
  it("a key that may only link a phone reads no balance through the link mutation", async () => {
    const res = await (
      await gw.t.post(
        `mutation L($i: LinkTelegramUserInput!) {
          linkTelegramUser(input: $i) { ... on MutationLinkTelegramUserSuccess { data { id loyalty { ... on LoyaltyAccount { balance } } } } }
        }`,
        { i: { shopId: "demo-bonusplus", phone: "+79001234567", telegramUserId: "555000111" } },
        asService("linker-key-0000000000"),
      )
    ).json();
    expect(JSON.stringify(res.data ?? {})).not.toContain("balance");
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("who reads an order", () => {
  it("a key with orders:write acts on orders but reads none; orders:read reads any", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    const asWriter = await gw.t.run(OrderByIdDocument, { id: order.id }, asService("writer-key-0000000000"));
    expect(asWriter.data?.order).toMatchObject({ __typename: "NotFoundError" });
    const asReader = await gw.t.run(OrderByIdDocument, { id: order.id }, asService("reader-key-0000000000"));
    expect(asReader.data?.order).toMatchObject({ __typename: "QueryOrderSuccess" });
  });

  it("a phone re-linked to another Telegram user does not hand over the previous user's orders", async () => {
    const phone = "+79007654321";
    const first = await miniAppCustomer(gw.t, "demo-bonusplus", phone);
    const mine = first.ok(await first.create([line("rose-15", 1)]));
    const second = await miniAppCustomer(gw.t, "demo-bonusplus", phone);
    const read = await gw.t.run(OrderByIdDocument, { id: mine.id }, second.headers);
    expect(read.data?.order).toMatchObject({ __typename: "NotFoundError" });
    const list = await (
      await gw.t.post(
        `{ myOrders(shopId: "demo-bonusplus", first: 50) { ... on QueryMyOrdersSuccess { data { edges { node { id } } } } } }`,
        {},
        second.headers,
      )
    ).json();
    const ids = list.data.myOrders.data.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids).not.toContain(mine.id);
  });

  it("an order a service placed for the linked phone is listed and readable by its owner", async () => {
    const phone = "+79001234567";
    const owner = await miniAppCustomer(gw.t, "demo-bonusplus", phone);
    const placed = await (
      await gw.t.post(
        `mutation C($i: CreateOrderInput!, $k: String!) { createOrder(input: $i, idempotencyKey: $k) { ... on MutationCreateOrderSuccess { data { id } } } }`,
        {
          i: {
            shopId: "demo-bonusplus",
            phone,
            lines: [{ productId: demoItemId("rose-15"), quantity: 1 }],
            fulfilment: { kind: "PICKUP", storeId: "store-1" },
            contact: { name: "Анна" },
          },
          k: randomUUID(),
        },
        asService(),
      )
    ).json();
    const id = placed.data.createOrder.data.id as string;
    const read = await gw.t.run(OrderByIdDocument, { id }, owner.headers);
    expect(read.data?.order).toMatchObject({ __typename: "QueryOrderSuccess", data: { id } });
  });
});
