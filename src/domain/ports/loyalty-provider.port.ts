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
export interface LoyaltyProvider extends Omit<LoyaltyAdapter, OptionalMethod> {
  /** The id of the module that built it, as the shops file names the adapter. */
  readonly adapter: string;
  readonly capabilities: LoyaltyCapabilities;
  readonly behaviour: LoyaltyBehaviour;
  hold(request: HoldRequest): Promise<HoldReceipt>;
  release(request: ReleaseRequest): Promise<void>;
  refund(request: RefundRequest): Promise<RefundReceipt>;
  findCustomerByToken(token: string): Promise<LoyaltyAccount | null>;
  findCustomerByCard(card: string): Promise<LoyaltyAccount | null>;
  sendCode(phone: string): Promise<void>;
  checkCode(phone: string, code: string): Promise<boolean>;
  registerCustomer(profile: CustomerProfile): Promise<LoyaltyAccount>;
  updateCustomer(customer: CustomerQuery, profile: CustomerProfile): Promise<LoyaltyAccount>;
  balance(customer: CustomerQuery): Promise<number | null>;
  changedCustomers(since: string | null, page: number): Promise<ChangedCustomers>;
  pointsHistory(customer: CustomerQuery): Promise<ProviderPointsEntry[] | null>;
  earnedPoints(request: EarnedPointsQuery): Promise<number | null>;
}

/** Methods an adapter leaves out where its vendor lacks the capability; the bound provider refuses them. */
export type OptionalMethod =
  | "hold"
  | "release"
  | "refund"
  | "findCustomerByToken"
  | "findCustomerByCard"
  | "sendCode"
  | "checkCode"
  | "registerCustomer"
  | "updateCustomer"
  | "balance"
  | "changedCustomers"
  | "pointsHistory"
  | "earnedPoints";

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
   * Finds the customer by their loyalty card number (`capabilities.lookupBy` includes "CARD").
   * @example await provider.findCustomerByCard?.("PF-0001") // { phone: "79001234567", ... }
   */
  findCustomerByCard?(card: string): Promise<LoyaltyAccount | null>;

  /**
   * Sends the vendor's verification code to the phone by SMS (`capabilities.phoneVerification`).
   * @example await provider.sendCode?.("79001234567")
   */
  sendCode?(phone: string): Promise<void>;

  /**
   * Checks a code `sendCode` sent: true when it is right, false when the vendor refuses it as wrong.
   * Present exactly when `sendCode` is.
   * @example await provider.checkCode?.("79001234567", "4821") // true
   */
  checkCode?(phone: string, code: string): Promise<boolean>;

  /**
   * Creates the customer at the vendor (`capabilities.registration`); a phone it knows already is not an
   * error: the existing account is returned.
   * @example await provider.registerCustomer?.({ phone: "79005550101", name: "Вера Новикова" })
   */
  registerCustomer?(profile: CustomerProfile): Promise<LoyaltyAccount>;

  /**
   * Changes the customer's profile at the vendor (`capabilities.profileUpdate`).
   * @example await provider.updateCustomer?.({ phone: "79005550101" }, { phone: "79005550101", name: "Вера" })
   */
  updateCustomer?(customer: CustomerQuery, profile: CustomerProfile): Promise<LoyaltyAccount>;

  /**
   * The points the customer can spend now, where a documented read tells it; `null` where none does, or
   * where the vendor does not know the customer. Left out, the bound provider reads `findCustomer` where
   * the provider finds customers by phone, and answers `null` elsewhere.
   * @example await provider.balance?.({ phone: "79001234567", externalId: "502" }) // 150
   */
  balance?(customer: CustomerQuery): Promise<number | null>;

  /**
   * The customers whose record changed at the vendor since `since` (the newest `updatedAt` a caller
   * kept, or null for a first look), a page at a time, with their balance now; only where
   * `capabilities.balanceFeed`. Changes made elsewhere (a purchase in the shop, an admin's correction,
   * expiry) are learnt from it.
   * @example await provider.changedCustomers?.("2026-12-07T04:00:00Z", 1) // { customers: [...], next: null }
   */
  changedCustomers?(since: string | null, page: number): Promise<ChangedCustomers>;

  /**
   * The vendor's record of the customer's points moves, newest first (`capabilities.pointsHistory`);
   * `null` where the vendor does not know the customer.
   * @example await provider.pointsHistory?.({ phone: "79001234567" }) // [{ points: -120, reason: "…" }]
   */
  pointsHistory?(customer: CustomerQuery): Promise<ProviderPointsEntry[] | null>;

  /**
   * The points the vendor accrued by itself on a completed order, as its own books show them; only
   * where the purchase call does not accrue (`flow.commitOnlyToRedeem`). `null` where the books do not
   * tell it (yet): the order then keeps the calculation's estimate. Left out, the bound provider
   * answers `null`. Never moves points.
   * @example await provider.earnedPoints?.({ orderId, customer: { phone: "79001234567" } }) // 42
   */
  earnedPoints?(request: EarnedPointsQuery): Promise<number | null>;

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
  /** How a refund takes back the points a purchase earned, for the shop's `refundShortfall` policy. */
  revocation: LoyaltyRevocation;
}

