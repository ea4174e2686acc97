import type { MinorUnits } from "../money.ts";

/**
 * The one contract every loyalty provider implements. The domain talks to providers only through this
 * port; adapters translate it to their vendor's wire format and map vendor errors to `ProviderError`
 * (see domain/errors.ts) at their edge. Amounts are integer minor units, points are whole points.
 *
 * A provider module (src/providers/<vendor>/module.ts) declares the provider's `capabilities` and
 * `behaviour` once; the registry binds them, with the module's id, to the adapter it builds. An adapter
 * leaves out the methods of capabilities its vendor lacks (`hold`, `release`, `refund`); the bound
 * provider answers those with `ProviderError("UNSUPPORTED_BY_PROVIDER")`, never silently.
 */
export interface LoyaltyProvider extends Omit<LoyaltyAdapter, "hold" | "release" | "refund"> {
  /** The id of the module that built it, as the shops file names the adapter. */
  readonly adapter: string;
  readonly capabilities: LoyaltyCapabilities;
  readonly behaviour: LoyaltyBehaviour;
  hold(request: HoldRequest): Promise<HoldReceipt>;
  release(request: ReleaseRequest): Promise<void>;
  refund(request: RefundRequest): Promise<RefundReceipt>;
}

/** What an adapter class implements; identity, capabilities and behaviour come from its module. */
export interface LoyaltyAdapter {
  /** Configured instance id, unique across shops, such as "flowers-bonusplus". */
  readonly instanceId: string;

  /**
   * Finds the customer's account by phone.
   * @returns the account, or `null` when the provider does not know the phone.
   * @example await provider.findCustomer({ phone: "79001234567" }) // { balance: 150, ... }
   */
  findCustomer(query: CustomerQuery): Promise<LoyaltyAccount | null>;

  /**
   * Finds the customer by the token of their QR code or app, where the provider supports it
   * (`capabilities.lookupBy` includes "QR"). The account's `phone` links it to our customer.
   * @example await provider.findCustomerByToken?.("qr-7f3a") // { phone: "79001234567", ... }
   */
  findCustomerByToken?(token: string): Promise<LoyaltyAccount | null>;

  /**
   * Prices a cart: per-line discounts, points earned, the most points redeemable, and the effect of
   * `redeemPoints` when given. Never moves points.
   * @example await provider.calculate({ customer: { phone }, lines, redeemPoints: 50 })
   */
  calculate(cart: Cart): Promise<Calculation>;

  /**
   * Reserves `points` for `orderId` so they cannot be spent elsewhere. Idempotent per `orderId`.
   * @example await provider.hold({ orderId, customer: { phone }, points: 50, idempotencyKey })
   */
  hold?(request: HoldRequest): Promise<HoldReceipt>;

  /** Releases a hold made by `hold`. Releasing a hold that is already gone succeeds. Present exactly when `hold` is. */
  release?(request: ReleaseRequest): Promise<void>;

  /**
   * Records the purchase: spends the redeemed points and accrues the earned ones. Repeating the same
   * `idempotencyKey` must not record a second purchase.
   * @example await provider.commit({ orderId, customer: { phone }, cart, redeemPoints: 50, idempotencyKey })
   */
  commit(request: CommitRequest): Promise<CommitReceipt>;

  /**
   * Returns all or some lines of a committed purchase; absent where `capabilities.refund` is NONE.
   * @example await provider.refund({ orderId, lines: [{ lineId: "o1-1", amount: 1000 }], idempotencyKey })
   */
  refund?(request: RefundRequest): Promise<RefundReceipt>;

  /**
   * Creates or updates products at the vendor, so promotions bound to a product fire; only where
   * `capabilities.productImport`. An upsert: repeating a batch is harmless. At most `importBatchLimit` per call.
   * @example await provider.importProducts?.([{ id: "f1…02", name: "Букет из 15 роз", category: "Розы", price: 350_000 }])
   */
  importProducts?(products: ProductExport[]): Promise<void>;
  readonly importBatchLimit?: number;
}

export interface ProductExport {
  id: string;
  name: string;
  category: string | null;
  /** Minor units. */
  price: number;
}

/**
 * How the provider's points move through an order, declared by its module. The domain chooses the
 * flow from this alone; it never asks which vendor it is talking to.
 */
export interface LoyaltyBehaviour {
  flow: LoyaltyFlow;
  /** Which writes may be sent again, under the same key, after their answer was lost. */
  replay: LoyaltyReplay;
  /** Money one point pays for, in minor units. */
  pointValue: MinorUnits;
}

export interface LoyaltyFlow {
  /** When the purchase is recorded: at confirmation, or once the order is completed. */
  commitAt: "CONFIRM" | "COMPLETE";
  /** The vendor wants its hold released before the purchase is recorded. */
  releaseBeforeCommit: boolean;
  /** The purchase call only spends points (the vendor accrues on its own), so an order spending none commits nothing. */
  commitOnlyToRedeem: boolean;
  /** The vendor may end a hold on its own (expiry, another operation at the point): it is made again right before the commit. */
  holdCanLapse: boolean;
  /** Why, with the vendor document's words, for the README and for support. */
  reason: string;
}

