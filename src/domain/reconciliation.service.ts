import { AccessError, ConflictError, InvalidInputError, NotFoundError } from "./errors.ts";
import type { LedgerRecord } from "./ledger-entry.ts";
import type { RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import { hasScope } from "./viewer.ts";
import type { LedgerRepository } from "./ports/ledger-repository.port.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

/**
 * Loyalty moves whose outcome no document lets the gateway learn (a BonusPlus sale or return whose
 * answer was lost): recovery leaves them NEEDS_ATTENTION, the order answers RECONCILING, and the shop's staff
 * settle each one here after checking the vendor's back office. Applied: the order carries on as if
 * the answer had come. Not applied: the next attempt sends the call again, under a fresh key.
 */
export class Reconciliation {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly orders: OrderRepository,
  ) {}

  /** The rows waiting for a person, oldest first, of one shop or every shop. */
  async queue(scope: RequestScope, shopId: string | null): Promise<LedgerRecord[]> {
    this.authorize(scope);
    const rows = await this.ledger.needingAttention(500);
    if (!shopId) return rows;
    const shops = await Promise.all(rows.map(async (r) => (await this.orders.get(r.orderId))?.shopId));
    return rows.filter((_r, i) => shops[i] === shopId);
  }

  /** The order's loyalty moves, oldest first. */
  async entries(scope: RequestScope, orderId: string): Promise<LedgerRecord[]> {
    this.authorize(scope);
    return this.ledger.forOrder(orderId);
  }

  async settle(scope: RequestScope, entryId: string, applied: boolean, note: string): Promise<LedgerRecord> {
    this.authorize(scope);
    if (!note.trim())
      throw new InvalidInputError("say what the vendor's books showed", [{ path: "note", message: "required" }]);
    const entry = await this.ledger.get(entryId);
    if (!entry) throw new NotFoundError("NOT_FOUND", `no ledger entry ${entryId}`);
    const by = scope.viewer.kind === "service" ? scope.viewer.name : "staff";
    if (!(await this.ledger.settleByPerson(entry.id, { applied, by, note, at: new Date() }))) {
      throw new ConflictError("INVALID_STATE", `ledger entry ${entryId} is ${entry.state} and needs no reconciliation`);
    }
    return (await this.ledger.get(entry.id))!;
  }

  private authorize(scope: RequestScope): void {
    if (scope.viewer.kind === "anonymous") throw new AccessError("UNAUTHENTICATED", "sign in");
    if (!hasScope(scope.viewer, SCOPES.ordersManage))
      throw new AccessError("FORBIDDEN", `needs the ${SCOPES.ordersManage} scope`);
  }
}
