import { applied, type LedgerKind, notApplied } from "./ledger-entry.ts";
import { CrashPoints } from "./crash-points.ts";
import { ProviderError } from "./errors.ts";
import type { LedgerRepository } from "./ports/ledger-repository.port.ts";

/**
 * Runs a provider call that moves points through the ledger: the row is written before the call and
 * settled after it. A rejected call is FAILED; a call whose outcome cannot be known (a timeout, a 5xx
 * on a write, a crash) stays UNKNOWN or PENDING for recovery, which never runs it blindly twice.
 */
export class LoyaltyLedger {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly crash: CrashPoints = new CrashPoints(),
  ) {}

  /**
   * Runs `call` once per key. A key already SUCCEEDED returns its reference without calling (a request
   * retried after a crash between the call and the order update); a FAILED one is retried under a
   * fresh suffix; a PENDING or UNKNOWN one belongs to recovery.
   */
  async run(
    entry: { orderId: string; providerInstanceId: string; kind: LedgerKind; points: number; idempotencyKey: string },
    call: (idempotencyKey: string) => Promise<string | null>,
  ): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      const key = attempt === 1 ? entry.idempotencyKey : `${entry.idempotencyKey}#${attempt}`;
      const { row, created } = await this.repo.begin({ ...entry, idempotencyKey: key });
      if (applied(row)) return row.providerRef;
      if (notApplied(row)) continue;
      if (!created) {
        throw new ProviderError(
          "PROVIDER_UNAVAILABLE",
          "an earlier attempt of this operation has an unknown outcome; it is being reconciled",
          entry.providerInstanceId,
          { vendorCode: "RECONCILING" },
        );
      }
      this.crash.reach("ledger-written");
      try {
        const ref = await call(key);
        this.crash.reach("provider-called");
        await this.repo.settle(row.id, "SUCCEEDED", { providerRef: ref });
        return ref;
      } catch (error) {
        const uncertain = !(error instanceof ProviderError) || error.uncertain;
        await this.repo.settle(row.id, uncertain ? "UNKNOWN" : "FAILED", { error: (error as Error).message });
        throw error;
      }
    }
  }

  /** Whether a call under this key was begun and did not fail: its outcome is the ledger's, not a new decision's. */
  async begun(idempotencyKey: string): Promise<boolean> {
    const row = await this.repo.byKey(idempotencyKey);
    return row !== null && !notApplied(row);
  }

  /** A hold the gateway keeps itself (providers without one): recorded, nothing is called. */
  async note(entry: {
    orderId: string;
    providerInstanceId: string;
    kind: LedgerKind;
    points: number;
    idempotencyKey: string;
  }): Promise<void> {
    const { row } = await this.repo.begin(entry);
    if (!applied(row)) await this.repo.settle(row.id, "SUCCEEDED", { providerRef: "ledger" });
  }
}
