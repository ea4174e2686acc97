import { readFileSync } from "node:fs";
import { z } from "zod";
import { isTimeZone } from "../domain/shop-calendar.ts";
import { LOYALTY_MODULES } from "../providers/registry.ts";
import { ConfigError, formatIssues, strictObject } from "./format-issues.ts";

export { providerInstanceSchema, type ProviderInstanceInput } from "./provider-instance.ts";
import { id, type ProviderInstanceInput, providerInstanceSchema } from "./provider-instance.ts";
import { paymentSettingsSchema } from "./payments.ts";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as "09:00"');

const slotRulesSchema = strictObject({
  opens: hhmm,
  closes: hhmm,
  slotMinutes: z.number().int().min(15).max(720),
  leadMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  cutoff: hhmm.nullable().default(null),
  closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date such as 2026-12-31")).default([]),
  capacity: z.number().int().min(1).max(10_000),
  daysAhead: z.number().int().min(1).max(60).default(7),
}).refine((r) => r.opens < r.closes, { message: "closes after it opens", path: ["closes"] });
const partialSlotRulesSchema = strictObject({
  opens: hhmm.optional(),
  closes: hhmm.optional(),
  slotMinutes: z.number().int().min(15).max(720).optional(),
  leadMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .optional(),
  cutoff: hhmm.nullable().optional(),
  closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).optional(),
  capacity: z.number().int().min(1).max(10_000).optional(),
});

/**
 * The times a shop sells: pickup and delivery slots, with per-store changes to the pickup rules. Where a
 * kind has rules, createOrder takes only a free slot of them; `required` makes a slot compulsory.
 */
const slotsSchema = strictObject({
  pickup: slotRulesSchema.optional(),
  delivery: slotRulesSchema.optional(),
  /** Store id → what differs there for pickup (its hours, closed dates, capacity). */
  stores: z.record(z.string(), partialSlotRulesSchema).default({}),
  required: z.boolean().default(true),
});
export type SlotsConfig = z.infer<typeof slotsSchema>;

const shopSchema = strictObject({
  id,
  name: z.string().min(1),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as RUB")
    .default("RUB"),
  /** The shop's IANA time zone: an order's date in the order system is the date there. */
  timezone: z.string().refine(isTimeZone, "an IANA time zone such as Europe/Moscow").default("Europe/Moscow"),
  loyalty: z.array(providerInstanceSchema).min(1),
  /**
   * What a refund does when it would take back earned points the customer has spent since: REFUSE (the
   * default: a typed error, nothing moved), REVOKE_AVAILABLE (take back what is there, record the rest
   * for staff; providers that return line by line), ALLOW_NEGATIVE (providers whose documents allow it).
   */
  refundShortfall: z.enum(["REFUSE", "REVOKE_AVAILABLE", "ALLOW_NEGATIVE"]).optional(),
  /**
   * Minutes an order may stay unplaced (CALCULATED or BONUSES_HELD) after its last change: then its points
   * are released at the vendor and it is cancelled with the event EXPIRED.
   */
  checkoutTtlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
  slots: slotsSchema.optional(),
  /** The shop's order system (Posiflora), if orders should be created there. */
  orders: providerInstanceSchema.optional(),
  /**
   * Money through the gateway (config/payments.ts): PREPAY has the buyer pay ahead at the PSP before the
   * order is placed; ON_PICKUP, or none, leaves the money to the shop, as before.
   */
  payment: paymentSettingsSchema.optional(),
  /**
   * Server-side prices for a shop whose order system has no catalog: cart lines are priced from here,
   * never as a client sends them. Prices are decimal text in the shop's currency ("350.00").
   */
  prices: z
    .array(
      strictObject({
        productId: z.string().min(1).max(100),
        name: z.string().min(1).max(200),
        price: z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'a decimal such as "350.00"'),
        /** The shop-window category the item is listed under (its title); the shop's name when absent. */
        category: z.string().min(1).max(100).optional(),
        description: z.string().max(2_000).optional(),
        /** An absolute URL or a path on the gateway's host. */
        photoUrl: z.string().min(1).max(500).optional(),
      }),
    )
    .max(10_000)
    .optional(),
  /** Pickup points of a shop without an order system: its price list is sold at each of them. */
  stores: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        title: z.string().min(1).max(200),
        city: z.string().max(100).optional(),
        address: z.string().max(300).optional(),
        hours: z.string().max(200).optional(),
      }),
    )
    .max(1_000)
    .optional(),
});

