import type { Db } from "./db.ts";

/**
 * What a delivery of an event may do: process it (`taken`, with the claim's time, which names this claim
 * when it is given up), wait because another request is processing it (`busy`), or nothing (`done`).
 */
export type WebhookClaim = { kind: "taken"; at: Date } | { kind: "busy" } | { kind: "done" };

/**
 * Webhook events by id. The primary key makes "first one wins" hold across instances; an event counts as
 * taken in only once `doneAt` is set, so a claim whose process died (killed between claim and done) is
 * taken over by a redelivery once its lease has passed, instead of answering that redelivery "duplicate".
 */
export class WebhookEventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Claims the event for processing. A claim not done and older than `leaseMs` is taken over by compare
   * and set on its time, so of two redeliveries that find it stale only one takes it.
   */
  async claim(id: string, leaseMs: number, now: Date): Promise<WebhookClaim> {
    // A claim given up between our insert and our read frees the key: try again, a few times at most.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.db.webhookEvent.create({ data: { id, receivedAt: now } });
        return { kind: "taken", at: now };
      } catch {
        const row = await this.db.webhookEvent.findUnique({ where: { id } });
        if (!row) continue;
        if (row.doneAt) return { kind: "done" };
        if (now.getTime() - row.receivedAt.getTime() <= leaseMs) return { kind: "busy" };
        const { count } = await this.db.webhookEvent.updateMany({
          where: { id, doneAt: null, receivedAt: row.receivedAt },
          data: { receivedAt: now },
        });
        return count === 1 ? { kind: "taken", at: now } : { kind: "busy" };
      }
    }
    return { kind: "busy" };
  }

  /**
   * The event was processed. Not tied to one claim: if a slow process's claim was taken over, the event
   * was processed all the same, whichever of the two finishes first.
   */
  async complete(id: string, now: Date): Promise<void> {
    await this.db.webhookEvent.updateMany({ where: { id, doneAt: null }, data: { doneAt: now } });
  }

  /**
   * Gives up the claim taken `at`, so that a redelivery processes the event at once. A claim taken over
   * since then belongs to another request, and stays.
   */
  async release(id: string, at: Date): Promise<void> {
    await this.db.webhookEvent.deleteMany({ where: { id, doneAt: null, receivedAt: at } });
  }

  /** True if this is the first time the key is seen; the key is done at once (a single-use proof). */
  async remember(id: string): Promise<boolean> {
    try {
      await this.db.webhookEvent.create({ data: { id, doneAt: new Date() } });
      return true;
    } catch {
      return (await this.db.webhookEvent.findUnique({ where: { id } })) === null;
    }
  }
}
