import type { AttentionReason, AttentionRecord, NewAttention } from "../order-attention.ts";

/** Where attention records are kept. Ids are derived from the gateway's own records, so a retry writes the same one. */
export interface AttentionRepository {
  /** Opens the record, or updates the open one with this id. */
  open(record: NewAttention): Promise<void>;
  get(id: string): Promise<AttentionRecord | null>;
  getMany(ids: readonly string[]): Promise<AttentionRecord[]>;
  /** Drops a record whose cause did not happen after all (the call it was opened for failed). */
  discard(id: string): Promise<void>;
  /** Open records of a shop, oldest first. */
  openFor(shopId: string, limit: number): Promise<AttentionRecord[]>;
  forOrder(orderId: string): Promise<AttentionRecord[]>;
  /** Open records whose next retry is due, oldest due first. */
  due(now: Date, limit: number): Promise<AttentionRecord[]>;
  /** Closes an open record; false when it was not open (settled already, or never opened). */
  settle(id: string, settlement: { by: string; note: string; at: Date }): Promise<boolean>;
  /** Open records by reason, for the metrics. */
  countOpen(): Promise<Array<{ reason: AttentionReason; count: number }>>;
}
