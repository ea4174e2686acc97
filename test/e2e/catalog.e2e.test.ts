import { randomUUID } from "node:crypto";
import { sendWebhook } from "../support/webhooks.ts";
import { describe, expect, it } from "vitest";
import {
  CalculateCartDocument,
  CatalogDocument,
  CreateOrderDocument,
  ProductDocument,
  StoresDocument,
} from "../../generated/graphql/graphql.ts";
import { DEMO_CATEGORIES, DEMO_ITEMS, DEMO_STORES, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { count } from "../support/db.ts";
import { miniAppCustomer, pickup } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const SHOP = "demo-posiflora";
const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0" });
const posiflora = () => gw.t.gateway.simulators!.posiflora.handler;
const catalogCalls = () =>
  posiflora().requests.entries.filter(
    (e) =>
      e.path.startsWith("/api/v1/catalog") ||
      e.path.startsWith("/api/v1/stores") ||
      e.path === "/api/v1/inventory-items",
  ).length;
const seed = (slug: string) => DEMO_ITEMS.find((i) => i.slug === slug)!;

async function simControl(path: string, body: object) {
  const res = await posiflora()(
    new Request(`http://posiflora.sim/__sim${path}`, { method: "POST", body: JSON.stringify(body) }),
  );
  expect(res.status).toBe(200);
}

describe("catalog, products and stores from Posiflora", () => {
  it("lists categories with paged products, and the stores", async () => {
    const res = await gw.t.run(CatalogDocument, { shopId: SHOP, first: 4 });
    if (res.data?.catalog.__typename !== "QueryCatalogSuccess") throw new Error(JSON.stringify(res));
    const cats = res.data.catalog.data.categories;
    expect(cats.map((c) => c.title)).toEqual(["Розы", "Авторские букеты", "Тюльпаны и сезонные", "Дополнения"]);
    expect(cats.reduce((a, c) => a + c.products.totalCount, 0)).toBe(DEMO_ITEMS.length);
    const roses = cats[0]!.products;
    expect(roses.edges).toHaveLength(4);
    expect(roses.edges[1]!.node).toMatchObject({
      id: demoItemId("rose-15"),
      name: "Букет из 15 роз",
      price: { amount: 350_000, currency: "RUB" },
    });
    expect(roses.edges[1]!.node.thumbnailUrl).toMatch(/^\/__sim\/posiflora\/images\/.+\.svg$/);

    const next = await gw.t.run(CatalogDocument, { shopId: SHOP, first: 4, after: roses.pageInfo.endCursor });
    if (next.data?.catalog.__typename !== "QueryCatalogSuccess") throw new Error(JSON.stringify(next));
    expect(next.data.catalog.data.categories[0]!.products.edges[0]!.node.id).toBe(demoItemId("rose-101"));

    const stores = await gw.t.run(StoresDocument, { shopId: SHOP });
    expect(stores.data?.stores).toMatchObject({
      __typename: "QueryStoresSuccess",
      data: [{ id: "store-1", city: "Москва", hours: null }, { id: "store-2" }],
    });
  });

  it("lists a store's own range and prices", async () => {
    const res = await gw.t.run(CatalogDocument, { shopId: SHOP, storeId: "store-1", first: 100 });
    if (res.data?.catalog.__typename !== "QueryCatalogSuccess") throw new Error(JSON.stringify(res));
    const ids = res.data.catalog.data.categories.flatMap((c) => c.products.edges.map((e) => e.node.id));
    expect(ids).not.toContain(demoItemId("rose-101"));
    expect(ids).toHaveLength(DEMO_ITEMS.filter((i) => i.stock["store-1"] !== undefined).length);
    const park = await gw.t.run(ProductDocument, { shopId: SHOP, id: demoItemId("rose-51"), storeId: "store-2" });
    expect(park.data?.product).toMatchObject({ data: { price: { amount: 990_000 } } });
  });

  it("shows one product with its description, photos, and price and stock per store", async () => {
    const res = await gw.t.run(ProductDocument, { shopId: SHOP, id: demoItemId("author-tender") });
    if (res.data?.product.__typename !== "QueryProductSuccess") throw new Error(JSON.stringify(res));
    const p = res.data.product.data;
    expect(p.photoUrls).toHaveLength(2);
    expect(p.availability.map((a) => [a.store.id, a.price.amount, a.inStock])).toEqual([
      ["store-1", 320_000, 3],
      ["store-2", 320_000, 1],
    ]);
    const missing = await gw.t.run(ProductDocument, { shopId: SHOP, id: "no-such-product" });
    expect(missing.data?.product).toMatchObject({ __typename: "NotFoundError", code: "NOT_FOUND" });
  });

  it("serves a shop without an order system its price list as the catalog, at the shops file's stores", async () => {
    const stores = await gw.t.run(StoresDocument, { shopId: "demo-rkeeper" });
    if (stores.data?.stores.__typename !== "QueryStoresSuccess") throw new Error(JSON.stringify(stores));
    expect(stores.data.stores.data.map((s) => s.id)).toEqual(DEMO_STORES.map((s) => s.id));
    const res = await gw.t.run(CatalogDocument, { shopId: "demo-rkeeper", storeId: "store-1", first: 100 });
    if (res.data?.catalog.__typename !== "QueryCatalogSuccess") throw new Error(JSON.stringify(res));
    const categories = res.data.catalog.data.categories;
    expect(categories.map((c) => c.title)).toEqual([...DEMO_CATEGORIES.map((c) => c.title), "Кофейня"]);
    const roses = categories[0]!.products.edges.map((e) => e.node);
    const rose15 = DEMO_ITEMS.find((i) => i.slug === "rose-15")!;
    expect(roses.find((p) => p.id === demoItemId("rose-15"))).toMatchObject({
      name: rose15.title,
      price: { amount: rose15.price },
    });
    // Integrations takes whole rubles only: its list leaves out the item priced with kopecks.
    const whole = await gw.t.run(CatalogDocument, { shopId: "demo-integrations", first: 100 });
    if (whole.data?.catalog.__typename !== "QueryCatalogSuccess") throw new Error(JSON.stringify(whole));
    const ids = whole.data.catalog.data.categories.flatMap((c) => c.products.edges.map((e) => e.node.id));
    const kopecks = DEMO_ITEMS.filter((i) => i.price % 100 !== 0);
    expect(kopecks.length).toBeGreaterThan(0);
    for (const item of kopecks) expect(ids).not.toContain(demoItemId(item.slug));
    expect(ids).toContain(demoItemId("rose-15"));
  });

  it("feeds 100 concurrent catalog queries from one Posiflora call per resource, and a warm cache from none", async () => {
    await gw.t.gateway.catalogWatch.runOnce(); // the probe's own calls come before the count
    await gw.t.gateway.cache.invalidate("catalog:demo-posiflora-orders");
    posiflora().requests.clear();
    const query = { shopId: SHOP, first: 20 };
    const cold = await Promise.all(Array.from({ length: 100 }, () => gw.t.run(CatalogDocument, query)));
    expect(cold.every((r) => r.data?.catalog.__typename === "QueryCatalogSuccess")).toBe(true);
    const coldCalls = catalogCalls();
    // One call for the categories and one per category's products; nothing repeated across the 100.
    expect(posiflora().requests.count("GET", "/api/v1/catalog/categories")).toBe(1);
    expect(posiflora().requests.count("GET", "/api/v1/catalog/cat-roses")).toBe(1);
    expect(coldCalls).toBe(1 + 4);
    posiflora().requests.clear();
    await Promise.all(Array.from({ length: 100 }, () => gw.t.run(CatalogDocument, query)));
    expect(catalogCalls()).toBe(0);
    console.log(
      `[figures] 100 concurrent catalog queries: cold ${coldCalls} Posiflora calls (categories + 4 categories), warm 0`,
    );
  });

  it("feeds 100 concurrent queries of one category from exactly one Posiflora call", async () => {
    await gw.t.gateway.cache.invalidate("catalog:demo-posiflora-orders");
    posiflora().requests.clear();
    const query = `{ catalog(shopId: "${SHOP}") { ... on QueryCatalogSuccess { data { products(categoryId: "cat-spring", first: 5) { totalCount } } } } }`;
    const answers = await Promise.all(Array.from({ length: 100 }, async () => (await gw.t.post(query)).json()));
    expect(new Set(answers.map((a) => a.data.catalog.data.products.totalCount))).toEqual(
      new Set([DEMO_ITEMS.filter((i) => i.category === "cat-spring").length]),
    );
    expect(catalogCalls()).toBe(1);
  });

  it("drops the cached catalog on a signed catalog.changed webhook, and when the probe sees a new revision", async () => {
    const price = async () => (await gw.t.run(ProductDocument, { shopId: SHOP, id: demoItemId("lily") })).data?.product;
    expect(await price()).toMatchObject({ data: { price: { amount: seed("lily").price } } });
    await simControl(`/catalog/items/${demoItemId("lily")}`, { price: 345_000 });
    expect(await price()).toMatchObject({ data: { price: { amount: seed("lily").price } } }); // still cached

    const hook = await sendWebhook(gw.t, "posiflora", { id: randomUUID(), type: "catalog.changed" });
    expect(await hook.json()).toMatchObject({
      accepted: true,
      invalidated: expect.arrayContaining(["demo-posiflora-orders"]),
    });
    expect(await price()).toMatchObject({ data: { price: { amount: 345_000 } } });

    await gw.t.gateway.catalogWatch.runOnce(); // the probe's baseline
    expect(await price()).toMatchObject({ data: { price: { amount: 345_000 } } });
    await simControl(`/catalog/items/${demoItemId("lily")}`, { price: 355_000 });
    expect(await price()).toMatchObject({ data: { price: { amount: 345_000 } } });
    expect(await gw.t.gateway.catalogWatch.runOnce()).toContain("demo-posiflora-orders");
    expect(await price()).toMatchObject({ data: { price: { amount: 355_000 } } });
  });
});

describe("carts from catalog ids", () => {
  const calc = (lines: object[], storeId?: string) =>
    gw.t.run(
      CalculateCartDocument,
      { input: { shopId: SHOP, phone: "+79001234567", storeId: storeId ?? null, lines } as never },
      asService(),
    );

  it("prices product ids alone from the catalog, at the store's price", async () => {
    const res = await calc(
      [
        { productId: demoItemId("rose-51"), quantity: 1 },
        { productId: demoItemId("card"), quantity: 2 },
      ],
      "store-2",
    );
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "QueryLoyaltyCalculationSuccess",
      data: { subtotal: { amount: 990_000 + 2 * 15_000 } },
    });
  });

  it("refuses a lower (or any other) price with PRICE_CHANGED and the current price", async () => {
    const res = await calc([
      { productId: demoItemId("card"), quantity: 1 },
      { productId: demoItemId("rose-15"), quantity: 1, unitPrice: { amount: 100, currency: "RUB" } },
    ]);
    expect(res.data?.loyaltyCalculation).toMatchObject({
      __typename: "PriceChangedError",
      code: "PRICE_CHANGED",
      lineIndex: 1,
      productId: demoItemId("rose-15"),
      currentPrice: { amount: 350_000, currency: "RUB" },
    });
  });

  it("refuses unknown products and products the store does not sell", async () => {
    expect((await calc([{ productId: "no-such", quantity: 1 }])).data?.loyaltyCalculation).toMatchObject({
      __typename: "CatalogError",
      code: "UNKNOWN_PRODUCT",
      lineIndex: 0,
    });
    expect(
      (await calc([{ productId: demoItemId("rose-101"), quantity: 1 }], "store-1")).data?.loyaltyCalculation,
    ).toMatchObject({ __typename: "CatalogError", code: "NOT_SOLD_AT_STORE", storeId: "store-1" });
  });

  it("orders a cart of ids end to end at catalog prices, and refuses more than the store has without creating anything", async () => {
    const c = await miniAppCustomer(gw.t, SHOP, "+79001234567");
    const ids = [
      { productId: demoItemId("rose-15"), quantity: 1 },
      { productId: demoItemId("rose-bush"), quantity: 2 },
    ];
    const order = c.ok(await c.create(ids as never));
    expect(order.subtotal.amount).toBe(350_000 + 2 * 480_000);
    const placed = c.ok(await c.confirm(order.id));
    expect(placed.status).toBe("PLACED");
    const atVendor = posiflora()
      .state.snapshot()
      .orders.find((o) => o.id === order.id)!;
    expect(atVendor.totalAmount).toBe(350_000 + 2 * 480_000);

    const before = await count(gw.t.databaseUrl, "Order");
    const vendorOrders = posiflora().state.snapshot().orders.length;
    // The first order took both counted pieces off store-1's showcase.
    const over = await gw.t.run(
      CreateOrderDocument,
      { input: pickup(SHOP, [{ productId: demoItemId("rose-bush"), quantity: 1 }] as never), key: randomUUID() },
      c.headers,
    );
    expect(over.data?.createOrder).toMatchObject({
      __typename: "CatalogError",
      code: "INSUFFICIENT_STOCK",
      available: 0,
      storeId: "store-1",
    });
    expect(await count(gw.t.databaseUrl, "Order")).toBe(before);
    expect(posiflora().state.snapshot().orders.length).toBe(vendorOrders);
  });
});
