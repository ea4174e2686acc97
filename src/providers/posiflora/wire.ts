import { z } from "zod";
import { decimal } from "../decimal-wire.ts";

/** JSON:API documents (`application/vnd.api+json`). */
export const JSON_API = "application/vnd.api+json";

/** `page[size]` of every list read: the largest page Posiflora's lists serve. */
export const PAGE_SIZE = 100;

export const sessionWire = z.object({
  data: z.object({
    type: z.string(),
    attributes: z.object({
      accessToken: z.string().min(1),
      refreshToken: z.string().min(1),
      expireAt: z.string(),
      refreshExpireAt: z.string().nullish(),
    }),
  }),
});

const relationship = z.object({ data: z.object({ id: z.string(), type: z.string() }).nullish() }).nullish();

export const customerResource = z.object({
  id: z.string(),
  type: z.literal("customers"),
  attributes: z.object({
    title: z.string().nullish(),
    phone: z.string().nullish(),
    countryCode: z.number().int().nullish(),
    bonusCard: z.string().nullish(),
    currentPoints: decimal.nullish(),
    spentPoints: decimal.nullish(),
    status: z.enum(["on", "off", "deleted"]).nullish(),
    updatedAt: z.string().nullish(),
  }),
  relationships: z.object({ bonusGroup: relationship }).partial().nullish(),
});
export type CustomerResource = z.infer<typeof customerResource>;

export const bonusGroupResource = z.object({
  id: z.string(),
  type: z.literal("bonus-groups"),
  attributes: z.object({
    title: z.string().nullish(),
    bonusRate: decimal,
    limit: decimal.nullish(),
    entryAmount: decimal.nullish(),
    status: z.string().nullish(),
  }),
});
export type BonusGroupResource = z.infer<typeof bonusGroupResource>;

export const customersWire = z.object({
  data: z.array(customerResource),
  included: z
    .array(z.union([bonusGroupResource, z.object({ type: z.string(), id: z.string() }).passthrough()]))
    .nullish(),
});

export const bonusGroupWire = z.object({ data: bonusGroupResource });

const pageMeta = z
  .object({
    page: z
      .object({ number: z.number().int(), size: z.number().int(), last: z.number().int().nullish() })
      .partial()
      .nullish(),
  })
  .passthrough()
  .nullish();

/** `GET /v1/customers` with `filter[updatedAt]`: every customer carries its `updatedAt`. */
export const changedCustomersWire = z.object({
  data: z.array(
    customerResource.extend({ attributes: customerResource.shape.attributes.extend({ updatedAt: z.string() }) }),
  ),
  meta: pageMeta,
});

const bonusHistoryLine = z.object({
  id: z.string(),
  type: z.literal("customer-bonus-history-lines"),
  attributes: z.object({
    amount: decimal,
    admin: z.boolean().nullish(),
    createdAt: z.string(),
  }),
  relationships: z
    .object({ order: z.object({ data: z.object({ id: z.string(), type: z.string() }).nullish() }).nullish() })
    .nullish(),
});

/**
 * `GET /v1/customers/{id}/bonus-history`. The schema types `data` as one line, but the operation's example
 * (and its `meta.total`) give a list; both are read.
 */
export const bonusHistoryWire = z.object({
  data: z.union([z.array(bonusHistoryLine), bonusHistoryLine.transform((line) => [line])]),
  meta: z.object({ total: z.number().int().nullish(), pageNumber: z.number().int().nullish() }).passthrough().nullish(),
});

export const orderResource = z.object({
  id: z.string(),
  type: z.literal("orders"),
  attributes: z
    .object({
      status: z.string(),
      docNo: z.union([z.string(), z.number()]).nullish(),
      totalAmount: decimal.nullish(),
      byBonuses: z.union([z.boolean(), decimal]).nullish(),
      revision: z.number().int().nullish(),
      deliveryStatus: z.string().nullish(),
    })
    .passthrough(),
  relationships: z
    .object({
      payments: z.object({ data: z.array(z.object({ type: z.string(), id: z.string() })).nullish() }).nullish(),
      /** The customer Posiflora accrues to when the order is done; none on an order without one. */
      customer: relationship,
    })
    .passthrough()
    .nullish(),
});
/** An order line as a compound document carries it (JSON:API `included`), with its item. */
export const orderLineResource = z.object({
  type: z.literal("order-lines"),
  id: z.string(),
  attributes: z.object({ qty: decimal, price: decimal, totalAmountWithDiscount: decimal.nullish() }).passthrough(),
  relationships: z.object({ item: z.object({ data: z.object({ type: z.string(), id: z.string() }) }) }).passthrough(),
});
export const orderWire = z.object({
  data: orderResource,
  /** JSON:API lets a server include related resources by default; the lines are read from here when present. */
  included: z
    .array(z.union([orderLineResource, z.object({ type: z.string(), id: z.string() }).passthrough()]))
    .nullish(),
});
export const orderListWire = z.object({
  data: z.array(orderResource.extend({ attributes: orderResource.shape.attributes.extend({ updatedAt: z.string() }) })),
  meta: pageMeta,
});
export const anyDocument = z.unknown();

export const errorsWire = z.object({
  errors: z
    .array(
      z.object({
        status: z.string().nullish(),
        code: z.string().nullish(),
        title: z.string().nullish(),
        detail: z.string().nullish(),
      }),
    )
    .min(1),
});

/** An order source (`/v1/order-sources`): where an order came from, by id, with the title staff see. */
const orderSourceResource = z.object({
  id: z.string().min(1),
  type: z.literal("order-sources"),
  attributes: z.object({ title: z.string(), hidden: z.boolean().nullish() }).passthrough(),
});
export const orderSourceWire = z.object({ data: orderSourceResource });
export const orderSourceListWire = z.object({
  data: z.array(orderSourceResource),
  meta: z
    .object({
      page: z.object({ number: z.number().int(), size: z.number().int() }).partial().nullish(),
      total: z.number().int().nullish(),
    })
    .passthrough()
    .nullish(),
});
