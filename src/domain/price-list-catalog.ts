import type {
  CatalogCategory,
  CatalogProduct,
  CatalogProductDetail,
  CatalogProvider,
  CatalogStore,
  StoreOffer,
} from "./ports/catalog.port.ts";
import type { PriceListItem, Shop } from "./shop-directory.ts";

/**
 * The shop window of a shop without an order system, read from its price list in the shops file: the
 * same `catalog` a Posiflora shop has, so the Mini App sells there too. Every store sells the whole list
 * at the listed price; nothing is counted (made to order), and the list changes only with the file.
 */
export class PriceListCatalog implements CatalogProvider {
  readonly adapter = "price-list";
  readonly instanceId: string;
  private readonly list: CatalogProduct[];
  private readonly cats: CatalogCategory[];
  private readonly details: Map<string, CatalogProductDetail>;
  private readonly storeList: CatalogStore[];

  constructor(shop: Pick<Shop, "id" | "name" | "priceList" | "priceListStores">) {
    this.instanceId = `price-list:${shop.id}`;
    const items = [...(shop.priceList ?? new Map<string, PriceListItem>()).entries()];
    const titles = [...new Set(items.map(([, item]) => item.category ?? shop.name))];
    const categoryId = (title: string) => `category-${titles.indexOf(title) + 1}`;
    this.cats = titles.map((title) => ({ id: categoryId(title), title, parentId: null }));
    this.list = items.map(([id, item]) => ({
      id,
      title: item.name,
      categoryId: categoryId(item.category ?? shop.name),
      minPrice: item.price,
      maxPrice: item.price,
      thumbnailUrl: item.photoUrl ?? null,
      updatedAt: null,
    }));
    this.details = new Map(
      items.map(([id, item]) => [
        id,
        { id, description: item.description ?? null, photoUrls: item.photoUrl ? [item.photoUrl] : [] },
      ]),
    );
    this.storeList = shop.priceListStores ?? [];
  }

  categories(): Promise<CatalogCategory[]> {
    return Promise.resolve(this.cats);
  }

  products(categoryId: string): Promise<{ products: CatalogProduct[]; revision: number | null } | null> {
    if (!this.cats.some((c) => c.id === categoryId)) return Promise.resolve(null);
    return Promise.resolve({ products: this.list.filter((p) => p.categoryId === categoryId), revision: null });
  }

  productDetail(productId: string): Promise<CatalogProductDetail | null> {
    return Promise.resolve(this.details.get(productId) ?? null);
  }

  stores(): Promise<CatalogStore[]> {
    return Promise.resolve(this.storeList);
  }

  storeOffers(storeId: string): Promise<StoreOffer[]> {
    if (!this.storeList.some((s) => s.id === storeId)) return Promise.resolve([]);
    return Promise.resolve(this.list.map((p) => ({ productId: p.id, price: p.maxPrice })));
  }

  stock(): Promise<number | null> {
    return Promise.resolve(null);
  }

  revision(): Promise<number | null> {
    return Promise.resolve(null);
  }
}