export interface LoyaltyReplay {
  /** The vendor deduplicates the purchase (by our key, a payment id or the order id). */
  commit: boolean;
  /** The vendor deduplicates the refund. */
  refund: boolean;
  reason: string;
}

export interface LoyaltyCapabilities {
  lookupBy: Array<"PHONE" | "CARD" | "QR">;
  /** LINES: per-line calculation; CHEQUE: whole cheque only; NONE: the gateway applies group rules. */
  calculation: "LINES" | "CHEQUE" | "NONE";
  /** NATIVE: the vendor holds points; LEDGER: the gateway keeps the hold; NONE: no hold. */
  hold: "NATIVE" | "LEDGER" | "NONE";
  refund: "PARTIAL" | "FULL" | "NONE";
  phoneVerification: boolean;
  productImport: boolean;
}

export interface CustomerQuery {
  phone: string;
  /** The provider's own id for the customer, when the gateway has learnt it (see ProviderCustomerRef). */
  externalId?: string;
}

export interface LoyaltyAccount {
  /** The customer's id at the provider, when it has one distinct from the phone. */
  externalId: string;
  phone: string;
  name: string | null;
  balance: number;
  /** Points accrued but not yet spendable. */
  pendingBalance: number;
  tier: string | null;
  nextTier: string | null;
  /** Spend (minor units) still needed to reach `nextTier`. */
  amountToNextTier: MinorUnits | null;
  /** Percentages as basis points: 500 = 5%. */
  earnRateBp: number | null;
  discountRateBp: number | null;
  maxRedeemRateBp: number | null;
  redeemBlocked: boolean;
  /** Points must be redeemed in multiples of this. */
  redeemMultiple: number;
}

export interface CartLine {
  /** Unique within the order; used for line returns. */
  lineId: string;
  productId: string;
  name?: string;
  quantity: number;
  unitPrice: MinorUnits;
  /** A shop-side discount already applied to the line. */
  shopDiscount?: MinorUnits;
}

export interface Cart {
  customer: CustomerQuery | null;
  lines: CartLine[];
  redeemPoints: number;
  coupons?: string[];
  currency: string;
}

export interface CalculatedLine {
  lineId: string;
  productId: string;
  quantity: number;
  subtotal: MinorUnits;
  /** Discount granted by the loyalty programme, not counting redeemed points. */
  discount: MinorUnits;
  /** The part of the redeemed points applied to this line, as money. */
  redeemed: MinorUnits;
  pointsEarned: number;
  messages: string[];
}

export interface Calculation {
  lines: CalculatedLine[];
  subtotal: MinorUnits;
  discount: MinorUnits;
  redeemedPoints: number;
  redeemed: MinorUnits;
  pointsEarned: number;
  maxRedeemablePoints: number;
  /** The customer's spendable balance, where the calculation learns it (it tells a balance refusal from a limit). */
  balance?: number;
  total: MinorUnits;
  /** Opaque vendor state to send back with confirm/commit (r_keeper's fingerprint). */
  vendorRef: string | null;
}

export interface HoldRequest {
  orderId: string;
  customer: CustomerQuery;
  /** The order as it stands; r_keeper confirms the whole order, not an amount. */
  cart: Cart;
  points: number;
  idempotencyKey: string;
}

export interface HoldReceipt {
  holdId: string;
  points: number;
  expiresAt: Date | null;
}

export interface ReleaseRequest {
  orderId: string;
  customer: CustomerQuery;
  holdId: string;
  points: number;
  idempotencyKey: string;
}

export interface CommitRequest {
  orderId: string;
  customer: CustomerQuery;
  cart: Cart;
  /** The hold made for this order, for providers that consume it on commit. */
  holdId?: string;
  idempotencyKey: string;
}

export interface CommitReceipt {
  reference: string;
  pointsRedeemed: number;
  pointsEarned: number;
}

export interface RefundRequest {
  orderId: string;
  customer: CustomerQuery;
  /** Omitted: the whole purchase. */
  lines?: RefundLine[];
  /** The points the purchase spent, for vendors that give them back by amount; the domain always sends it. */
  pointsRedeemed?: number;
  idempotencyKey: string;
}

export interface RefundLine {
  lineId: string;
  /** Money given back for the line: what the customer paid for the part returned. */
  amount: MinorUnits;
  /** The list amount of the part returned (unit price × quantity), before discounts and points. */
  subtotal: MinorUnits;
}

export interface RefundReceipt {
  reference: string;
  /** Money returned, when the provider works in amounts (line returns); null for a whole-purchase cancel. */
  refunded: MinorUnits | null;
}
