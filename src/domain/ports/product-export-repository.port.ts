/** What the product sync last sent to each loyalty provider instance, as a hash per product. */
export interface ProductExportRepository {
  hashes(providerInstanceId: string): Promise<Map<string, string>>;
  /** Records one batch the provider accepted, all or nothing. */
  save(providerInstanceId: string, sent: Array<{ productId: string; hash: string }>): Promise<void>;
}
