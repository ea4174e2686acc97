import type { Db } from "./db.ts";
import type { ProductExportRepository } from "../domain/ports/product-export-repository.port.ts";

/** What the product sync last sent to each loyalty provider instance, as a hash per product. */
export class PrismaProductExportRepository implements ProductExportRepository {
  constructor(private readonly db: Db) {}

  async hashes(providerInstanceId: string): Promise<Map<string, string>> {
    const rows = await this.db.productExport.findMany({
      where: { providerInstanceId },
      select: { productId: true, hash: true },
    });
    return new Map(rows.map((r) => [r.productId, r.hash]));
  }

  /** Records one batch the provider accepted, all or nothing. */
  async save(providerInstanceId: string, sent: Array<{ productId: string; hash: string }>): Promise<void> {
    await this.db.$transaction(
      sent.map(({ productId, hash }) =>
        this.db.productExport.upsert({
          where: { providerInstanceId_productId: { providerInstanceId, productId } },
          create: { providerInstanceId, productId, hash },
          update: { hash },
        }),
      ),
    );
  }
}
