import type { AttentionRecord } from "../order-attention.ts";

/** Where attention records are kept. Ids are derived from the gateway's own records, so a retry writes the same one. */
export interface AttentionRepository {
  /** Opens the record, or updates the open one with this id. */
  open(record: Pick<AttentionRecord, "id" | "orderId" | "shopId" | "reason" | "points" | "detail">): Promise<void>;
  get(id: string): Promise<AttentionRecord | null>;
  /** Drops a record whose cause did not happen after all (the call it was opened for failed). */
  discard(id: string): Promise<void>;
  /** Open records of a shop, oldest first. */
  openFor(shopId: string, limit: number): Promise<AttentionRecord[]>;
  forOrder(orderId: string): Promise<AttentionRecord[]>;
}
