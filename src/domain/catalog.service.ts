import type { Freshness, ReadThroughCache } from "./ports/cache.port.ts";
import type { ProductExport } from "./ports/loyalty-provider.port.ts";
import type {
  CatalogCategory,
  CatalogProduct,
  CatalogProductDetail,
  CatalogProvider,
  CatalogStore,
} from "./ports/catalog.port.ts";
import { InvalidInputError, NotFoundError, ProviderError } from "./errors.ts";
import { PriceListCatalog } from "./price-list-catalog.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";

export interface CatalogFreshness {
  catalog: Freshness;
  stock: Freshness;
}

export interface StoreAvailability {
  store: CatalogStore;
  price: number;
}

/**
 * The shop window, read from the shop's order system through a shared TTL + stale-while-revalidate
 * cache: one vendor call feeds every Mini App user until the entry goes stale or is invalidated.
 * Within one request each resource is read once (the scope's memo).
 */
export class CatalogService {
  private readonly priceLists = new Map<string, PriceListCatalog>();

  constructor(
    private readonly shops: ShopDirectory,
    private readonly cache: ReadThroughCache,
    private readonly freshness: CatalogFreshness,
  ) {}

  shop(shopId: string): Shop {
    return this.shops.get(shopId);
  }

  /**
   * The shop's catalog source: its order system's, else its price list's; UNSUPPORTED_BY_PROVIDER for a
   * shop with neither.
   */
  source(shop: Shop): CatalogProvider {
    if (shop.catalog) return shop.catalog;
    if (shop.priceList) {
      let list = this.priceLists.get(shop.id);
      if (!list) this.priceLists.set(shop.id, (list = new PriceListCatalog(shop)));
      return list;
    }
    throw new ProviderError(
      "UNSUPPORTED_BY_PROVIDER",
      `shop ${shop.id} has no catalog (no order system with one, no price list)`,
      shop.id,
    );
  }

  categories(scope: RequestScope, shop: Shop): Promise<CatalogCategory[]> {
    const c = this.source(shop);
    return this.read(scope, c, "categories", this.freshness.catalog, () => c.categories());
  }

  async products(scope: RequestScope, shop: Shop, categoryId: string): Promise<CatalogProduct[]> {
    const c = this.source(shop);
    const found = await this.read(
      scope,
      c,
      `products:${categoryId}`,
      this.freshness.catalog,
      async () => (await c.products(categoryId))?.products ?? null,
    );
    if (!found) throw new NotFoundError("NOT_FOUND", `category ${categoryId} not found`);
    return found;
  }

  /** Every product of every category, by id. */
  async index(scope: RequestScope, shop: Shop): Promise<Map<string, CatalogProduct>> {
    const lists = await Promise.all(
      (await this.categories(scope, shop)).map((cat) =>
        this.products(scope, shop, cat.id).catch((error: unknown) => {
          // A category removed between the two reads has no products; any other failure is the caller's.
          if (error instanceof NotFoundError) return [];
          throw error;
        }),
      ),
    );
    return new Map(lists.flat().map((p) => [p.id, p]));
  }

  async product(scope: RequestScope, shop: Shop, productId: string): Promise<CatalogProduct | null> {
    return (await this.index(scope, shop)).get(productId) ?? null;
  }

  detail(scope: RequestScope, shop: Shop, productId: string): Promise<CatalogProductDetail | null> {
    const c = this.source(shop);
    return this.read(scope, c, `detail:${productId}`, this.freshness.catalog, () => c.productDetail(productId));
  }

  stores(scope: RequestScope, shop: Shop): Promise<CatalogStore[]> {
    const c = this.source(shop);
    return this.read(scope, c, "stores", this.freshness.catalog, () => c.stores());
  }

  async store(scope: RequestScope, shop: Shop, storeId: string, path = "storeId"): Promise<CatalogStore> {
    const store = (await this.stores(scope, shop)).find((s) => s.id === storeId);
    if (!store)
      throw new InvalidInputError(`shop ${shop.id} has no store "${storeId}"`, [{ path, message: "no such store" }]);
    return store;
  }

  /** What a store sells, product id → that store's price. */
  async offers(scope: RequestScope, shop: Shop, storeId: string): Promise<Map<string, number>> {
    const c = this.source(shop);
    const list = await this.read(scope, c, `offers:${storeId}`, this.freshness.catalog, () => c.storeOffers(storeId));
    return new Map(list.map((o) => [o.productId, o.price]));
  }

  /** The stores that sell a product, with their price. */
  async availability(scope: RequestScope, shop: Shop, productId: string): Promise<StoreAvailability[]> {
    const stores = await this.stores(scope, shop);
    const offers = await Promise.all(stores.map((s) => this.offers(scope, shop, s.id)));
    return stores.flatMap((store, i) => {
      const price = offers[i]!.get(productId);
      return price === undefined ? [] : [{ store, price }];
    });
  }

  /** Pieces left at a store (null: not counted). `live` skips the cache, for orders. */
  stock(scope: RequestScope, shop: Shop, productId: string, storeId: string, live = false): Promise<number | null> {
    const c = this.source(shop);
    if (live) return c.stock(productId, storeId);
    return this.read(scope, c, `stock:${productId}:${storeId}`, this.freshness.stock, () =>
      c.stock(productId, storeId),
    );
  }

  /** The whole catalog read now, past the cache, as products to export (name, category title, price). */
  async liveProducts(shop: Shop): Promise<ProductExport[]> {
    const c = this.source(shop);
    const categories = await c.categories();
    const titles = new Map(categories.map((cat) => [cat.id, cat.title]));
    const lists = await Promise.all(categories.map(async (cat) => (await c.products(cat.id))?.products ?? []));
    const byId = new Map(lists.flat().map((p) => [p.id, p]));
    return [...byId.values()].map((p) => ({
      id: p.id,
      name: p.title,
      category: titles.get(p.categoryId) ?? null,
      price: p.maxPrice,
    }));
  }

  /** Every distinct shop window the configured shops read from. */
  sources(): CatalogProvider[] {
    return [
      ...new Map(
        this.shops.shops.flatMap((s) => (s.catalog ? [[s.catalog.instanceId, s.catalog] as const] : [])),
      ).values(),
    ];
  }

  /** Drops everything cached for these shop windows, on every instance sharing the cache; returns their ids. */
  async invalidate(match: (source: CatalogProvider) => boolean): Promise<string[]> {
    const hit = this.sources().filter(match);
    await Promise.all(hit.map((c) => this.cache.invalidate(`catalog:${c.instanceId}`)));
    return hit.map((c) => c.instanceId);
  }

  private read<T>(
    scope: RequestScope,
    c: CatalogProvider,
    key: string,
    freshness: Freshness,
    load: () => Promise<T>,
  ): Promise<T> {
    const memoKey = `catalog:${c.instanceId}:${key}`;
    let hit = scope.memo.get(memoKey) as Promise<T> | undefined;
    if (!hit) {
      hit = this.cache.get(`catalog:${c.instanceId}`, key, freshness, load);
      scope.memo.set(memoKey, hit);
    }
    return hit;
  }
}
