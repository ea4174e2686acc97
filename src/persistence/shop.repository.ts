import type { Db } from "./db.ts";

export interface ShopRow {
  id: string;
  name: string;
  currency: string;
  providers: Array<{ id: string; adapter: string; role: "LOYALTY" | "ORDERS"; options: Record<string, unknown> }>;
}

/** Mirrors the configured shops and provider instances into the database, so that rows can refer to them. */
export class ShopRepository {
  constructor(private readonly db: Db) {}

  async sync(shops: ShopRow[]): Promise<void> {
    await this.db.$transaction(async (tx) => {
      for (const shop of shops) {
        const data = { name: shop.name, currency: shop.currency };
        await tx.shop.upsert({ where: { id: shop.id }, create: { id: shop.id, ...data }, update: data });
        for (const p of shop.providers) {
          const row = { shopId: shop.id, adapter: p.adapter, role: p.role, options: JSON.stringify(p.options) };
          await tx.providerInstance.upsert({ where: { id: p.id }, create: { id: p.id, ...row }, update: row });
        }
      }
    });
  }

  async ping(): Promise<void> {
    await this.db.shop.count();
  }
}
