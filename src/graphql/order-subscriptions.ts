import { z } from "zod";
import { createRequestScope } from "../domain/request-scope.ts";
import type { OrderRecord } from "../domain/order.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { OrderRef } from "./order.ts";
import { CustomerRef } from "./customer.ts";
import { NotFoundError } from "../domain/errors.ts";
import type { Customer } from "../domain/customer.service.ts";
import { eventsOrResumed, isResumed } from "../events/pubsub.ts";

builder.subscriptionField("orderStatusChanged", (t) =>
  t.field({
    type: OrderRef,
    description:
      "The order now, then again after every status change. Over SSE (Accept: text/event-stream) with the same auth as queries.",
    authScopes: { authenticated: true },
    args: { orderId: t.arg.id({ required: true, validate: z.string().uuid("order ids are UUIDs") }) },
    subscribe: (_root, { orderId }, ctx) => stream(ctx, String(orderId)),
    resolve: (order) => order,
  }),
);

async function* stream(ctx: GraphQLContext, orderId: string): AsyncGenerator<OrderRecord> {
  // After a loss of the event connection the order is read again: a change published meanwhile is lost.
  const events = eventsOrResumed(ctx.services.pubsub, ctx.services.pubsub.subscribe("order:status", orderId));
  // The current state first, so a reconnecting client catches up before it waits.
  yield await ctx.services.orders.watch(ctx.scope, orderId);
  for await (const _event of events) {
    // A fresh request scope (and DataLoaders) for each event, not one for the whole subscription.
    ctx.scope = createRequestScope(ctx.scope.viewer);
    yield await ctx.services.orders.watch(ctx.scope, orderId);
  }
}

builder.subscriptionField("myOrderUpdates", (t) =>
  t.field({
    type: OrderRef,
    description: "Each of the Mini App user's orders in a shop as its status changes.",
    authScopes: { miniApp: true },
    args: { shopId: t.arg.id({ required: true }) },
    subscribe: (_root, { shopId }, ctx) => viewerOrders(ctx, String(shopId)),
    resolve: (order) => order,
  }),
);

/** The most recent orders looked at for changes missed while the event connection was lost. */
const RESUME_ORDERS = 50;
/** Instances' clocks differ a little: an order another one changed just before the loss is sent too. */
const CLOCK_MARGIN_MS = 5_000;

async function* viewerOrders(ctx: GraphQLContext, shopId: string): AsyncGenerator<OrderRecord> {
  if (ctx.scope.viewer.kind !== "telegram") return;
  ctx.services.shops.get(shopId);
  const { pubsub } = ctx.services;
  for await (const event of eventsOrResumed(
    pubsub,
    pubsub.subscribe("orders:viewer", ctx.scope.viewer.telegramUserId),
  )) {
    ctx.scope = createRequestScope(ctx.scope.viewer);
    if (isResumed(event)) {
      // The event connection was lost: the orders changed since then are sent again.
      const { orders } = await ctx.services.orders.list(ctx.scope, shopId, RESUME_ORDERS);
      for (const order of orders) if (order.updatedAt.getTime() >= event.lostAt - CLOCK_MARGIN_MS) yield order;
      continue;
    }
    if (event.shopId !== shopId) continue;
    yield await ctx.services.orders.watch(ctx.scope, event.orderId);
  }
}

builder.subscriptionField("loyaltyBalanceChanged", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "The Mini App user's customer, with fresh loyalty accounts, now and whenever their points move: a purchase or refund through the gateway, or a change made elsewhere (in the shop, by staff, an expiry) once the gateway learns it (see README, Balances that move elsewhere).",
    authScopes: { miniApp: true },
    args: { shopId: t.arg.id({ required: true }) },
    subscribe: (_root, { shopId }, ctx) => balances(ctx, String(shopId)),
    resolve: (customer) => customer,
  }),
);

/**
 * The generator waits for the next event inside `for await`, where a `return` would wait for that event
 * too; ending the events and the watch at once lets a closed subscription stop reading balances now.
 */
function balances(ctx: GraphQLContext, shopId: string): AsyncIterableIterator<Customer> {
  let end = () => {};
  const source = (async function* (): AsyncGenerator<Customer> {
    const me = await ctx.services.customers.me(ctx.scope, shopId);
    if (!me) throw new NotFoundError("CUSTOMER_NOT_FOUND", "link a phone first");
    // After a loss of the event connection the balance is read again: a change published meanwhile is lost.
    const events = eventsOrResumed(ctx.services.pubsub, ctx.services.pubsub.subscribe("balance:customer", me.id));
    // While the subscription is open, balances changed outside the gateway are looked for too.
    const watch = ctx.services.balanceWatch.watch(me);
    end = () => {
      watch.stop();
      void events.return?.(undefined);
    };
    try {
      await watch.ready;
      yield me;
      for await (const event of events) {
        // A move the gateway made is read again by the watch, so that it is not announced twice.
        if (!isResumed(event) && event.origin !== "watch") await watch.refresh();
        // Resolvers read the accounts through ctx.scope; a new scope per event means fresh provider calls.
        ctx.scope = createRequestScope(ctx.scope.viewer);
        yield me;
      }
    } finally {
      watch.stop();
    }
  })();
  return {
    next: () => source.next(),
    return: () => {
      end();
      return source.return(undefined);
    },
    throw: (error?: unknown) => {
      end();
      return source.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
