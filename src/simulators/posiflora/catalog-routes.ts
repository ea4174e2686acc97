import { demoPicture } from "./demo-pictures.ts";
import { z } from "zod";
import { minorToDecimal, minorToJsonNumber } from "../kit/money.ts";
import { json, readJson, type Router } from "../kit/router.ts";
import type { CatalogItem, PosifloraCatalog } from "./catalog-state.ts";
import { JsonApiError } from "./state.ts";

type Handler = (req: Request, params: Record<string, string>) => Promise<Response> | Response;
type Doc = (body: unknown, status?: number) => Response;

/** The spec says int32, but live Posiflora sends decimals where there are kopecks (providers.md), so do we. */
const rubles = (kopecks: number) => minorToJsonNumber(kopecks);
const page = (url: URL) => ({
  number: Math.max(1, Number(url.searchParams.get("page[number]") ?? 1) || 1),
  size: Math.min(100, Math.max(1, Number(url.searchParams.get("page[size]") ?? 10) || 10)),
});
const paged = <T>(all: T[], p: { number: number; size: number }) =>
  all.slice((p.number - 1) * p.size, p.number * p.size);
const image = (id: string) => ({ type: "images", id });

/**
 * The catalog endpoints of the OpenAPI document: `/catalog/categories`, `/catalog/{category}` (catalog
 * items, prices in whole rubles as int32), `/catalog/inventory-items/{id}`, `/stores`, the store-filtered
 * `/inventory-items` list, and `/inventory-items/{id}/warehouse-movement/{storeId}` (stock as `remainderQty`).
 */
