import type { MinorUnits } from "../money.ts";

/**
 * The contract of a shop-window source (Posiflora's catalog): categories, items with prices, pickup
 * stores, what each store sells, and stock where the vendor counts it. Every method only reads, so the
 * gateway may cache and repeat any of them.
 */
export interface CatalogProvider extends CatalogAdapter {
  /** The id of the module that built it, as the shops file names the adapter. */
  readonly adapter: string;
}

/** What a catalog adapter class implements; its module supplies the id. */
export interface CatalogAdapter {
  readonly instanceId: string;

  /** @example await catalog.categories() // [{ id: "cat-roses", title: "Розы", parentId: null }] */
  categories(): Promise<CatalogCategory[]>;

  /** Every public item of one category, all pages read. Null when the vendor does not know the category. */
  products(categoryId: string): Promise<{ products: CatalogProduct[]; revision: number | null } | null>;

  /** One item with its description and every photo; null when it is unknown or not public. */
  productDetail(productId: string): Promise<CatalogProductDetail | null>;

  /** Pickup points. */
  stores(): Promise<CatalogStore[]>;

  /** What one store sells now, with that store's price. */
  storeOffers(storeId: string): Promise<StoreOffer[]>;

  /**
   * Pieces left at a store, or null when the store does not count this item (made to order).
   * @example await catalog.stock("f1…01", "store-1") // 2
   */
  stock(productId: string, storeId: string): Promise<number | null>;

  /** A cheap probe of the catalog's revision, for change detection; null when the vendor reports none. */
  revision(): Promise<number | null>;
}

export interface CatalogCategory {
  id: string;
  title: string;
  parentId: string | null;
}

export interface CatalogProduct {
  id: string;
  title: string;
  categoryId: string;
  /** The lowest and highest price across stores, in minor units. */
  minPrice: MinorUnits;
  maxPrice: MinorUnits;
  /** Photo ids or URLs as the vendor gives them; the adapter turns them into URLs. */
  thumbnailUrl: string | null;
  updatedAt: string | null;
}

export interface CatalogProductDetail {
  id: string;
  description: string | null;
  photoUrls: string[];
}

export interface CatalogStore {
  id: string;
  title: string;
  city: string | null;
  address: string | null;
  /** Opening hours; Posiflora's store resource has none, so null there. */
  hours: string | null;
}

export interface StoreOffer {
  productId: string;
  price: MinorUnits;
}
