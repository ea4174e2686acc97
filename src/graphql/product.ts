import type { Shop } from "../domain/shop-directory.ts";
import type { CatalogProduct, CatalogStore } from "../domain/ports/catalog.port.ts";
import { builder } from "./builder.ts";
import { Money, money } from "./money.ts";
import { PageInfo } from "./page-info.ts";
import { StoreRef } from "./store.ts";

/** A product as listed: for one store (its price) or for the whole shop. */
export interface ProductView {
  shop: Shop;
  product: CatalogProduct;
  storePrice: number | null;
}

const StoreAvailability = builder
  .objectRef<{ shop: Shop; productId: string; store: CatalogStore; price: number }>("StoreAvailability")
  .implement({
    fields: (t) => ({
      store: t.field({ type: StoreRef, resolve: (a) => a.store }),
      price: t.field({ type: Money, resolve: (a) => money(a.price, a.shop.currency) }),
      inStock: t.int({
        nullable: true,
        description:
          "Pieces left where the store counts them (ready bouquets); null when made to order. One vendor call per product and store, cached briefly.",
        resolve: (a, _args, ctx) => ctx.services.catalog.stock(ctx.scope, a.shop, a.productId, a.store.id),
      }),
    }),
  });

export const ProductRef = builder.objectRef<ProductView>("Product").implement({
  fields: (t) => ({
    id: t.id({ resolve: (v) => v.product.id }),
    name: t.string({ resolve: (v) => v.product.title }),
    categoryId: t.id({ resolve: (v) => v.product.categoryId }),
    price: t.field({
      type: Money,
      description:
        "What the gateway charges: the store's price when listed for a store, otherwise the highest price across stores.",
      resolve: (v) => money(v.storePrice ?? v.product.maxPrice, v.shop.currency),
    }),
    minPrice: t.field({
      type: Money,
      description: 'The lowest price across stores ("from")',
      resolve: (v) => money(v.product.minPrice, v.shop.currency),
    }),
    thumbnailUrl: t.string({ nullable: true, resolve: (v) => v.product.thumbnailUrl }),
    photoUrls: t.stringList({
      description: "Every photo; read from the product's own page (cached).",
      resolve: async (v, _a, ctx) =>
        (await ctx.services.catalog.detail(ctx.scope, v.shop, v.product.id))?.photoUrls ?? [],
    }),
    description: t.string({
      nullable: true,
      resolve: async (v, _a, ctx) =>
        (await ctx.services.catalog.detail(ctx.scope, v.shop, v.product.id))?.description ?? null,
    }),
    availability: t.field({
      type: [StoreAvailability],
      description: "The stores that sell it, with their price.",
      resolve: async (v, _a, ctx) =>
        (await ctx.services.catalog.availability(ctx.scope, v.shop, v.product.id)).map((a) => ({
          ...a,
          shop: v.shop,
          productId: v.product.id,
        })),
    }),
  }),
});

const ProductEdge = builder.objectRef<{ cursor: string; node: ProductView }>("ProductEdge").implement({
  fields: (t) => ({ cursor: t.exposeString("cursor"), node: t.field({ type: ProductRef, resolve: (e) => e.node }) }),
});

export type ProductConnectionShape = {
  edges: Array<{ cursor: string; node: ProductView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
};

export const ProductConnection = builder.objectRef<ProductConnectionShape>("ProductConnection").implement({
  fields: (t) => ({
    edges: t.field({ type: [ProductEdge], resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    totalCount: t.exposeInt("totalCount"),
  }),
});
