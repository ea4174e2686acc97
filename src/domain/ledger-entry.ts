export type LedgerKind = "HOLD" | "RELEASE" | "COMMIT" | "REFUND";
/**
 * PENDING: written, the call under way. SUCCEEDED; FAILED (refused: nothing moved). UNKNOWN: the answer
 * was lost, and recovery asks the provider or replays it. NEEDS_ATTENTION: no document lets recovery learn
 * the outcome, so a person checks the vendor's books. SETTLED: a person settled it (see `settlement`).
 */
export const LEDGER_STATES = ["PENDING", "SUCCEEDED", "FAILED", "UNKNOWN", "NEEDS_ATTENTION", "SETTLED"] as const;
export type LedgerState = (typeof LEDGER_STATES)[number];

/** A person's word on a move recovery could not settle. */
export interface Settlement {
  /** The vendor's books show the move. */
  applied: boolean;
  by: string;
  note: string;
  at: Date;
}

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
  /** Set when the state is SETTLED. */
  settlement: Settlement | null;
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

/** Whether the provider has the move, as far as the ledger knows: succeeded, or settled as applied. */
export const applied = (row: Pick<LedgerRecord, "state" | "settlement">): boolean =>
  row.state === "SUCCEEDED" || (row.state === "SETTLED" && row.settlement?.applied === true);

/** Whether the move certainly did not happen, so it may be sent again under a fresh key. */
export const notApplied = (row: Pick<LedgerRecord, "state" | "settlement">): boolean =>
  row.state === "FAILED" || (row.state === "SETTLED" && row.settlement?.applied === false);
