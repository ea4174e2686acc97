import { randomUUID } from "node:crypto";
import type { LedgerRecord, LedgerState, Settlement } from "../domain/ledger-entry.ts";
import type { Db } from "./db.ts";
import type { LedgerRepository } from "../domain/ports/ledger-repository.port.ts";

type Row = Awaited<ReturnType<Db["ledgerEntry"]["findUniqueOrThrow"]>>;
function toRecord(r: Row): LedgerRecord {
  const { settledApplied, settledBy, settledNote, settledAt, ...rest } = r;
  const settlement =
    settledApplied !== null && settledAt
      ? { applied: settledApplied, by: settledBy ?? "", note: settledNote ?? "", at: settledAt }
      : null;
  return { ...rest, settlement };
}

/** The loyalty operations ledger: a row per provider call that moves points, written before the call. */
export class PrismaLedgerRepository implements LedgerRepository {
  constructor(private readonly db: Db) {}

  /** Writes the PENDING row, or returns the row already written under this key (`created: false`). */
  async begin(entry: {
    orderId: string;
    providerInstanceId: string;
    kind: LedgerRecord["kind"];
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
    state: Exclude<LedgerState, "PENDING" | "SETTLED">,
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

  async customerMoves(
    customerId: string,
    providerInstanceId: string,
    limit: number,
  ): Promise<Array<LedgerRecord & { orderPointsEarned: number }>> {
    const rows = await this.db.ledgerEntry.findMany({
      where: { providerInstanceId, kind: { in: ["COMMIT", "REFUND"] }, order: { customerId } },
      include: { order: { select: { pointsEarned: true } } },
      orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
      take: limit,
    });
    return rows.map(({ order, ...row }) => ({ ...toRecord(row), orderPointsEarned: order.pointsEarned }));
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

  async settleByPerson(id: string, s: Settlement): Promise<boolean> {
    const { count } = await this.db.ledgerEntry.updateMany({
      where: { id, state: "NEEDS_ATTENTION" },
      data: {
        state: "SETTLED",
        settledApplied: s.applied,
        settledBy: s.by,
        settledNote: s.note,
        settledAt: s.at,
        ...(s.applied ? { providerRef: `settled:${id}` } : {}),
      },
    });
    return count === 1;
  }

  async needingAttention(limit: number): Promise<LedgerRecord[]> {
    const rows = await this.db.ledgerEntry.findMany({
      where: { state: "NEEDS_ATTENTION" },
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
