import { AccessError, ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import type { AttentionReason, AttentionRecord } from "./order-attention.ts";
import type { RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import { hasScope } from "./viewer.ts";
import type { AttentionRepository } from "./ports/attention-repository.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

export type AttentionAction = "RETRY" | "MARK_SETTLED";

/** Tries a record's cause once more now; true when it went through (the record is then settled). */
export type AttentionRetry = (record: AttentionRecord, by: string) => Promise<boolean>;

export interface AttentionQueueOptions {
  shops: ShopDirectory;
  records: AttentionRepository;
  orders: OrderRepository;
  /** The reasons the gateway can try again, and how. The others are settled by a person only. */
  retries: Partial<Record<AttentionReason, AttentionRetry>>;
  now?: () => Date;
}

/** The shop's attention queue: orders a person must look at, for staff with orders:manage. */
export class AttentionQueue {
  constructor(private readonly o: AttentionQueueOptions) {}

  /** The open records of one shop, oldest first. */
  async open(scope: RequestScope, shopId: string): Promise<AttentionRecord[]> {
    this.assertStaff(scope);
    return this.o.records.openFor(this.o.shops.get(shopId).id, 500);
  }

  /**
   * Staff act on an order's open records: RETRY tries each retryable cause again now (a success settles
   * it; a failure updates its attempts and error), MARK_SETTLED closes them with the note (the person
   * fixed it at the vendor, or decided nothing is owed). Answers the order's records, settled ones included.
   */
  async resolve(
    scope: RequestScope,
    orderId: string,
    action: AttentionAction,
    note: string,
  ): Promise<AttentionRecord[]> {
    const by = this.assertStaff(scope);
    const order = await this.o.orders.get(orderId);
    if (!order) throw new NotFoundError("NOT_FOUND", `order ${orderId} not found`);
    const open = (await this.o.records.forOrder(orderId)).filter((r) => r.settledAt === null);
    if (open.length === 0)
      throw new ConflictError("INVALID_STATE", `order ${orderId} has nothing waiting for a person`);
    if (action === "RETRY") {
      const cannot = open.filter((r) => !this.o.retries[r.reason]);
      if (cannot.length === open.length)
        throw new InvalidInputError(`${cannot.map((r) => r.reason).join(", ")}: nothing to retry; settle it`, [
          { path: "action", message: "MARK_SETTLED only" },
        ]);
      for (const record of open) await this.o.retries[record.reason]?.(record, `${by}: ${note}`);
    } else {
      const at = this.o.now?.() ?? new Date();
      for (const record of open) await this.o.records.settle(record.id, { by, note, at });
    }
    return this.o.records.forOrder(orderId);
  }

  private assertStaff(scope: RequestScope): string {
    const { viewer } = scope;
    if (viewer.kind === "anonymous") throw new AccessError("UNAUTHENTICATED", "sign in");
    if (viewer.kind !== "service" || !hasScope(viewer, SCOPES.ordersManage))
      throw new AccessError("FORBIDDEN", `needs the ${SCOPES.ordersManage} scope`);
    return viewer.name;
  }
}
