import type { Db } from "./db.ts";
import type { Claim, IdempotencyRepository } from "../domain/ports/idempotency-repository.port.ts";

/** Idempotency keys: the first request under a key claims it; its result is stored for every repeat. */
export class PrismaIdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: Db) {}

  async claim(key: string, requestHash: string, takeOverAfterMs: number): Promise<Claim> {
    try {
      await this.db.idempotencyRecord.create({ data: { key, requestHash, state: "IN_PROGRESS" } });
      return { kind: "new" };
    } catch {
      const row = await this.db.idempotencyRecord.findUnique({ where: { key } });
      if (!row) return this.claim(key, requestHash, takeOverAfterMs);
      if (row.requestHash !== requestHash) return { kind: "conflict" };
      if (row.state === "DONE" && row.response !== null) return { kind: "done", response: row.response };
      // A claim whose process died is taken over, atomically, by the first request that sees it stale.
      if (Date.now() - row.updatedAt.getTime() > takeOverAfterMs) {
        const { count } = await this.db.idempotencyRecord.updateMany({
          where: { key, state: "IN_PROGRESS", updatedAt: row.updatedAt },
          data: { requestHash },
        });
        if (count === 1) return { kind: "new" };
      }
      return { kind: "busy", since: row.updatedAt };
    }
  }

  async complete(key: string, response: string): Promise<void> {
    await this.db.idempotencyRecord.update({ where: { key }, data: { state: "DONE", response } });
  }

  /** Forgets a claim whose request failed before it changed anything, so that a retry can run. */
  async abandon(key: string): Promise<void> {
    await this.db.idempotencyRecord.deleteMany({ where: { key, state: "IN_PROGRESS" } });
  }
}
