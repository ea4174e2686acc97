import { ConflictError, ERROR_CODES, GatewayError, InvalidInputError, LoyaltyRuleError, NotFoundError, ProviderError } from "../domain/errors.ts";
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