export interface LoyaltyRevocation {
  /**
   * LINES: the vendor takes earned points back in proportion to the part of each line returned, so the
   * gateway can take back less by returning less at the vendor (REVOKE_AVAILABLE); WHOLE: a return takes
   * back everything the purchase earned, or the provider refunds nothing.
   */
  scale: "LINES" | "WHOLE";
  /** The vendor's documents say a balance may go below zero (ALLOW_NEGATIVE). */
  negativeBalance: boolean;
  reason: string;
}

export interface LoyaltyFlow {
  /**
   * How redeemed points reach the order system's order: DISCOUNT (the loyalty programme's own points,
   * a discount on the lines the customer pays), or ORDER_PAYMENT (the order system's own points, paid as
   * a bonus payment on its order; the lines keep their price).
   */
  redeemedAs: "DISCOUNT" | "ORDER_PAYMENT";
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
  /** The vendor sends and checks an SMS code (sendCode, checkCode). */
  phoneVerification: boolean;
  /** The vendor creates customers (registerCustomer). */
  registration: boolean;
  /** The vendor changes a customer's profile (updateCustomer). */
  profileUpdate: boolean;
  /** The vendor takes promo codes with a calculation and the purchase (`Cart.coupons`). */
  coupons: boolean;
  productImport: boolean;
  /** The vendor lists customers changed since a time (changedCustomers); elsewhere balances are read per subscriber. */
  balanceFeed: boolean;
  /** The vendor keeps a history of a customer's points moves (pointsHistory); elsewhere the gateway's ledger is shown. */
  pointsHistory: boolean;
}

export interface ChangedCustomers {
  customers: ChangedCustomer[];
  /** The next page to ask for, or null after the last. */
  next: number | null;
}

export interface ChangedCustomer {
  externalId: string;
  /** E.164 digits. */
  phone: string;
  /** Spendable points now. */
  balance: number;
  /** The vendor's time of the change, as it wrote it (the caller's next `since`). */
  updatedAt: string;
}

/** One move of a customer's points in the vendor's books. */
export interface ProviderPointsEntry {
  /** The vendor's id for the move. */
  id: string;
  /** Signed: positive added, negative taken. */
  points: number;
  at: Date;
  /** What the vendor says of it, where it says anything. */
  reason: string | null;
  /** The vendor's order it belongs to, where it names one. */
  orderRef: string | null;
}

/** What a customer tells about themselves when they join or edit their profile. */
export interface CustomerProfile {
  phone: string;
  /** As the customer wrote it ("Вера Новикова"); vendors that keep parts split it at the first space. */
  name: string;
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
  /** When the order was opened (its creation, ISO 8601); absent for a cart that is no order yet. */
  openedAt?: string;
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
  /** The promotions that priced this line, where the vendor names them. */
  promotions?: Promotion[];
}

/** A promotion the vendor applied, as data: the line it priced, or the whole cart. */
export interface Promotion {
  /** The vendor's id for it, where it gives one. */
  id: string | null;
  name: string;
  kind: "DISCOUNT" | "GIFT" | "POINTS_MULTIPLIER" | "OTHER";
  /** Money it took off, where it says; minor units. */
  amount: MinorUnits | null;
  /** Units given free (GIFT). */
  freeQuantity: number | null;
}

/** What became of a promo code sent with the cart. `applied` is null where the vendor does not say. */
export interface CouponResult {
  code: string;
  applied: boolean | null;
  /** For developers, in the adapter's words. */
  reason: string | null;
  /** Why, for a buyer, where the adapter knows more than `applied` says (CUSTOMER_REQUIRED: sign in first). */
  reasonCode?: "CUSTOMER_REQUIRED";
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
  /** One entry per code of `Cart.coupons`, in order (the domain fills in what an adapter leaves out). */
  coupons?: CouponResult[];
  /** Promotions of the whole cart (those of a line are on the line). */
  promotions?: Promotion[];
  /** The vendor's messages about the whole cart (campaign and bonus-programme notes). */
  messages?: string[];
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
  /**
   * The hold's reference from `hold`; null where the gateway never learnt it (the hold's answer was
   * lost): the adapter then releases what the order holds where its vendor finds holds by order, and
   * otherwise leaves the hold to lapse (say so in its README).
   */
  holdId: string | null;
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

export interface EarnedPointsQuery {
  orderId: string;
  /** The order's loyalty customer; null where the order has none (the vendor's order may still name a buyer). */
  customer: CustomerQuery | null;
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
  /** The points the purchase earned, for vendors that take them back; the domain always sends it. */
  pointsEarned?: number;
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
