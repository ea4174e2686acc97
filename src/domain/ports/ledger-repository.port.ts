import type { LedgerEntryInput, LedgerRecord, LedgerState, Settlement } from "../ledger-entry.ts";

/** The loyalty operations ledger: a row per provider call that moves points, written before the call. */
export interface LedgerRepository {
  /** Writes the PENDING row, or returns the row already written under this key (`created: false`). */
  begin(entry: LedgerEntryInput): Promise<{ row: LedgerRecord; created: boolean }>;
  settle(
    id: string,
    state: Exclude<LedgerState, "PENDING" | "SETTLED">,
    details?: { providerRef?: string | null; error?: string | null },
  ): Promise<void>;
  /** A person's settlement of a NEEDS_ATTENTION row; false when the row was not waiting for one. */
  settleByPerson(id: string, settlement: Settlement): Promise<boolean>;
  retrying(id: string): Promise<void>;
  forOrder(orderId: string): Promise<LedgerRecord[]>;
  get(id: string): Promise<LedgerRecord | null>;
  byKey(idempotencyKey: string): Promise<LedgerRecord | null>;
  /**
   * The COMMIT and REFUND rows of one customer's orders at one provider instance, newest first, each with
   * the points its order earned (a purchase's accrual is kept on the order, not on its row).
   */
  customerMoves(
    customerId: string,
    providerInstanceId: string,
    limit: number,
  ): Promise<Array<LedgerRecord & { orderPointsEarned: number }>>;
  /** How many rows are in each state, for the metrics. */
  countByState(): Promise<Record<string, number>>;
  /** NEEDS_ATTENTION rows: a person must check the vendor's books. Oldest first. */
  needingAttention(limit: number): Promise<LedgerRecord[]>;
  /** UNKNOWN rows, and PENDING rows untouched for `staleMs` (their process died mid-call). */
  unresolved(staleMs: number): Promise<LedgerRecord[]>;
}
