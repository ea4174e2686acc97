import { ProviderError } from "../../domain/errors.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import { createWithOwnId } from "./client.ts";
import { NOT_FOUND, stableId } from "./mapper.ts";
import { orderSourceListWire, orderSourceWire, PAGE_SIZE } from "./wire.ts";

/** How the shops file names the order source: an id that must exist, or a title to find or create. */
export type OrderSourceChoice = { id: string } | { title: string };

/**
 * The order source (`/v1/order-sources`) every order from the gateway names. The documents make sources
 * resources with ids (UUIDs) and titles, so an id is never made up: a configured id is read back
 * (`GET /v1/order-sources/{id}`) and must exist; otherwise the source with the configured title is found
 * in the list, and created (`POST /v1/order-sources`) when absent. One lookup is in flight at a time and
 * its answer is kept; `forget` drops it, so that the next order looks again.
 */
export class PosifloraOrderSources {
  private pending: Promise<string> | null = null;

  constructor(
    private readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly choice: OrderSourceChoice,
  ) {}

  id(): Promise<string> {
    this.pending ??= this.resolve().catch((error: unknown) => {
      this.pending = null;
      throw error;
    });
    return this.pending;
  }

  forget(): void {
    this.pending = null;
  }

  private async resolve(): Promise<string> {
    if ("id" in this.choice) return this.check(this.choice.id);
    const title = this.choice.title;
    const found = await this.find(title);
    if (found) return found;
    // Our own id, made from the title: a repeat (a lost answer, or two instances starting at once) is
    // JSON:API's 409, and the list then has it.
    const id = stableId(`order-source:${title}`);
    const body = { data: [{ type: "order-sources", id, attributes: { title } }] };
    const existed = await createWithOwnId(this.http, "v1/order-sources", body);
    if (!existed) return id;
    const again = await this.find(title);
    if (!again) throw existed;
    return again;
  }

  private async check(id: string): Promise<string> {
    try {
      const wire = await this.http.request({
        method: "GET",
        path: `v1/order-sources/${encodeURIComponent(id)}`,
        schema: orderSourceWire,
        idempotent: true,
      });
      return wire.data.id;
    } catch (error) {
      if (error instanceof ProviderError && error.vendorCode === NOT_FOUND)
        throw new ProviderError("PROVIDER_REJECTED", `Posiflora has no order source ${id}`, this.instanceId, {
          vendorCode: NOT_FOUND,
        });
      throw error;
    }
  }

  /** The source titled `title` (case and surrounding spaces aside), a visible one before a hidden one. */
  private async find(title: string): Promise<string | null> {
    const wanted = title.trim().toLowerCase();
    const matches: Array<{ id: string; hidden: boolean }> = [];
    for (let page = 1; ; page++) {
      const wire = await this.http.request({
        method: "GET",
        path: "v1/order-sources",
        query: { "page[number]": page, "page[size]": PAGE_SIZE },
        schema: orderSourceListWire,
        idempotent: true,
      });
      for (const s of wire.data)
        if (s.attributes.title.trim().toLowerCase() === wanted)
          matches.push({ id: s.id, hidden: !!s.attributes.hidden });
      // The answer's own page size and total, where it gives them: it may serve less than asked.
      const size = wire.meta?.page?.size ?? PAGE_SIZE;
      const total = wire.meta?.total;
      const seen = (page - 1) * size + wire.data.length;
      if (wire.data.length === 0 || wire.data.length < size || (total != null && seen >= total)) break;
    }
    return (matches.find((m) => !m.hidden) ?? matches[0])?.id ?? null;
  }
}
