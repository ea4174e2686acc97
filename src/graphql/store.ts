import { InvalidInputError, ProviderError } from "../domain/errors.ts";
import type { CatalogStore } from "../domain/ports/catalog.port.ts";
import { builder } from "./builder.ts";

export const StoreRef = builder.objectRef<CatalogStore>("Store").implement({
  description: "A pickup point of the shop, from its order system.",
  fields: (t) => ({
    id: t.exposeID("id"),
    title: t.exposeString("title"),
    city: t.exposeString("city", { nullable: true }),
    address: t.exposeString("address", { nullable: true }),
    hours: t.exposeString("hours", {
      nullable: true,
      description: "Opening hours, where the order system has them (Posiflora's store has none).",
    }),
  }),
});

builder.queryField("stores", (t) =>
  t.field({
    type: [StoreRef],
    description: "The shop's pickup points. Cached with the catalog.",
    errors: { types: [InvalidInputError, ProviderError] },
    args: { shopId: t.arg.id({ required: true }) },
    resolve: (_r, { shopId }, ctx) => ctx.services.catalog.stores(ctx.scope, ctx.services.catalog.shop(String(shopId))),
  }),
);
