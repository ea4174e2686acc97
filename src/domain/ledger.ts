import type { LedgerKind, LedgerRepository } from "../persistence/ledger.repository.ts";
import { ProviderError } from "./errors.ts";

/**
 * Runs a provider call that moves points through the ledger: the row is written before the call and
 * settled after it. A rejected call is FAILED; a call whose outcome cannot be known (a timeout, a 5xx
 * on a write, a crash) stays UNKNOWN or PENDING for recovery, which never runs it blindly twice.
 */
export class LoyaltyLedger {
  constructor(private readonly repo: LedgerRepository) {}

  /** The next key for this order and kind: deterministic, so a retried request reuses it. */
  async nextKey(orderId: string, kind: LedgerKind): Promise<string> {
    const rows = await this.repo.forOrder(orderId);
    return `${orderId}:${kind}:${rows.filter((r) => r.kind === kind).length + 1}`;
  }

  async run(
    entry: { orderId: string; providerInstanceId: string; kind: LedgerKind; points: number; idempotencyKey: string },
    call: () => Promise<string | null>,
  ): Promise<string | null> {
    const row = await this.repo.begin(entry);
    if (row.state === "SUCCEEDED") return row.providerRef;
    if (row.state !== "PENDING" || row.attempts > 1) {
      throw new ProviderError("PROVIDER_UNAVAILABLE", "an earlier attempt of this operation has an unknown outcome; it is being reconciled", entry.providerInstanceId, "RECONCILING");
    }
    try {
      const ref = await call();
      await this.repo.settle(row.id, "SUCCEEDED", { providerRef: ref });
      return ref;
    } catch (error) {
      const uncertain = !(error instanceof ProviderError) || error.uncertain;
      await this.repo.settle(row.id, uncertain ? "UNKNOWN" : "FAILED", { error: (error as Error).message });
      throw error;
    }
  }

  /** A hold the gateway keeps itself (providers without one): recorded, nothing is called. */
  async record(entry: { orderId: string; providerInstanceId: string; kind: LedgerKind; points: number; idempotencyKey: string }): Promise<void> {
    const row = await this.repo.begin(entry);
    if (row.state === "PENDING") await this.repo.settle(row.id, "SUCCEEDED", { providerRef: "ledger" });
  }
}
