import { InvalidInputError, ProviderError } from "../domain/errors.ts";
import type { Slot, SlotDay } from "../domain/slots.ts";
import { builder } from "./builder.ts";

const FulfilmentKind = builder.enumType("FulfilmentKind", { values: ["PICKUP", "DELIVERY"] as const });

const SlotRef = builder.objectRef<Slot>("FulfilmentSlot").implement({
  description: "One pickup or delivery slot: pass `from` as the fulfilment's windowFrom.",
  fields: (t) => ({
    from: t.exposeString("from", { description: "The start, ISO 8601 UTC" }),
    to: t.exposeString("to", { description: "The end, ISO 8601 UTC" }),
    left: t.exposeInt("left", { description: "Orders the slot still takes (0: full)" }),
  }),
});

const SlotDayRef = builder.objectRef<SlotDay>("FulfilmentSlotDay").implement({
  fields: (t) => ({
    date: t.exposeString("date", { description: "The shop's local date, YYYY-MM-DD" }),
    slots: t.field({ type: [SlotRef], resolve: (d) => d.slots }),
  }),
});

builder.queryField("fulfilmentSlots", (t) =>
  t.field({
    type: [SlotDayRef],
    description:
      "The days and slots the shop sells for pickup (at a store) or delivery, in its time zone; createOrder takes only a free one. Empty where the shop sells no slots of that kind.",
    errors: { types: [InvalidInputError, ProviderError] },
    args: {
      shopId: t.arg.id({ required: true }),
      kind: t.arg({ type: FulfilmentKind, required: true }),
      storeId: t.arg.id({ description: "The pickup store (its own hours and capacity)" }),
    },
    resolve: async (_r, { shopId, kind, storeId }, ctx) => {
      const shop = ctx.services.catalog.shop(String(shopId));
      if (kind === "PICKUP" && storeId) await ctx.services.catalog.store(ctx.scope, shop, String(storeId));
      return ctx.services.slots.days(shop, kind, kind === "PICKUP" && storeId ? String(storeId) : null);
    },
  }),
);
