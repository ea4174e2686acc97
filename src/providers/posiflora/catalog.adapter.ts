import { z } from "zod";
import { decimalToMinor, decimalToPoints } from "../../domain/money.ts";
import { ProviderError } from "../../domain/errors.ts";
import type * as Port from "../../domain/ports/catalog.port.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import {
  catalogItemsWire,
  categoriesWire,
  inventoryItemsWire,
  inventoryItemWire,
  movementsWire,
  storesWire,
} from "./catalog.wire.ts";
import { PAGE_SIZE } from "./wire.ts";

export const posifloraCatalogOptions = z.object({
  /**
   * Posiflora gives photos as image ids only; this template makes them URLs (`{id}` is replaced).
   * Without it products have no photo URLs.
   */
  imageUrlTemplate: z.string().min(1).includes("{id}").optional(),
});

const MAX_PAGES = 50;

/** Posiflora's catalog API (`/v1/catalog/...`, `/v1/stores`, the store-filtered `/v1/inventory-items`). */
export class PosifloraCatalogAdapter implements Port.CatalogAdapter {
  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly opts: z.infer<typeof posifloraCatalogOptions>,
  ) {}

  async categories(): Promise<Port.CatalogCategory[]> {
    const wire = await this.http.request({
      method: "GET",
      path: "v1/catalog/categories",
      schema: categoriesWire,
      idempotent: true,
    });
    return wire.data
      .filter((c) => c.attributes.status !== "off" && !c.attributes.deleted)
      .map((c) => ({ id: c.id, title: c.attributes.title, parentId: c.relationships?.parent?.data?.id ?? null }));
  }

  async products(categoryId: string) {
    let revision: number | null = null;
    const items = await this.pages(async (page) => {
      const wire = await this.notFoundAsNull(
        this.http.request({
          method: "GET",
          path: `v1/catalog/${encodeURIComponent(categoryId)}`,
          query: { "page[number]": page, "page[size]": PAGE_SIZE },
          schema: catalogItemsWire,
          idempotent: true,
        }),
      );
      if (!wire) return null;
      revision = wire.meta?.revision ?? revision;
      return { rows: wire.data, total: wire.meta?.total ?? null };
    });
    if (!items) return null;
    const products = items
      .filter((i) => i.attributes.public !== false)
      .map((i): Port.CatalogProduct => ({
        id: i.attributes.itemId,
        title: i.attributes.title,
        categoryId: i.relationships?.category?.data?.id ?? categoryId,
        // Catalog prices are whole currency units (int32), as in the documents' example.
        minPrice: decimalToMinor(i.attributes.minPrice),
        maxPrice: decimalToMinor(i.attributes.maxPrice),
        thumbnailUrl: this.imageUrl(i.relationships?.logo?.data?.id),
        updatedAt: i.attributes.updatedAt ?? null,
      }));
    return { products, revision };
  }

  async productDetail(productId: string): Promise<Port.CatalogProductDetail | null> {
    const wire = await this.notFoundAsNull(
      this.http.request({
        method: "GET",
        path: `v1/catalog/inventory-items/${encodeURIComponent(productId)}`,
        schema: inventoryItemWire,
        idempotent: true,
      }),
    );
    if (!wire || wire.data.attributes.public === false) return null;
    const r = wire.data.relationships;
    const ids = [...(r?.images?.data ?? []).map((i) => i.id), ...(r?.logo?.data ? [r.logo.data.id] : [])];
    return {
      id: wire.data.id,
      description: wire.data.attributes.description ?? null,
      photoUrls: [...new Set(ids)].map((id) => this.imageUrl(id)).filter((u): u is string => u !== null),
    };
  }

  async stores(): Promise<Port.CatalogStore[]> {
    const wire = await this.http.request({
      method: "GET",
      path: "v1/stores",
      query: { loadAll: "true" },
      schema: storesWire,
      idempotent: true,
    });
    return wire.data.map((s) => ({
      id: s.id,
      title: s.attributes.title,
      city: s.attributes.addressCity ?? null,
      address: s.attributes.address ?? null,
      hours: null,
    }));
  }

  async storeOffers(storeId: string): Promise<Port.StoreOffer[]> {
    const rows = await this.pages(async (page) => {
      const wire = await this.http.request({
        method: "GET",
        path: "v1/inventory-items",
        query: {
          "filter[store]": storeId,
          "filter[available]": "true",
          public: "true",
          "page[number]": page,
          "page[size]": PAGE_SIZE,
        },
        schema: inventoryItemsWire,
        idempotent: true,
      });
      return { rows: wire.data, total: wire.meta?.total ?? null };
    });
    // With a store filter the item's prices are that store's; the highest is what the store charges.
    return (rows ?? []).map((i) => ({
      productId: i.id,
      price: decimalToMinor(i.attributes.priceMax ?? i.attributes.priceMin ?? 0),
    }));
  }

  /**
   * `GET /v1/inventory-items/{id}/warehouse-movement/{storeId}`: what is left is the `remainderQty` of
   * the newest movement. The operation declares no query parameters but the pagination its answer
   * reports (`meta.page`), so every page is read and the newest is found here, by `date` (the later
   * entry on a tie). No movements: the item is made to order, so it is not counted.
   */
  async stock(productId: string, storeId: string): Promise<number | null> {
    const rows = await this.pages(async (page) => {
      const wire = await this.http.request({
        method: "GET",
        path: `v1/inventory-items/${encodeURIComponent(productId)}/warehouse-movement/${encodeURIComponent(storeId)}`,
        query: { "page[number]": page, "page[size]": PAGE_SIZE },
        schema: movementsWire,
        idempotent: true,
      });
      return { rows: wire.data, total: wire.meta?.total ?? null };
    });
    if (!rows || rows.length === 0) return null;
    let newest = rows[0]!;
    for (const m of rows) if (Date.parse(m.attributes.date) >= Date.parse(newest.attributes.date)) newest = m;
    return Math.max(0, decimalToPoints(newest.attributes.remainderQty));
  }

  async revision(): Promise<number | null> {
    const first = (await this.categories())[0];
    if (!first) return null;
    const wire = await this.notFoundAsNull(
      this.http.request({
        method: "GET",
        path: `v1/catalog/${encodeURIComponent(first.id)}`,
        query: { "page[size]": 1 },
        schema: catalogItemsWire,
        idempotent: true,
      }),
    );
    return wire?.meta?.revision ?? null;
  }

  private imageUrl(id: string | undefined | null): string | null {
    return id && this.opts.imageUrlTemplate ? this.opts.imageUrlTemplate.replace("{id}", encodeURIComponent(id)) : null;
  }

  private async pages<T>(
    fetchPage: (page: number) => Promise<{ rows: T[]; total: number | null } | null>,
  ): Promise<T[] | null> {
    const all: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const got = await fetchPage(page);
      if (!got) return page === 1 ? null : all;
      all.push(...got.rows);
      if (got.rows.length < PAGE_SIZE || (got.total !== null && all.length >= got.total)) break;
    }
    return all;
  }

  private async notFoundAsNull<T>(call: Promise<T>): Promise<T | null> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof ProviderError && error.vendorCode === "NOT_FOUND") return null;
      throw error;
    }
  }
}
