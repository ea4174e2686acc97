import type { AttentionRecord } from "../domain/order-attention.ts";
import { InvalidInputError } from "../domain/errors.ts";
import { SCOPES } from "../domain/scopes.ts";
import { builder } from "./builder.ts";

const AttentionReasonEnum = builder.enumType("AttentionReason", {
  values: {
    REFUND_SHORTFALL: {
      description: "A refund took back fewer earned points than it should: the customer had spent them",
    },
    HOLD_LOST: { description: "Points held for a placed order are gone; the customer pays them in money" },
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
    createdAt: t.string({ resolve: (r) => r.createdAt.toISOString() }),
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
