import { z } from "zod";
import { SCOPES } from "../domain/scopes.ts";
import { InvalidInputError, ProviderError } from "../domain/errors.ts";
import type { ProductSyncProgress } from "../domain/product-sync.ts";
import { builder } from "./builder.ts";
import type { Services } from "./context.ts";

type ProgressView = ProductSyncProgress & { phase: "LISTENING" | "EXPORTING" | "DONE" };

const ProductSyncProgressRef = builder.objectRef<ProgressView>("ProductSyncProgress").implement({
  description: "How far a product export to one loyalty provider has got.",
  fields: (t) => ({
    phase: t.exposeString("phase", { description: "LISTENING (the subscription is open), EXPORTING, DONE" }),
    shopId: t.exposeID("shopId"),
    providerId: t.exposeID("providerId"),
    total: t.exposeInt("total", { description: "Products in the catalog" }),
    changed: t.exposeInt("changed", { description: "Products that differ from what the provider last got" }),
    sent: t.exposeInt("sent"),
    batch: t.exposeInt("batch"),
    batches: t.exposeInt("batches"),
  }),
});

const view = (p: ProductSyncProgress): ProgressView => ({ ...p, phase: p.done ? "DONE" : "EXPORTING" });

builder.mutationField("syncProducts", (t) =>
  t.field({
    type: [ProductSyncProgressRef],
    description:
      "Exports the shop's catalog to each of its loyalty providers that import products (BonusPlus), in batches. Sends only what changed since the last run; resumes a run that stopped.",
    authScopes: { service: SCOPES.catalogSync },
    errors: { types: [InvalidInputError, ProviderError] },
    args: {
      shopId: t.arg.id({ required: true }),
      force: t.arg.boolean({ description: "Send every product, changed or not (a provider that lost them)." }),
      batchSize: t.arg.int({
        validate: z.number().int().min(1, "batchSize is at least 1").max(100, "batchSize is at most 100"),
      }),
      idempotencyKey: t.arg.string({ required: true, validate: z.string().trim().min(8).max(128) }),
    },
    resolve: (_r, { shopId, batchSize, force, idempotencyKey }, ctx) =>
      ctx.services.idempotency.once(
        `syncProducts:${idempotencyKey}`,
        [String(shopId), batchSize ?? null, force ?? false],
        async () =>
          (
            await ctx.services.productSync.run(String(shopId), {
              batchSize: batchSize ?? undefined,
              force: force ?? false,
            })
          ).map(view),
        {
          encode: (v) => JSON.stringify(v),
          decode: (s) => Promise.resolve(JSON.parse(s) as ProgressView[]),
        },
      ),
  }),
);

builder.subscriptionField("productSyncProgress", (t) =>
  t.field({
    type: ProductSyncProgressRef,
    description:
      "Progress of product exports for a shop: LISTENING first (safe to start the sync), then one event per batch.",
    authScopes: { service: SCOPES.catalogSync },
    args: { shopId: t.arg.id({ required: true }) },
    subscribe: (_root, { shopId }, ctx) => progress(ctx.services, String(shopId)),
    resolve: (p) => p,
  }),
);

async function* progress(services: Services, shopId: string): AsyncGenerator<ProgressView> {
  services.catalog.shop(shopId);
  const events = services.pubsub.subscribe("productSync:shop", shopId)[Symbol.asyncIterator]();
  // Asking for the first event starts the listener, so nothing published after LISTENING is missed.
  let next = events.next();
  yield {
    phase: "LISTENING",
    shopId,
    providerId: "",
    total: 0,
    changed: 0,
    sent: 0,
    batch: 0,
    batches: 0,
    done: false,
  };
  for (;;) {
    const r = await next;
    if (r.done) return;
    yield view(r.value);
    next = events.next();
  }
}
