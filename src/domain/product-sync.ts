import { createHash } from "node:crypto";
import type { LoyaltyProvider, ProductExport } from "./ports/loyalty-provider.port.ts";
import type { CatalogService } from "./catalog.service.ts";
import { ProviderError } from "./errors.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import type { ProductExportRepository } from "./ports/product-export-repository.port.ts";

export interface ProductSyncProgress {
  shopId: string;
  providerId: string;
  /** Products in the catalog, those that differ from what the provider last got, and those sent so far. */
  total: number;
  changed: number;
  sent: number;
  batch: number;
  batches: number;
  done: boolean;
}

/**
 * Exports a shop's catalog to every loyalty provider of the shop that imports products (BonusPlus
 * `POST /product/import`), in batches. Each accepted batch is recorded with a hash per product, so a
 * second run sends only what changed and a run that stopped resumes with what it had not sent.
 * Runs for one shop never overlap in this process.
 */
export class ProductSync {
  private readonly running = new KeyedMutex();

  constructor(
    private readonly catalog: CatalogService,
    private readonly exports: ProductExportRepository,
    /** Progress after each recorded batch, for subscribers (the sync command's progress bar). */
    private readonly publish: (p: ProductSyncProgress) => void = () => {},
  ) {}

  run(shopId: string, opts: { batchSize?: number; force?: boolean } = {}): Promise<ProductSyncProgress[]> {
    return this.running.run(shopId, async () => {
      const shop = this.catalog.shop(shopId);
      const importers = shop.loyalty.filter((p) => p.capabilities.productImport && p.importProducts);
      if (importers.length === 0)
        throw new ProviderError(
          "UNSUPPORTED_BY_PROVIDER",
          `no loyalty provider of shop ${shopId} imports products`,
          shopId,
        );
      const products = await this.catalog.liveProducts(shop);
      const reports: ProductSyncProgress[] = [];
      for (const provider of importers)
        reports.push(
          await this.export(shopId, provider, products, { batchSize: opts.batchSize, force: opts.force ?? false }),
        );
      return reports;
    });
  }

  private async export(
    shopId: string,
    provider: LoyaltyProvider,
    products: ProductExport[],
    opts: { batchSize?: number | undefined; force: boolean },
  ): Promise<ProductSyncProgress> {
    const known = opts.force ? new Map<string, string>() : await this.exports.hashes(provider.instanceId);
    const changed = products
      .map((p) => ({ product: p, hash: hashOf(p) }))
      .filter((p) => known.get(p.product.id) !== p.hash);
    const size = Math.max(1, Math.min(opts.batchSize ?? Number.MAX_SAFE_INTEGER, provider.importBatchLimit ?? 100));
    const progress: ProductSyncProgress = {
      shopId,
      providerId: provider.instanceId,
      total: products.length,
      changed: changed.length,
      sent: 0,
      batch: 0,
      batches: Math.ceil(changed.length / size),
      done: false,
    };
    this.publish({ ...progress });
    for (let i = 0; i < changed.length; i += size) {
      const batch = changed.slice(i, i + size);
      await provider.importProducts!(batch.map((b) => b.product));
      await this.exports.save(
        provider.instanceId,
        batch.map((b) => ({ productId: b.product.id, hash: b.hash })),
      );
      progress.sent += batch.length;
      progress.batch += 1;
      this.publish({ ...progress });
    }
    progress.done = true;
    this.publish({ ...progress });
    return progress;
  }
}

function hashOf(p: ProductExport): string {
  return createHash("sha256")
    .update(JSON.stringify([p.id, p.name, p.category, p.price]))
    .digest("hex")
    .slice(0, 32);
}
