import type { Customer, CustomerService } from "./customer.service.ts";
import { NotFoundError } from "./errors.ts";
import { applied } from "./ledger-entry.ts";
import type { LedgerRepository } from "./ports/ledger-repository.port.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { RequestScope } from "./request-scope.ts";
import type { ShopDirectory } from "./shop-directory.ts";

const ID_ORDER = new Intl.Collator("en", { numeric: true });

/** One move of a customer's points: from the provider's own history, or from the gateway's ledger. */
export interface PointsHistoryEntry {
  id: string;
  source: "PROVIDER" | "GATEWAY";
  provider: LoyaltyProvider;
  /** Signed: positive added, negative taken. */
  points: number;
  at: Date;
  reason: string | null;
  /** Our order, for a GATEWAY entry. */
  orderId: string | null;
  /** The vendor's order, for a PROVIDER entry where the vendor names one. */
  vendorOrderId: string | null;
}

/**
 * A customer's points history, newest first: each loyalty provider's own record where it keeps one
 * (`capabilities.pointsHistory`), otherwise the moves the gateway made there (its ledger's purchases and
 * refunds), so every entry says where it comes from. At most `limit` entries per provider.
 */
export class PointsHistory {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly ledger: LedgerRepository,
    private readonly limit = 500,
  ) {}

  /** The Mini App user's own history in a shop. */
  async mine(scope: RequestScope, shopId: string): Promise<PointsHistoryEntry[]> {
    const me = await this.customers.me(scope, shopId);
    if (!me) throw new NotFoundError("CUSTOMER_NOT_FOUND", "link a phone first");
    return this.of(scope, me);
  }

  /** A customer's history, for a viewer who may read the customer. */
  async of(scope: RequestScope, customer: Customer): Promise<PointsHistoryEntry[]> {
    await this.customers.authorize(scope, customer.shopId, customer.phone);
    const shop = this.shops.get(customer.shopId);
    const parts = await Promise.all(
      shop.loyalty.map((provider) =>
        provider.capabilities.pointsHistory
          ? this.fromProvider(customer, provider)
          : this.fromLedger(customer, provider),
      ),
    );
    // At the same time, the later id first (vendors number their lines: "10" after "9").
    return parts.flat().sort((a, b) => b.at.getTime() - a.at.getTime() || ID_ORDER.compare(b.id, a.id));
  }

  private async fromProvider(customer: Customer, provider: LoyaltyProvider): Promise<PointsHistoryEntry[]> {
    const externalId = await this.customers.providerRef(customer.id, provider.instanceId);
    const lines = await provider.pointsHistory({ phone: customer.phone, ...(externalId ? { externalId } : {}) });
    return (lines ?? []).slice(0, this.limit).map((l) => ({
      id: `${provider.instanceId}:${l.id}`,
      source: "PROVIDER",
      provider,
      points: l.points,
      at: l.at,
      reason: l.reason,
      orderId: null,
      vendorOrderId: l.orderRef,
    }));
  }

  /**
   * A purchase spent the points of its COMMIT row and earned what its order keeps (listed after the
   * spending, at the same time); a refund gave back the points of its REFUND row. Only moves the provider
   * has (applied) count.
   */
  private async fromLedger(customer: Customer, provider: LoyaltyProvider): Promise<PointsHistoryEntry[]> {
    const rows = await this.ledger.customerMoves(customer.id, provider.instanceId, this.limit);
    const entries: PointsHistoryEntry[] = [];
    for (const row of rows.filter(applied)) {
      const base = {
        source: "GATEWAY" as const,
        provider,
        at: row.updatedAt,
        orderId: row.orderId,
        vendorOrderId: null,
      };
      if (row.kind === "COMMIT") {
        if (row.orderPointsEarned > 0)
          entries.push({
            ...base,
            id: `${row.id}:b-earned`,
            points: row.orderPointsEarned,
            reason: "earned on an order",
          });
        if (row.points > 0)
          entries.push({ ...base, id: `${row.id}:a-spent`, points: -row.points, reason: "spent on an order" });
      } else if (row.points > 0) {
        entries.push({ ...base, id: `${row.id}:returned`, points: row.points, reason: "given back by a refund" });
      }
    }
    return entries;
  }
}
