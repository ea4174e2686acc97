import type { Db } from "./db.ts";
import type { SyncCursorRepository } from "../domain/ports/sync-cursor-repository.port.ts";

/** Pollers' positions, one per provider instance, so a restart continues where the last run stopped. */
export class PrismaSyncCursorRepository implements SyncCursorRepository {
  constructor(private readonly db: Db) {}

  async get(id: string): Promise<string | null> {
    return (await this.db.syncCursor.findUnique({ where: { id } }))?.value ?? null;
  }

  async set(id: string, value: string): Promise<void> {
    await this.db.syncCursor.upsert({ where: { id }, create: { id, value }, update: { value } });
  }
}
