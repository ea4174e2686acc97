/** Stable error codes of the gateway. Clients match on these; never rename one. */
export const ERROR_CODES = [
  "INVALID_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CUSTOMER_NOT_FOUND",
  "INSUFFICIENT_BONUSES",
  "REDEEM_LIMIT_EXCEEDED",
  "REDEEM_BLOCKED",
  "HOLD_EXPIRED",
  "UNSUPPORTED_BY_PROVIDER",
  "PROVIDER_UNAVAILABLE",
  "PROVIDER_REJECTED",
  "RATE_LIMITED",
  "IDEMPOTENCY_CONFLICT",
  "INVALID_STATE",
  "UNKNOWN_PRODUCT",
  "NOT_SOLD_AT_STORE",
  "INSUFFICIENT_STOCK",
  "PRICE_CHANGED",
  "VERIFICATION_FAILED",
  "VERIFICATION_EXPIRED",
  "VERIFICATION_REPLAYED",
  "REFUND_SHORTFALL",
  "SERVICE_UNAVAILABLE",
  "SLOT_UNAVAILABLE",
  "SLOT_FULL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface InputIssue {
  path: string;
  message: string;
}

export class InvalidInputError extends GatewayError {
  constructor(
    message: string,
    readonly issues: InputIssue[] = [],
  ) {
    super("INVALID_INPUT", message);
  }
}

export class AccessError extends GatewayError {
  constructor(code: "UNAUTHENTICATED" | "FORBIDDEN", message: string) {
    super(code, message);
  }
}

export class NotFoundError extends GatewayError {
  constructor(code: "NOT_FOUND" | "CUSTOMER_NOT_FOUND", message: string) {
    super(code, message);
  }
}

export type ProviderErrorCode =
  | "PROVIDER_UNAVAILABLE"
  | "PROVIDER_REJECTED"
  | "RATE_LIMITED"
  | "UNSUPPORTED_BY_PROVIDER"
  | "CUSTOMER_NOT_FOUND"
  | "INSUFFICIENT_BONUSES"
  | "HOLD_EXPIRED"
  | "REDEEM_BLOCKED"
  | "REDEEM_LIMIT_EXCEEDED"
  | "INVALID_STATE"
  | "IDEMPOTENCY_CONFLICT";

export interface ProviderErrorDetails {
  /** The vendor's own code, when it sent one. */
  vendorCode?: string | null;
  retryAfterSeconds?: number | null;
  /** True when the vendor may have acted on the request (a timeout or a 5xx on a write). */
  uncertain?: boolean;
}

/** An error that came from (or on the way to) one provider instance, with the vendor's own code kept. */
export class ProviderError extends GatewayError {
  readonly vendorCode: string | null;
  readonly retryAfterSeconds: number | null;
  readonly uncertain: boolean;

  constructor(
    code: ProviderErrorCode,
    message: string,
    readonly provider: string,
    details: ProviderErrorDetails = {},
  ) {
    super(code, message);
    this.vendorCode = details.vendorCode ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
    this.uncertain = details.uncertain ?? false;
  }
}

/** A loyalty rule stopped the request before any provider was asked to move points. */
export class LoyaltyRuleError extends GatewayError {
  constructor(
    code: "INSUFFICIENT_BONUSES" | "REDEEM_LIMIT_EXCEEDED" | "REDEEM_BLOCKED",
    message: string,
    readonly maxRedeemablePoints: number | null = null,
  ) {
    super(code, message);
  }
}

/** The request clashes with the order's state or an earlier request: INVALID_STATE, HOLD_EXPIRED, IDEMPOTENCY_CONFLICT. */
export class ConflictError extends GatewayError {
  constructor(code: "INVALID_STATE" | "HOLD_EXPIRED" | "IDEMPOTENCY_CONFLICT", message: string) {
    super(code, message);
  }
}

/**
 * A pickup or delivery time the shop does not sell: SLOT_UNAVAILABLE (not one of its slots, past, closed,
 * after the cut-off) or SLOT_FULL (the slot's daily capacity is taken).
 */
export class SlotError extends GatewayError {
  constructor(
    code: "SLOT_UNAVAILABLE" | "SLOT_FULL",
    message: string,
    readonly windowFrom: string,
  ) {
    super(code, message);
  }
}

/** A cart line the shop window cannot sell: an unknown product, one the store does not sell, or more than it has. */
export class CatalogError extends GatewayError {
  constructor(
    code: "UNKNOWN_PRODUCT" | "NOT_SOLD_AT_STORE" | "INSUFFICIENT_STOCK",
    message: string,
    readonly lineIndex: number,
    readonly productId: string,
    readonly storeId: string | null = null,
    /** Pieces left, for INSUFFICIENT_STOCK. */
    readonly available: number | null = null,
  ) {
    super(code, message);
  }
}

/** The client's price is not the catalog's; `currentPrice` (minor units) is what the shop charges now. */
export class PriceChangedError extends GatewayError {
  constructor(
    readonly lineIndex: number,
    readonly productId: string,
    readonly currentPrice: number,
    readonly currency: string,
  ) {
    super("PRICE_CHANGED", `the price of ${productId} is now ${currentPrice} minor units`);
  }
}

/**
 * A proof of a phone that does not hold: a bad signature or code, an old one, or one already used; or
 * RATE_LIMITED, a code asked for again too soon (`retryAfterSeconds` says when it may be).
 * `attemptsLeft`: the checks the code has left, where a code was checked.
 */
export class VerificationError extends GatewayError {
  constructor(
    code: "VERIFICATION_FAILED" | "VERIFICATION_EXPIRED" | "VERIFICATION_REPLAYED" | "RATE_LIMITED",
    message: string,
    readonly retryAfterSeconds: number | null = null,
    readonly attemptsLeft: number | null = null,
  ) {
    super(code, message);
  }
}

/**
 * A refund would take back more earned points than the customer has left (they spent them since), and
 * the shop's `refundShortfall` policy is REFUSE: nothing was moved.
 */
export class RefundShortfallError extends GatewayError {
  constructor(
    readonly provider: string,
    /** Points the refund would take back, net of the spent points it gives back. */
    readonly pointsToRevoke: number,
    /** What the customer has now. */
    readonly balance: number,
  ) {
    super(
      "REFUND_SHORTFALL",
      `the refund would take back ${pointsToRevoke} points and the customer has ${balance}: ${pointsToRevoke - balance} short`,
    );
  }

  get shortfallPoints(): number {
    return this.pointsToRevoke - this.balance;
  }
}

/**
 * SERVICE_UNAVAILABLE: the gateway's own database or Redis cannot be reached just now (a restart, a
 * failover). Nothing is known to have changed; ask again with the same idempotency key after
 * `retryAfterSeconds`.
 */
export class ServiceUnavailableError extends GatewayError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("SERVICE_UNAVAILABLE", message);
  }
}
