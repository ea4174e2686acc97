import {
  CatalogError,
  ConflictError,
  ERROR_CODES,
  GatewayError,
  InvalidInputError,
  LoyaltyRuleError,
  NotFoundError,
  PriceChangedError,
  ProviderError,
  RefundShortfallError,
  SlotError,
  VerificationError,
} from "../domain/errors.ts";
import { Money, money } from "./money.ts";
import { builder } from "./builder.ts";

export const ErrorCodeEnum = builder.enumType("ErrorCode", { values: ERROR_CODES });

type ErrorShape = GatewayError | { failure: GatewayError };
const unwrap = (e: ErrorShape): GatewayError => ("failure" in e ? e.failure : e);

export const ErrorInterface = builder.interfaceRef<ErrorShape>("Error").implement({
  description: "An expected failure. Match on `code`; it never changes.",
  fields: (t) => ({
    code: t.field({ type: ErrorCodeEnum, resolve: (e) => unwrap(e).code }),
    message: t.string({ resolve: (e) => unwrap(e).message }),
  }),
});

const InputIssue = builder.objectRef<{ path: string; message: string }>("InputIssue").implement({
  fields: (t) => ({ path: t.exposeString("path"), message: t.exposeString("message") }),
});

builder.objectType(InvalidInputError, {
  name: "InvalidInputError",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof InvalidInputError,
  fields: (t) => ({ issues: t.field({ type: [InputIssue], resolve: (e) => e.issues }) }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof NotFoundError,
  fields: () => ({}),
});

builder.objectType(ProviderError, {
  name: "ProviderError",
  description: "A provider failed or refused. `vendorCode` is the vendor's own code, when it sent one.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof ProviderError,
  fields: (t) => ({
    providerId: t.exposeString("provider"),
    vendorCode: t.exposeString("vendorCode", { nullable: true }),
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", { nullable: true }),
  }),
});

builder.objectType(LoyaltyRuleError, {
  name: "LoyaltyRuleError",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof LoyaltyRuleError,
  fields: (t) => ({ maxRedeemablePoints: t.exposeInt("maxRedeemablePoints", { nullable: true }) }),
});

builder.objectType(ConflictError, {
  name: "ConflictError",
  description: "INVALID_STATE (the order's status does not allow this), HOLD_EXPIRED, or IDEMPOTENCY_CONFLICT.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof ConflictError,
  fields: () => ({}),
});

builder.objectType(SlotError, {
  name: "SlotError",
  description:
    "SLOT_UNAVAILABLE (not one of the shop's slots, past, closed or after the cut-off) or SLOT_FULL (its capacity is taken). Ask fulfilmentSlots again; nothing was created.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof SlotError,
  fields: (t) => ({ windowFrom: t.exposeString("windowFrom") }),
});

builder.objectType(CatalogError, {
  name: "CatalogError",
  description:
    "A cart line the shop cannot sell: UNKNOWN_PRODUCT, NOT_SOLD_AT_STORE, or INSUFFICIENT_STOCK (with `available`).",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof CatalogError,
  fields: (t) => ({
    lineIndex: t.exposeInt("lineIndex", { description: "The input line, counted from 0" }),
    productId: t.exposeID("productId"),
    storeId: t.exposeID("storeId", { nullable: true }),
    available: t.exposeInt("available", { nullable: true }),
  }),
});

builder.objectType(PriceChangedError, {
  name: "PriceChangedError",
  description:
    "PRICE_CHANGED: the price sent is not the catalog's. Show `currentPrice` and ask again; nothing was created.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof PriceChangedError,
  fields: (t) => ({
    lineIndex: t.exposeInt("lineIndex"),
    productId: t.exposeID("productId"),
    currentPrice: t.field({ type: Money, resolve: (e) => money(e.currentPrice, e.currency) }),
  }),
});

builder.objectType(VerificationError, {
  name: "VerificationError",
  description:
    "A proof of a phone that does not hold: VERIFICATION_FAILED (bad signature or code, not yours, or too many wrong codes), VERIFICATION_EXPIRED, VERIFICATION_REPLAYED; or RATE_LIMITED, a code asked for again too soon (`retryAfterSeconds`).",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof VerificationError,
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt("retryAfterSeconds", { nullable: true }),
    attemptsLeft: t.exposeInt("attemptsLeft", {
      nullable: true,
      description: "Checks the code has left, where a code was checked (0: ask for a new one)",
    }),
  }),
});

builder.objectType(RefundShortfallError, {
  name: "RefundShortfallError",
  description:
    "REFUND_SHORTFALL: the refund would take back earned points the customer has spent since, and the shop refuses such refunds (refundShortfall: REFUSE). Nothing was moved.",
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof RefundShortfallError,
  fields: (t) => ({
    providerId: t.exposeString("provider"),
    pointsToRevoke: t.exposeInt("pointsToRevoke", {
      description: "Earned points to take back, net of spent points given back",
    }),
    balance: t.exposeInt("balance", { description: "What the customer has now" }),
    shortfallPoints: t.exposeInt("shortfallPoints"),
  }),
});
