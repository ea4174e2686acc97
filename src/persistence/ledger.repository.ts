import { randomUUID } from "node:crypto";
import {
  type LedgerKind,
  type LedgerRecord,
  type LedgerRepository,
  type LedgerState,
  NEEDS_RECONCILIATION,
} from "../domain/ledger-entry.ts";
import type { Db } from "./db.ts";

type Row = Awaited<ReturnType<Db["ledgerEntry"]["findUniqueOrThrow"]>>;
const toRecord = (r: Row): LedgerRecord => ({ ...r, kind: r.kind as LedgerKind, state: r.state as LedgerState });

/** The loyalty operations ledger: a row per provider call that moves points, written before the call. */
export class PrismaLedgerRepository implements LedgerRepository {
  constructor(private readonly db: Db) {}

  /** Writes the PENDING row, or returns the row already written under this key (`created: false`). */
  async begin(entry: {
    orderId: string;
    providerInstanceId: string;
    kind: LedgerKind;
    points: number;
    idempotencyKey: string;
  }): Promise<{ row: LedgerRecord; created: boolean }> {
    const existing = await this.db.ledgerEntry.findUnique({ where: { idempotencyKey: entry.idempotencyKey } });
    if (existing) return { row: toRecord(existing), created: false };
    try {
      return {
        row: toRecord(
          await this.db.ledgerEntry.create({ data: { id: randomUUID(), ...entry, state: "PENDING", attempts: 1 } }),
        ),
        created: true,
      };
    } catch (error) {
      const raced = await this.db.ledgerEntry.findUnique({ where: { idempotencyKey: entry.idempotencyKey } });
      if (raced) return { row: toRecord(raced), created: false };
      throw error;
    }
  }

  async settle(
    id: string,
    state: Exclude<LedgerState, "PENDING">,
    details: { providerRef?: string | null; error?: string | null } = {},
  ): Promise<void> {
    await this.db.ledgerEntry.update({
      where: { id },
      data: { state, providerRef: details.providerRef ?? undefined, error: details.error ?? null },
    });
  }

  async retrying(id: string): Promise<void> {
    await this.db.ledgerEntry.update({ where: { id }, data: { attempts: { increment: 1 }, state: "PENDING" } });
  }

  forOrder(orderId: string): Promise<LedgerRecord[]> {
    return this.db.ledgerEntry
      .findMany({ where: { orderId }, orderBy: { createdAt: "asc" } })
      .then((rows) => rows.map(toRecord));
  }

  async countByState(): Promise<Record<string, number>> {
    const groups = await this.db.ledgerEntry.groupBy({ by: ["state"], _count: { _all: true } });
    return Object.fromEntries(groups.map((g) => [g.state, g._count._all]));
  }

  async get(id: string): Promise<LedgerRecord | null> {
    const row = await this.db.ledgerEntry.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async byKey(idempotencyKey: string): Promise<LedgerRecord | null> {
    const row = await this.db.ledgerEntry.findUnique({ where: { idempotencyKey } });
    return row ? toRecord(row) : null;
  }

  async needingReconciliation(limit: number): Promise<LedgerRecord[]> {
    const rows = await this.db.ledgerEntry.findMany({
      where: { state: "UNKNOWN", error: { startsWith: NEEDS_RECONCILIATION } },
      orderBy: { createdAt: "asc" },
      take: limit,
    });
    return rows.map(toRecord);
  }

  /** UNKNOWN rows, and PENDING rows untouched for `staleMs` (their process died mid-call). */
  async unresolved(staleMs: number): Promise<LedgerRecord[]> {
    const rows = await this.db.ledgerEntry.findMany({
      where: { OR: [{ state: "UNKNOWN" }, { state: "PENDING", updatedAt: { lt: new Date(Date.now() - staleMs) } }] },
      orderBy: { createdAt: "asc" },
      take: 500,
    });
    return rows.map(toRecord);
  }
}
