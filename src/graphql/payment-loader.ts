import DataLoader from "dataloader";
import type { OrderRecord } from "../domain/order.ts";
import type { PaymentRecord } from "../domain/payment.ts";
import type { GraphQLContext } from "./context.ts";

/** The newest payment of each order a request reads, one query per batch. */
const loaders = new WeakMap<GraphQLContext, DataLoader<string, PaymentRecord | null>>();
export function paymentOf(ctx: GraphQLContext, order: OrderRecord): Promise<PaymentRecord | null> {
  // A shop that takes no payments has none: no query for its orders.
  if (!ctx.services.shops.get(order.shopId).payment) return Promise.resolve(null);
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids) => {
      const latest = await ctx.services.payments.latestForMany(ids);
      return ids.map((id) => latest.get(id) ?? null);
    });
    loaders.set(ctx, loader);
  }
  return loader.load(order.id);
}
