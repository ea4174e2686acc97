import { DEMO_CATEGORIES, DEMO_ITEMS, DEMO_STORES, seedItemId } from "./catalog-seed.ts";

export interface CatalogItem {
  id: string;
  title: string;
  categoryId: string;
  description: string | null;
  /** Kopecks; a store may have its own price. */
  price: number;
  storePrice: Record<string, number>;
  /** By store: pieces left, `null` when not counted, no key when the store does not sell it. */
  stock: Record<string, number | null>;
  public: boolean;
  images: string[];
  revision: number;
  updatedAt: string;
}

export interface CatalogItemPatch {
  price?: number;
  storePrice?: Record<string, number>;
  stock?: Record<string, number | null>;
  public?: boolean;
  title?: string;
}

/**
 * Posiflora's catalog: categories, items and stores. One account-wide `revision` grows with every
 * change and is reported in `meta.revision`, as the documents' examples show.
 */
export class PosifloraCatalog {
  revision = 1;
  items = new Map<string, CatalogItem>();
  categories = DEMO_CATEGORIES.map((c) => ({ ...c }));
  stores = DEMO_STORES.map((s) => ({ ...s }));

  constructor(private readonly now: () => Date = () => new Date()) {
    this.reset();
  }

  reset(): void {
    const at = this.now().toISOString();
    this.revision = 1;
    this.items = new Map(
      DEMO_ITEMS.map((seed, i) => {
        const id = seedItemId(i);
        return [
          id,
          {
            id,
            title: seed.title,
            categoryId: seed.category,
            description: seed.description ?? null,
            price: seed.price,
            storePrice: { ...seed.storePrice },
            stock: { ...seed.stock },
            public: true,
            images: [`img-${id}-1`, `img-${id}-2`],
            revision: 1,
            updatedAt: at,
          },
        ];
      }),
    );
  }

  inCategory(categoryId: string): CatalogItem[] {
    return [...this.items.values()].filter((i) => i.categoryId === categoryId && i.public);
  }

  priceAt(item: CatalogItem, storeId: string): number {
    return item.storePrice[storeId] ?? item.price;
  }

  /** The shop changes an item (price, stock, visibility): the catalog revision moves on. */
  update(id: string, patch: CatalogItemPatch): CatalogItem | null {
    const item = this.items.get(id);
    if (!item) return null;
    this.revision += 1;
    Object.assign(item, patch, { revision: this.revision, updatedAt: this.now().toISOString() });
    return item;
  }

  /** An order takes counted pieces off the store's showcase. */
  take(id: string, storeId: string, qty: number): void {
    const item = this.items.get(id);
    const left = item?.stock[storeId];
    if (item && typeof left === "number") item.stock[storeId] = Math.max(0, left - qty);
  }
}