export const shopsConfigSchema = strictObject({ shops: z.array(shopSchema).min(1) }).superRefine((cfg, ctx) => {
  const seen = new Set<string>();
  cfg.shops.forEach((shop, s) => {
    if (seen.has(shop.id))
      ctx.addIssue({ code: "custom", path: ["shops", s, "id"], message: `duplicate id ${shop.id}` });
    seen.add(shop.id);
    shop.loyalty.forEach((p, i) => {
      if (seen.has(p.id))
        ctx.addIssue({ code: "custom", path: ["shops", s, "loyalty", i, "id"], message: `duplicate id ${p.id}` });
      seen.add(p.id);
    });
    if (shop.payment) {
      const { id } = shop.payment.provider;
      if (seen.has(id))
        ctx.addIssue({
          code: "custom",
          path: ["shops", s, "payment", "provider", "id"],
          message: `duplicate id ${id}`,
        });
      seen.add(id);
    }
    shop.loyalty.forEach((p, i) => {
      const module = LOYALTY_MODULES[p.adapter];
      const policy = shop.refundShortfall ?? "REFUSE";
      if (!module || module.capabilities.refund === "NONE" || policy === "REFUSE") return;
      const { revocation } = module.behaviour;
      const fits = policy === "REVOKE_AVAILABLE" ? revocation.scale === "LINES" : revocation.negativeBalance;
      if (!fits) {
        const why =
          policy === "REVOKE_AVAILABLE"
            ? "cannot take back less than a purchase earned"
            : "documents no negative balance";
        ctx.addIssue({
          code: "custom",
          path: ["shops", s, "refundShortfall"],
          message: `${policy}: loyalty[${i}] (${p.adapter}) ${why} (${revocation.reason})`,
        });
      }
    });
    shop.loyalty.forEach((p, i) => {
      const needs = LOYALTY_MODULES[p.adapter]?.requiresOrderSystem;
      if (needs && shop.orders?.adapter !== needs) {
        ctx.addIssue({
          code: "custom",
          path: ["shops", s, "orders"],
          message: `loyalty[${i}] (${p.adapter}) needs a ${needs} order system in the same shop`,
        });
      }
    });
    if (!shop.orders && !shop.prices) {
      ctx.addIssue({
        code: "custom",
        path: ["shops", s, "prices"],
        message: "a shop without an order system needs a price list: client prices are never trusted",
      });
    }
    if (shop.orders && shop.stores) {
      ctx.addIssue({
        code: "custom",
        path: ["shops", s, "stores"],
        message: "the stores of a shop with an order system come from that system",
      });
    }
    if (shop.orders) {
      if (seen.has(shop.orders.id))
        ctx.addIssue({ code: "custom", path: ["shops", s, "orders", "id"], message: `duplicate id ${shop.orders.id}` });
      seen.add(shop.orders.id);
    }
  });
});
export type ShopsConfig = z.infer<typeof shopsConfigSchema>;
export type ShopConfig = ShopsConfig["shops"][number];

/** Reads and validates the shops file; a bad file stops start-up with the bad key named. */
export function loadShopsConfig(path: string): ShopsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`SHOPS_CONFIG ${path}: ${(error as Error).message}`);
  }
  return parseShopsConfig(raw, path);
}

export function parseShopsConfig(raw: unknown, source = "shops config"): ShopsConfig {
  const parsed = shopsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`Invalid ${source}:\n${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** Replaces `env:NAME` references with the variables' values; a missing one is a config error. */
export function resolveCredentials(
  instance: ProviderInstanceInput,
  env: Record<string, string | undefined>,
  path: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(instance.credentials).map(([key, ref]) => {
      const name = ref.slice("env:".length);
      const value = env[name];
      if (!value)
        throw new ConfigError(
          `Invalid shops config:\n${path}.credentials.${key}: environment variable ${name} is not set`,
        );
      return [key, value];
    }),
  );
}
