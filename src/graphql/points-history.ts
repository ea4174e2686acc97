import { z } from "zod";
import { InvalidInputError, NotFoundError, ProviderError } from "../domain/errors.ts";
import type { PointsHistoryEntry } from "../domain/points-history.ts";
import { builder } from "./builder.ts";
import { CustomerRef } from "./customer.ts";
import { offsetPage, PageInfo, type PageInfoShape } from "./page-info.ts";
import { LoyaltyProviderRef } from "./shop.ts";

const PointsHistorySource = builder.enumType("PointsHistorySource", {
  description: "Where an entry comes from: the provider's own history, or the gateway's ledger of its own moves.",
  values: {
    PROVIDER: { description: "The provider's record (every move, wherever it was made)" },
    GATEWAY: { description: "A move the gateway made (for providers that keep no history it can read)" },
  } as const,
});

const PointsHistoryEntryRef = builder.objectRef<PointsHistoryEntry>("PointsHistoryEntry").implement({
  description: "One move of the customer's points.",
  fields: (t) => ({
    source: t.field({ type: PointsHistorySource, resolve: (e) => e.source }),
    provider: t.field({ type: LoyaltyProviderRef, resolve: (e) => e.provider }),
    points: t.int({ description: "Signed: positive added, negative taken", resolve: (e) => e.points }),
    at: t.string({ description: "ISO 8601", resolve: (e) => e.at.toISOString() }),
    reason: t.string({ nullable: true, resolve: (e) => e.reason }),
    orderId: t.id({ nullable: true, description: "The gateway's order (GATEWAY entries)", resolve: (e) => e.orderId }),
    vendorOrderId: t.string({
      nullable: true,
      description: "The provider's order, where its history names one (PROVIDER entries)",
      resolve: (e) => e.vendorOrderId,
    }),
  }),
});

interface HistoryPage {
  edges: Array<{ cursor: string; node: PointsHistoryEntry }>;
  pageInfo: PageInfoShape;
  totalCount: number;
}

const PointsHistoryEdge = builder
  .objectRef<{ cursor: string; node: PointsHistoryEntry }>("PointsHistoryEdge")
  .implement({
    fields: (t) => ({
      cursor: t.exposeString("cursor"),
      node: t.field({ type: PointsHistoryEntryRef, resolve: (e) => e.node }),
    }),
  });

const PointsHistoryConnection = builder.objectRef<HistoryPage>("PointsHistoryConnection").implement({
  description: "Newest first.",
  fields: (t) => ({
    edges: t.field({ type: [PointsHistoryEdge], resolve: (c) => c.edges }),
    pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    totalCount: t.exposeInt("totalCount"),
  }),
});

const first = z.number().int().min(1, "first is at least 1").max(100, "first is at most 100");

builder.queryField("myPointsHistory", (t) =>
  t.field({
    type: PointsHistoryConnection,
    description:
      "The Mini App user's points moves in a shop, newest first: each provider's own history where it keeps one, the gateway's own moves elsewhere.",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError, NotFoundError, ProviderError] },
    args: {
      shopId: t.arg.id({ required: true }),
      first: t.arg.int({ defaultValue: 20, validate: first }),
      after: t.arg.string(),
    },
    resolve: async (_r, { shopId, first, after }, ctx) =>
      offsetPage(await ctx.services.pointsHistory.mine(ctx.scope, String(shopId)), first ?? 20, after),
  }),
);

builder.objectField(CustomerRef, "pointsHistory", (t) =>
  t.field({
    type: PointsHistoryConnection,
    description: "The customer's points moves, newest first, as myPointsHistory. Services need customers:read.",
    errors: { types: [InvalidInputError, ProviderError] },
    args: { first: t.arg.int({ defaultValue: 20, validate: first }), after: t.arg.string() },
    resolve: async (customer, { first, after }, ctx) =>
      offsetPage(await ctx.services.pointsHistory.of(ctx.scope, customer), first ?? 20, after),
  }),
);
