import { z } from "zod";
import type { AttentionRecord } from "../domain/order-attention.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { SCOPES } from "../domain/scopes.ts";
import { builder } from "./builder.ts";

const AttentionReasonEnum = builder.enumType("AttentionReason", {
  values: {
    REFUND_SHORTFALL: {
      description: "A refund took back fewer earned points than it should: the customer had spent them",
    },
    HOLD_LOST: { description: "Points held for a placed order are gone; the customer pays them in money" },
    STATUS_FOLLOW_UP: {
      description:
        "The order system reported a status the gateway could not follow (vendorStatus, errorCode); retried with back-off until nextRetryAt is null",
    },
    EXPIRY_FAILED: {
      description: "A checkout past its time could not be expired: its points may still be held at the vendor",
    },
    SOLD_DIFFERS: {
      description:
        "The florist sold less than the loyalty sale recorded at placement: points were earned on more than was sold; refund the difference or settle",
    },
    PAYMENT_ORPHANED: {
      description:
        "The PSP holds or took money for an order that no longer waits for it (cancelled or expired) and the gateway could not give it back: cancel or refund it in the PSP's dashboard, then settle",
    },
    PAYMENT_CAPTURE: {
      description:
        "The order reached its capture moment and the capture failed for good (the hold lapsed or was cancelled): the shop was not paid; ask the buyer to pay, then settle",
    },
    PAYMENT_REFUND: {
      description:
        "The money leg of a refund did not go through, or did while the points leg failed: repeat the same refund (same lines), or return the money in the PSP's dashboard, then settle",
    },
  },
});

const OrderAttention = builder.objectRef<AttentionRecord>("OrderAttention").implement({
  description: "Something about an order that staff must look at.",
  fields: (t) => ({
    id: t.exposeID("id"),
    orderId: t.exposeID("orderId"),
    reason: t.field({ type: AttentionReasonEnum, resolve: (r) => r.reason }),
    points: t.exposeInt("points", { description: "Points at stake" }),
    detail: t.exposeString("detail"),
    vendorStatus: t.exposeString("vendorStatus", {
      nullable: true,
      description: "STATUS_FOLLOW_UP: the order system's status that could not be followed",
    }),
    errorCode: t.exposeString("errorCode", { nullable: true, description: "The gateway error of the last attempt" }),
    attempts: t.exposeInt("attempts", { description: "Attempts the gateway made" }),
    nextRetryAt: t.string({
      nullable: true,
      description: "When the gateway tries again by itself; null: it waits for a person",
      resolve: (r) => r.nextRetryAt?.toISOString() ?? null,
    }),
    createdAt: t.string({ resolve: (r) => r.createdAt.toISOString() }),
    settledAt: t.string({ nullable: true, resolve: (r) => r.settledAt?.toISOString() ?? null }),
    settledBy: t.exposeString("settledBy", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
  }),
});

builder.queryField("ordersNeedingAttention", (t) =>
  t.field({
    type: [OrderAttention],
    description: "For the shop (orders:manage): orders a person must look at, oldest first.",
    authScopes: { service: SCOPES.ordersManage },
    errors: { types: [InvalidInputError] },
    args: { shopId: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => ctx.services.attention.open(ctx.scope, String(a.shopId)),
  }),
);

const AttentionActionEnum = builder.enumType("AttentionAction", {
  values: {
    RETRY: { description: "Try the cause again now (STATUS_FOLLOW_UP, EXPIRY_FAILED); a success settles it" },
    MARK_SETTLED: { description: "Close the order's open records: fixed at the vendor, or nothing is owed" },
  },
});

builder.mutationField("resolveOrderAttention", (t) =>
  t.field({
    type: [OrderAttention],
    description:
      "For the shop (orders:manage): act on an order's open attention records. Answers all the order's records, settled ones included.",
    authScopes: { service: SCOPES.ordersManage },
    errors: { types: [InvalidInputError, NotFoundError, ConflictError] },
    args: {
      orderId: t.arg.id({ required: true, validate: z.string().uuid("order ids are UUIDs") }),
      action: t.arg({ type: AttentionActionEnum, required: true }),
      note: t.arg.string({ required: true, validate: z.string().trim().min(1).max(500) }),
    },
    resolve: (_r, a, ctx) => ctx.services.attention.resolve(ctx.scope, String(a.orderId), a.action, a.note),
  }),
);
