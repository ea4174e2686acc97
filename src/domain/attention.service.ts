import { AccessError } from "./errors.ts";
import type { AttentionRecord } from "./order-attention.ts";
import type { RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import { hasScope } from "./viewer.ts";
import type { AttentionRepository } from "./ports/attention-repository.port.ts";

/** The shop's attention queue: orders a person must look at, for staff with orders:manage. */
export class AttentionQueue {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly records: AttentionRepository,
  ) {}

  /** The open records of one shop, oldest first. */
  async open(scope: RequestScope, shopId: string): Promise<AttentionRecord[]> {
    if (scope.viewer.kind === "anonymous") throw new AccessError("UNAUTHENTICATED", "sign in");
    if (!hasScope(scope.viewer, SCOPES.ordersManage))
      throw new AccessError("FORBIDDEN", `needs the ${SCOPES.ordersManage} scope`);
    return this.records.openFor(this.shops.get(shopId).id, 500);
  }
}
