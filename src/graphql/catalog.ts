import { z } from "zod";
import { InvalidInputError, NotFoundError, ProviderError } from "../domain/errors.ts";
import type { Shop } from "../domain/shop-directory.ts";
import type { CatalogCategory } from "../domain/ports/catalog.port.ts";
import type { GraphQLContext } from "./context.ts";
import { builder } from "./builder.ts";
import { offsetPage } from "./page-info.ts";
import { selects } from "./selection.ts";
import { ProductConnection, ProductRef, type ProductView } from "./product.ts";

/** The shop window as asked for: the shop, and the store whose prices and range apply (if any). */
interface CatalogView {
  shop: Shop;
  storeId: string | null;
}

const pageArgs = {
  first: z.number().int().min(1, "first is at least 1").max(100, "first is at most 100"),
};

/** Products of some categories (all when `categoryId` is null), limited to what the store sells and at its prices. */
async function listProducts(ctx: GraphQLContext, view: CatalogView, categoryId: string | null): Promise<ProductView[]> {
  const { catalog } = ctx.services;
  const { scope } = ctx;
  const products = categoryId
    ? await catalog.products(scope, view.shop, categoryId)
    : [...(await catalog.index(scope, view.shop)).values()];
  if (!view.storeId) return products.map((product) => ({ shop: view.shop, product, storePrice: null }));
  const offers = await catalog.offers(scope, view.shop, view.storeId);
  return products.flatMap((product) => {
    const price = offers.get(product.id);
    return price === undefined ? [] : [{ shop: view.shop, product, storePrice: price }];
  });
}

const CategoryRef = builder.objectRef<CatalogCategory & { view: CatalogView }>("Category").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    title: t.exposeString("title"),
    parentId: t.exposeID("parentId", { nullable: true }),
    products: t.field({
      type: ProductConnection,
      args: { first: t.arg.int({ defaultValue: 20, validate: pageArgs.first }), after: t.arg.string() },
      resolve: async (c, { first, after }, ctx) =>
        offsetPage(await listProducts(ctx, c.view, c.id), first ?? 20, after),
    }),
  }),
});

const CatalogRef = builder.objectRef<CatalogView>("Catalog").implement({
  description: "The shop window, read from the shop's order system (Posiflora) through a shared cache.",
  fields: (t) => ({
    storeId: t.exposeID("storeId", { nullable: true }),
    categories: t.field({
      type: [CategoryRef],
      resolve: async (v, _a, ctx) =>
        (await ctx.services.catalog.categories(ctx.scope, v.shop)).map((c) => ({ ...c, view: v })),
    }),
    products: t.field({
      type: ProductConnection,
      description: "Products of one category, or of all; only what the store sells when the catalog is for a store.",
      args: {
        categoryId: t.arg.id(),
        first: t.arg.int({ defaultValue: 20, validate: pageArgs.first }),
        after: t.arg.string(),
      },
      resolve: async (v, { categoryId, first, after }, ctx) =>
        offsetPage(await listProducts(ctx, v, categoryId == null ? null : String(categoryId)), first ?? 20, after),
    }),
  }),
});

async function catalogView(
  ctx: GraphQLContext,
  shopId: string,
  storeId: string | null,
  withCategories = false,
): Promise<CatalogView> {
  const shop = ctx.services.catalog.shop(shopId);
  ctx.services.catalog.source(shop); // a shop without a catalog answers UNSUPPORTED_BY_PROVIDER here
  // The categories, when asked for, are read here, so a vendor that is down (with nothing cached) is this
  // field's ProviderError rather than a nested error; the fields below get the same read from the memo.
  await Promise.all([
    withCategories ? ctx.services.catalog.categories(ctx.scope, shop) : null,
    storeId ? ctx.services.catalog.store(ctx.scope, shop, storeId) : null,
  ]);
  return { shop, storeId };
}

builder.queryField("catalog", (t) =>
  t.field({
    type: CatalogRef,
    description: "Categories with their products. Open to anonymous viewers: browsing needs no sign-in.",
    errors: { types: [InvalidInputError, ProviderError] },
    args: {
      shopId: t.arg.id({ required: true }),
      storeId: t.arg.id({ description: "List for this pickup store: its range and prices." }),
    },
    resolve: (_r, { shopId, storeId }, ctx, info) =>
      catalogView(ctx, String(shopId), storeId == null ? null : String(storeId), selects(info, "categories")),
  }),
);

builder.queryField("product", (t) =>
  t.field({
    type: ProductRef,
    errors: { types: [InvalidInputError, NotFoundError, ProviderError] },
    args: { shopId: t.arg.id({ required: true }), id: t.arg.id({ required: true }), storeId: t.arg.id() },
    resolve: async (_r, { shopId, id, storeId }, ctx) => {
      const view = await catalogView(ctx, String(shopId), storeId == null ? null : String(storeId));
      const product = await ctx.services.catalog.product(ctx.scope, view.shop, String(id));
      if (!product) throw new NotFoundError("NOT_FOUND", `product ${id} not found`);
      const storePrice = view.storeId
        ? ((await ctx.services.catalog.offers(ctx.scope, view.shop, view.storeId)).get(product.id) ?? null)
        : null;
      if (view.storeId && storePrice === null)
        throw new NotFoundError("NOT_FOUND", `product ${id} is not sold at store ${view.storeId}`);
      return { shop: view.shop, product, storePrice };
    },
  }),
);