export function addCatalogRoutes(
  vendor: Router,
  catalog: PosifloraCatalog,
  authed: (fn: Handler) => Handler,
  doc: Doc,
): void {
  const categoryResource = (c: PosifloraCatalog["categories"][number]) => ({
    type: "categories",
    id: c.id,
    attributes: {
      title: c.title,
      status: "on",
      path: [],
      pathIds: [],
      color: c.color,
      countPublicItems: catalog.inCategory(c.id).length,
      deleted: false,
      revision: catalog.revision,
    },
    relationships: {
      parent: { data: null },
      group: { data: { type: "inventory-groups", id: "3" } },
      image: { data: null },
    },
    links: { self: `/categories/${c.id}` },
  });
  const catalogItem = (i: CatalogItem) => {
    const prices = [i.price, ...Object.values(i.storePrice)];
    return {
      type: "catalog-items",
      id: `item-${i.id}`,
      attributes: {
        itemId: i.id,
        itemType: "item",
        title: i.title,
        globalId: null,
        activePoints: Object.keys(i.stock).length,
        minPrice: rubles(Math.min(...prices)),
        maxPrice: rubles(Math.max(...prices)),
        updatedAt: i.updatedAt,
        public: i.public,
        fractional: false,
        revision: i.revision,
      },
      relationships: {
        category: { data: { type: "categories", id: i.categoryId } },
        logo: { data: image(i.images[0]!) },
      },
    };
  };
  const inventoryItem = (i: CatalogItem, storeId?: string) => {
    const price = minorToDecimal(storeId ? catalog.priceAt(i, storeId) : i.price);
    return {
      type: "inventory-items",
      id: i.id,
      attributes: {
        title: i.title,
        description: i.description,
        itemType: "item",
        fractional: false,
        globalId: null,
        added: null,
        public: i.public,
        priceMin: price,
        priceMax: price,
        updatedAt: i.updatedAt,
      },
      relationships: {
        category: { data: { type: "categories", id: i.categoryId } },
        logo: { data: image(i.images[0]!) },
        images: { data: i.images.map(image) },
        group: { data: { type: "inventory-groups", id: "3" } },
        measure: { data: { type: "measures", id: "9" } },
      },
      links: { self: `/inventory-items/${i.id}` },
    };
  };
  const storeResource = (s: PosifloraCatalog["stores"][number]) => ({
    type: "stores",
    id: s.id,
    attributes: {
      title: s.title,
      addressCity: s.addressCity,
      address: s.address,
      anotherTitle: null,
      printLogo: false,
      printAddress: true,
      concealmentItems: 1,
      calculatedAt: null,
      externalLinkId: null,
      formDeliveryTimeFormat: "all",
      revision: 0,
    },
    relationships: {
      timezone: { data: { type: "timezones", id: "3" } },
      warehouse: { data: { type: "warehouses", id: s.id } },
      image: { data: null },
      deliveryDiapasons: { data: [] },
    },
  });
  const itemOr404 = (id: string) => {
    const item = catalog.items.get(id);
    if (!item || !item.public) throw new JsonApiError(404, "NOT_FOUND", `Item ${id} not found`);
    return item;
  };

  vendor
    .on(
      "GET",
      "/catalog/categories",
      authed(() => doc({ data: catalog.categories.map(categoryResource), meta: { total: catalog.categories.length } })),
    )
    .on(
      "GET",
      "/catalog/categories/:id",
      authed((_req, { id }) => {
        const c = catalog.categories.find((x) => x.id === id);
        if (!c) throw new JsonApiError(404, "NOT_FOUND", `Category ${id} not found`);
        return doc({ data: categoryResource(c) });
      }),
    )
    .on(
      "GET",
      "/catalog/inventory-items/:id",
      authed((_req, { id }) => doc({ data: inventoryItem(itemOr404(id!)) })),
    )
    .on(
      "GET",
      "/catalog/:category",
      authed((req, { category }) => {
        if (!catalog.categories.some((c) => c.id === category))
          throw new JsonApiError(404, "NOT_FOUND", `Category ${category} not found`);
        const all = catalog.inCategory(category!);
        const p = page(new URL(req.url));
        return doc({
          data: paged(all, p).map(catalogItem),
          meta: { page: p, total: all.length, revision: catalog.revision },
        });
      }),
    )
    .on(
      "GET",
      "/stores",
      authed(() =>
        doc({
          data: catalog.stores.map(storeResource),
          meta: { page: { number: 1, size: null }, total: catalog.stores.length, revision: 0 },
        }),
      ),
    )
    .on(
      "GET",
      "/stores/:id",
      authed((_req, { id }) => {
        const s = catalog.stores.find((x) => x.id === id);
        if (!s) throw new JsonApiError(404, "NOT_FOUND", `Store ${id} not found`);
        return doc({ data: storeResource(s) });
      }),
    )
    .on(
      "GET",
      "/inventory-items",
      authed((req) => {
        const url = new URL(req.url);
        const store = url.searchParams.get("filter[store]") ?? undefined;
        const available = url.searchParams.get("filter[available]") === "true";
        const all = [...catalog.items.values()].filter(
          (i) => i.public && (!store || i.stock[store] !== undefined) && (!available || !store || i.stock[store] !== 0),
        );
        const p = page(url);
        return doc({ data: paged(all, p).map((i) => inventoryItem(i, store)), meta: { page: p, total: all.length } });
      }),
    )
    .on(
      "GET",
      "/inventory-items/:id/warehouse-movement/:storeId",
      authed((req, { id, storeId }) => {
        const item = itemOr404(id!);
        // Items made to order have no movements; counted ones have their history, oldest first (the
        // document declares no `sort`, so none is applied).
        const all = item.movements[storeId!] ?? [];
        const p = page(new URL(req.url));
        const data = paged(all, p).map((m, n) => ({
          type: "item-warehouse-movements",
          id: `${id}-${storeId}-${(p.number - 1) * p.size + n + 1}`,
          attributes: { date: m.date, qty: m.qty, remainderQty: m.remainderQty, amount: 0, transType: m.transType },
        }));
        return doc({ data, meta: { page: p, total: all.length } });
      }),
    );
}

const patchSchema = z.object({
  price: z.number().int().positive().optional(),
  storePrice: z.record(z.string(), z.number().int().positive()).optional(),
  stock: z.record(z.string(), z.number().int().nonnegative().nullable()).optional(),
  public: z.boolean().optional(),
  title: z.string().min(1).optional(),
});

/** The shop's side: change an item as the florist would in Posiflora (`POST /__sim/catalog/items/:id`), and demo photos. */
export function addCatalogControls(control: Router, catalog: PosifloraCatalog): void {
  control
    .on("POST", "/catalog/items/:id", async (req, { id }) => {
      const body = patchSchema.safeParse(await readJson(req));
      if (!body.success) return json({ error: body.error.message }, 400);
      const item = catalog.update(id!, body.data);
      return item ? json({ item, revision: catalog.revision }) : json({ error: "no such item" }, 404);
    })
    .on("GET", "/catalog", () => json({ revision: catalog.revision, items: [...catalog.items.values()] }))
    .on("GET", "/images/:name", (_req, { name }) => {
      return new Response(demoPicture(name ?? ""), {
        headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" },
      });
    });
}
