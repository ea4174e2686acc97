import { describe, expect, it } from "vitest";
import { PriceListCatalog } from "./price-list-catalog.ts";

const shop = {
  id: "cafe",
  name: "Кофейня",
  priceList: new Map([
    ["rose", { name: "Роза", price: 100_000, category: "Розы", photoUrl: "/img/rose.svg", description: "Одна роза" }],
    ["tulip", { name: "Тюльпан", price: 10_000, category: "Тюльпаны" }],
    ["rose-5", { name: "Пять роз", price: 450_000, category: "Розы" }],
    ["card", { name: "Открытка", price: 15_000 }],
  ]),
  priceListStores: [{ id: "s1", title: "На Садовой", city: "Москва", address: "Садовая, 1", hours: null }],
};

describe("the shop window of a price list", () => {
  it("lists the categories in the list's order, an item without one under the shop's name", async () => {
    const c = new PriceListCatalog(shop);
    const categories = await c.categories();
    expect(categories.map((x) => x.title)).toEqual(["Розы", "Тюльпаны", "Кофейня"]);
    const roses = await c.products(categories[0]!.id);
    expect(roses?.products.map((p) => [p.id, p.title, p.maxPrice, p.thumbnailUrl])).toEqual([
      ["rose", "Роза", 100_000, "/img/rose.svg"],
      ["rose-5", "Пять роз", 450_000, null],
    ]);
    expect((await c.products(categories[2]!.id))?.products.map((p) => p.id)).toEqual(["card"]);
    expect(await c.products("no-such-category")).toBeNull();
  });

  it("gives the description and photo, sells the whole list at every configured store, counts nothing", async () => {
    const c = new PriceListCatalog(shop);
    expect(await c.productDetail("rose")).toEqual({
      id: "rose",
      description: "Одна роза",
      photoUrls: ["/img/rose.svg"],
    });
    expect(await c.productDetail("tulip")).toEqual({ id: "tulip", description: null, photoUrls: [] });
    expect(await c.productDetail("nothing")).toBeNull();
    expect((await c.stores()).map((s) => s.id)).toEqual(["s1"]);
    expect((await c.storeOffers("s1")).find((o) => o.productId === "tulip")?.price).toBe(10_000);
    expect(await c.storeOffers("s1")).toHaveLength(shop.priceList.size);
    expect(await c.storeOffers("elsewhere")).toEqual([]);
    expect(await c.stock()).toBeNull();
    expect(c.instanceId).toBe("price-list:cafe");
  });
});
