import type { Db } from "./db.ts";

/** Event ids already taken in; the primary key makes "first one wins" hold across instances. */
export class WebhookEventRepository {
  constructor(private readonly db: Db) {}

  /** True if this is the first time the event is seen. */
  async remember(id: string): Promise<boolean> {
    try {
      await this.db.webhookEvent.create({ data: { id } });
      return true;
    } catch {
      return (await this.db.webhookEvent.findUnique({ where: { id } })) === null;
    }
  }

  async forget(id: string): Promise<void> {
    await this.db.webhookEvent.deleteMany({ where: { id } });
  }
}
