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
  /** By counted store: its warehouse movements, oldest first; the newest one's `remainderQty` is the stock. */
  movements: Record<string, Movement[]>;
}

/** One `item-warehouse-movements` entry: what moved, and what was left after it. */
export interface Movement {
  date: string;
  qty: number;
  remainderQty: number;
  transType: "inventoryTransaction" | "inventoryCounting" | "salesOrder";
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
            movements: initialMovements(seed.stock, this.now()),
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
    const before = { ...item.stock };
    Object.assign(item, patch, { revision: this.revision, updatedAt: this.now().toISOString() });
    // A recount where the florist changed what is on the showcase.
    for (const [store, left] of Object.entries(patch.stock ?? {}))
      if (typeof left === "number" && left !== before[store])
        this.move(item, store, {
          qty: left - (before[store] ?? 0),
          remainderQty: left,
          transType: "inventoryCounting",
        });
    return item;
  }

  /** An order takes counted pieces off the store's showcase. */
  take(id: string, storeId: string, qty: number): void {
    const item = this.items.get(id);
    const left = item?.stock[storeId];
    if (!item || typeof left !== "number") return;
    const remainder = Math.max(0, left - qty);
    item.stock[storeId] = remainder;
    this.move(item, storeId, { qty: remainder - left, remainderQty: remainder, transType: "salesOrder" });
  }

  /** Appends a movement, dated after the store's last one. */
  private move(item: CatalogItem, storeId: string, m: Omit<Movement, "date">): void {
    const list = (item.movements[storeId] ??= []);
    const last = list.at(-1);
    const at = Math.max(this.now().getTime(), last ? Date.parse(last.date) + 1 : 0);
    list.push({ date: new Date(at).toISOString(), ...m });
  }
}

/**
 * Counted stock starts as a delivery and a sale a day earlier, so that the list has an oldest and a
 * newest movement to tell apart.
 */
function initialMovements(stock: Record<string, number | null>, now: Date): Record<string, Movement[]> {
  const day = now.getTime() - 86_400_000;
  const out: Record<string, Movement[]> = {};
  for (const [store, left] of Object.entries(stock)) {
    if (typeof left !== "number") continue;
    out[store] = [
      { date: new Date(day).toISOString(), qty: left + 1, remainderQty: left + 1, transType: "inventoryTransaction" },
      { date: new Date(day + 3_600_000).toISOString(), qty: -1, remainderQty: left, transType: "salesOrder" },
    ];
  }
  return out;
}
