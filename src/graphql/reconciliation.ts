import { z } from "zod";
import type { LedgerRecord } from "../domain/ledger-entry.ts";
import { ConflictError, InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { SCOPES } from "../domain/scopes.ts";
import { builder } from "./builder.ts";
import { OrderRef } from "./order.ts";

const LedgerKindEnum = builder.enumType("LedgerKind", { values: ["HOLD", "RELEASE", "COMMIT", "REFUND"] as const });

const LedgerStateEnum = builder.enumType("LedgerState", {
  values: {
    PENDING: { description: "Written; the provider call is under way" },
    SUCCEEDED: {},
    FAILED: { description: "Refused: nothing moved" },
    UNKNOWN: { description: "The answer was lost; recovery asks the provider or replays the call" },
    NEEDS_ATTENTION: {
      description: "No document lets recovery learn the outcome: check the vendor, then settleReconciliation",
    },
    SETTLED: { description: "Settled by a person (settledApplied, settledBy, settledNote)" },
  },
});

const LedgerEntry = builder.objectRef<LedgerRecord>("LedgerEntry").implement({
  description: "One provider call that moves points, as the gateway's ledger recorded it.",
  fields: (t) => ({
    id: t.exposeID("id"),
    orderId: t.exposeID("orderId"),
    providerId: t.exposeID("providerInstanceId"),
    kind: t.field({ type: LedgerKindEnum, resolve: (e) => e.kind }),
    points: t.exposeInt("points"),
    state: t.field({ type: LedgerStateEnum, resolve: (e) => e.state }),
    settledApplied: t.boolean({
      nullable: true,
      description: "SETTLED: whether the vendor's books showed the move",
      resolve: (e) => e.settlement?.applied ?? null,
    }),
    settledBy: t.string({ nullable: true, resolve: (e) => e.settlement?.by ?? null }),
    settledNote: t.string({ nullable: true, resolve: (e) => e.settlement?.note ?? null }),
    note: t.exposeString("error", { nullable: true }),
    createdAt: t.string({ resolve: (e) => e.createdAt.toISOString() }),
  }),
});

builder.objectField(OrderRef, "ledger", (t) =>
  t.field({
    type: [LedgerEntry],
    nullable: true,
    description: "For the shop (orders:manage): the order's loyalty moves as the ledger recorded them, oldest first.",
    authScopes: { service: SCOPES.ordersManage },
    resolve: (order, _a, ctx) => ctx.services.reconciliation.entries(ctx.scope, order.id),
  }),
);

builder.queryField("reconciliationQueue", (t) =>
  t.field({
    type: [LedgerEntry],
    description:
      "For the shop (orders:manage): loyalty moves whose outcome the vendor gives no way to learn; check its back office, then settleReconciliation.",
    authScopes: { service: SCOPES.ordersManage },
    args: { shopId: t.arg.id() },
    resolve: (_r, a, ctx) => ctx.services.reconciliation.queue(ctx.scope, a.shopId ? String(a.shopId) : null),
  }),
);

const SettleInput = builder.inputType("SettleReconciliationInput", {
  fields: (t) => ({
    entryId: t.id({ required: true }),
    applied: t.boolean({ required: true, description: "Whether the vendor's books show the operation" }),
    note: t.string({ required: true, validate: z.string().min(1).max(500) }),
  }),
});

builder.mutationField("settleReconciliation", (t) =>
  t.field({
    type: LedgerEntry,
    description:
      "For the shop (orders:manage): settle a ledger entry after checking the vendor's back office. Applied: the order carries on as if the answer had come; not applied: the next attempt sends the call again.",
    authScopes: { service: SCOPES.ordersManage },
    errors: { types: [InvalidInputError, NotFoundError, ConflictError] },
    args: { input: t.arg({ type: SettleInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.reconciliation.settle(ctx.scope, String(input.entryId), input.applied, input.note),
  }),
);
