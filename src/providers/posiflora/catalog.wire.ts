import { z } from "zod";
import { decimal } from "../decimal-wire.ts";

const ref = (type: string) =>
  z
    .object({
      data: z.object({ id: z.union([z.string(), z.number()]).transform(String), type: z.literal(type) }).nullish(),
    })
    .nullish();
const pageMeta = z.object({ number: z.number().int().nullish(), size: z.number().int().nullish() }).nullish();

export const categoriesWire = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      type: z.literal("categories"),
      attributes: z.object({
        title: z.string(),
        status: z.enum(["on", "off"]).nullish(),
        deleted: z.boolean().nullish(),
      }),
      relationships: z
        .object({ parent: ref("categories") })
        .partial()
        .nullish(),
    }),
  ),
});

/** `GET /v1/catalog/{category}`: prices are int32 in whole currency units (the documents' example: 1500). */
export const catalogItemsWire = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      type: z.literal("catalog-items"),
      attributes: z.object({
        itemId: z.string().min(1),
        title: z.string(),
        minPrice: decimal,
        maxPrice: decimal,
        public: z.boolean().nullish(),
        updatedAt: z.string().nullish(),
      }),
      relationships: z
        .object({ category: ref("categories"), logo: ref("images") })
        .partial()
        .nullish(),
    }),
  ),
  meta: z.object({ page: pageMeta, total: z.number().int().nullish(), revision: z.number().int().nullish() }).nullish(),
});

const inventoryItem = z.object({
  id: z.string(),
  type: z.literal("inventory-items"),
  attributes: z.object({
    title: z.string(),
    description: z.string().nullish(),
    priceMin: decimal.nullish(),
    priceMax: decimal.nullish(),
    public: z.boolean().nullish(),
  }),
  relationships: z
    .object({
      logo: ref("images"),
      images: z.object({ data: z.array(z.object({ id: z.string(), type: z.literal("images") })).nullish() }).nullish(),
    })
    .partial()
    .nullish(),
});

export const inventoryItemWire = z.object({ data: inventoryItem });
export const inventoryItemsWire = z.object({
  data: z.array(inventoryItem),
  meta: z.object({ page: pageMeta, total: z.number().int().nullish() }).nullish(),
});

export const storesWire = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      type: z.literal("stores"),
      attributes: z.object({ title: z.string(), addressCity: z.string().nullish(), address: z.string().nullish() }),
    }),
  ),
});

/** `GET /v1/inventory-items/{id}/warehouse-movement/{storeId}`: `remainderQty` is what is left after each movement. */
export const movementsWire = z.object({
  data: z.array(z.object({ attributes: z.object({ date: z.string(), remainderQty: decimal }) })),
  meta: z.object({ page: pageMeta, total: z.number().int().nullish() }).nullish(),
});
