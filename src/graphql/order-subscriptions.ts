import { z } from "zod";
import { createRequestScope } from "../domain/request-scope.ts";
import type { OrderRecord } from "../persistence/order.repository.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { OrderRef } from "./order.ts";

builder.subscriptionField("orderStatusChanged", (t) =>
  t.field({
    type: OrderRef,
    description: "The order now, then again after every status change. Over SSE (Accept: text/event-stream) with the same auth as queries.",
    authScopes: { authenticated: true },
    args: { orderId: t.arg.id({ required: true, validate: z.string().uuid("order ids are UUIDs") }) },
    subscribe: (_root, { orderId }, ctx) => stream(ctx, String(orderId)),
    resolve: (order) => order,
  }));

async function* stream(ctx: GraphQLContext, orderId: string): AsyncGenerator<OrderRecord> {
  const events = ctx.services.pubsub.subscribe("order:status", orderId);
  // The current state first, so a reconnecting client catches up before it waits.
  yield await ctx.services.orders.get(ctx.scope, orderId);
  for await (const _event of events) {
    // A fresh request scope (and DataLoaders) for each event, not one for the whole subscription.
    yield await ctx.services.orders.get(createRequestScope(ctx.scope.viewer), orderId);
  }
}
