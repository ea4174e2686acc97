export type LedgerKind = "HOLD" | "RELEASE" | "COMMIT" | "REFUND";
export type LedgerState = "PENDING" | "SUCCEEDED" | "FAILED" | "UNKNOWN";

export interface LedgerRecord {
  id: string;
  orderId: string;
  providerInstanceId: string;
  kind: LedgerKind;
  points: number;
  idempotencyKey: string;
  state: LedgerState;
  providerRef: string | null;
  error: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface LedgerEntryInput {
  orderId: string;
  providerInstanceId: string;
  kind: LedgerKind;
  points: number;
  idempotencyKey: string;
}

/** The loyalty operations ledger: a row per provider call that moves points, written before the call. */
export interface LedgerRepository {
  /** Writes the PENDING row, or returns the row already written under this key (`created: false`). */
  begin(entry: LedgerEntryInput): Promise<{ row: LedgerRecord; created: boolean }>;
  settle(
    id: string,
    state: Exclude<LedgerState, "PENDING">,
    details?: { providerRef?: string | null; error?: string | null },
  ): Promise<void>;
  retrying(id: string): Promise<void>;
  forOrder(orderId: string): Promise<LedgerRecord[]>;
  get(id: string): Promise<LedgerRecord | null>;
  byKey(idempotencyKey: string): Promise<LedgerRecord | null>;
  /** How many rows are in each state, for the metrics. */
  countByState(): Promise<Record<string, number>>;
  /** Rows recovery could not settle safely: a person must check the vendor's books. Oldest first. */
  needingReconciliation(limit: number): Promise<LedgerRecord[]>;
  /** UNKNOWN rows, and PENDING rows untouched for `staleMs` (their process died mid-call). */
  unresolved(staleMs: number): Promise<LedgerRecord[]>;
}

/** The `error` prefix recovery writes on a row it leaves for a person to settle. */
export const NEEDS_RECONCILIATION = "needs reconciliation";
