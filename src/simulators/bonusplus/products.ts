import { mulDivFloor } from "../kit/money.ts";
import { demoItemId } from "../posiflora/catalog-seed.ts";

export interface ImportedProduct {
  name: string;
  cat: string | null;
  /** Kopecks. */
  price: number | null;
}

/** A promotion the shop set up in the BonusPlus cabinet for one product: extra cashback with a message. */
export interface ProductPromotion {
  product: string;
  extraEarnBp: number;
  message: string;
}

/** The demo account's promotions, bound to the demo shop's Posiflora item ids. */
export const DEMO_PROMOTIONS: ProductPromotion[] = [
  { product: demoItemId("rose-51"), extraEarnBp: 1000, message: "Акция «51 роза»: +10% бонусов" },
  { product: demoItemId("tulip-25"), extraEarnBp: 500, message: "Весенняя акция: +5% бонусов на тюльпаны" },
];

/**
 * Products imported with `POST /product/import`, by store. Seed 001 §2: promotions bound to a product
 * fire only when that product was imported, so calculation asks here.
 */
export class ProductBook {
  stores = new Map<string, Map<string, ImportedProduct>>();
  imports: Array<{ store: string; count: number; at: string }> = [];

  constructor(private readonly promotions: ProductPromotion[] = DEMO_PROMOTIONS) {}

  reset(): void {
    this.stores = new Map();
    this.imports = [];
  }

  import(store: string, products: Array<{ product: string } & ImportedProduct>): void {
    const book = this.stores.get(store) ?? new Map<string, ImportedProduct>();
    this.stores.set(store, book);
    for (const { product, ...p } of products) book.set(product, p);
    this.imports.push({ store, count: products.length, at: new Date().toISOString() });
  }

  /** The promotion that fires for a product sold at a store: only an imported product has one. */
  promotion(store: string | undefined, product: string): ProductPromotion | null {
    if (!store || !product || !this.stores.get(store)?.has(product)) return null;
    return this.promotions.find((p) => p.product === product) ?? null;
  }

  /** Extra whole bonuses a promotion earns on what is paid for a line. */
  static extraEarn(promotion: ProductPromotion | null, paid: number): number {
    return promotion ? Math.floor(mulDivFloor(paid, promotion.extraEarnBp, 10_000) / 100) : 0;
  }

  snapshot() {
    return {
      imports: this.imports,
      stores: Object.fromEntries([...this.stores].map(([s, book]) => [s, Object.fromEntries(book)])),
    };
  }
}
