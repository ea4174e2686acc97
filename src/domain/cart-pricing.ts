import type { CreateOrderInput } from "./order-input.ts";
import { assertCurrency, type CartLineInput, type PricedLineInput } from "./cart.ts";
import type { CatalogService } from "./catalog.service.ts";
import { CatalogError, PriceChangedError } from "./errors.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop } from "./shop-directory.ts";

/**
 * Settles the price of every cart line. Where the shop has a catalog, the catalog decides: a line may
 * name only a product, a price sent that differs is PRICE_CHANGED (with the current one), and unknown
 * products, products the store does not sell and (for orders) quantities over stock are refused.
 * A shop without a catalog prices lines from its configured price list the same way: a client's price
 * is never taken for money or points.
 */
export class CartPricing {
  constructor(private readonly catalog: CatalogService) {}

  async price(
    scope: RequestScope,
    shop: Shop,
    lines: CartLineInput[],
    storeId: string | null,
    opts: { checkStock: boolean; path?: string },
  ): Promise<PricedLineInput[]> {
    assertCurrency(lines, shop.currency);
    if (!shop.catalog) return lines.map((l, i) => fromPriceList(shop, l, i));
    const [index, offers] = await Promise.all([
      this.catalog.index(scope, shop),
      storeId ? this.catalog.offers(scope, shop, storeId) : Promise.resolve(null),
      storeId ? this.catalog.store(scope, shop, storeId) : null,
    ]);
    const priced = lines.map((l, i): PricedLineInput => {
      const product = index.get(l.productId);
      if (!product)
        throw new CatalogError("UNKNOWN_PRODUCT", `no product "${l.productId}" in the catalog`, i, l.productId);
      const storePrice = offers?.get(l.productId);
      if (offers && storePrice === undefined) {
        throw new CatalogError(
          "NOT_SOLD_AT_STORE",
          `"${product.title}" is not sold at store ${storeId}`,
          i,
          l.productId,
          storeId,
        );
      }
      // Without a store, a price that varies by store is the highest: the client can never pay less than the shop asks.
      const price = storePrice ?? product.maxPrice;
      if (l.unitPrice && l.unitPrice.amount !== price)
        throw new PriceChangedError(i, l.productId, price, shop.currency);
      return { productId: l.productId, name: product.title, quantity: l.quantity, unitPrice: price };
    });
    if (opts.checkStock && storeId) await this.checkStock(scope, shop, priced, storeId);
    return priced;
  }

  /** Orders read stock live, one call per counted product, in parallel; quantities of repeated products add up. */
  private async checkStock(scope: RequestScope, shop: Shop, lines: PricedLineInput[], storeId: string): Promise<void> {
    const wanted = new Map<string, { quantity: number; lineIndex: number }>();
    lines.forEach((l, i) => {
      const w = wanted.get(l.productId);
      wanted.set(l.productId, { quantity: (w?.quantity ?? 0) + l.quantity, lineIndex: w?.lineIndex ?? i });
    });
    const counts = await Promise.all(
      [...wanted.keys()].map((id) => this.catalog.stock(scope, shop, id, storeId, true)),
    );
    [...wanted.entries()].forEach(([productId, w], k) => {
      const left = counts[k];
      if (left != null && w.quantity > left) {
        throw new CatalogError(
          "INSUFFICIENT_STOCK",
          `only ${left} of "${productId}" left at store ${storeId}`,
          w.lineIndex,
          productId,
          storeId,
          left,
        );
      }
    });
  }
}

function fromPriceList(shop: Shop, l: CartLineInput, i: number): PricedLineInput {
  const listed = shop.priceList?.get(l.productId);
  if (!listed)
    throw new CatalogError("UNKNOWN_PRODUCT", `no product "${l.productId}" in the shop's price list`, i, l.productId);
  if (l.unitPrice && l.unitPrice.amount !== listed.price)
    throw new PriceChangedError(i, l.productId, listed.price, shop.currency);
  return { productId: l.productId, name: listed.name, quantity: l.quantity, unitPrice: listed.price };
}

/** Catalog prices for the store that fulfils the order: the pickup store, or the order system's delivery store. */
export function priceOrderLines(
  cartPricing: CartPricing,
  scope: RequestScope,
  shop: Shop,
  lines: CreateOrderInput["lines"],
  fulfilment: { kind: string; storeId?: string | null },
  path = "input.lines",
) {
  const storeId = fulfilment.kind === "PICKUP" ? (fulfilment.storeId ?? null) : (shop.orders?.deliveryStoreId ?? null);
  return cartPricing.price(scope, shop, lines, storeId, { checkStock: true, path });
}
