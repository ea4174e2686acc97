import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { createGuard, describeIssues } from "../kit/guard.ts";
import { decimal, decimalToMinor, minorToJsonNumber } from "../kit/money.ts";
import { openApiGate } from "../kit/openapi-gate.ts";
import { type OpenApiDocument, OpenApiValidator, type Problem } from "../kit/openapi-validator.ts";
import { json, readJson, Router } from "../kit/router.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { noteViolation } from "../kit/violations.ts";
import { addCatalogControls, addCatalogRoutes } from "./catalog-routes.ts";
import {
  type BonusGroup,
  type BonusHistoryLine,
  type Customer,
  JsonApiError,
  type Order,
  type OrderSource,
  PosifloraState,
} from "./state.ts";

/**
 * The operations of the vendor's OpenAPI document (2022_16-v2) that the gateway calls, cut out of the
 * 1 MB original by scripts/posiflora-openapi-subset.ts. Every request is checked against it.
 */
const openapi = JSON.parse(readFileSync(new URL("./openapi.json", import.meta.url), "utf8")) as OpenApiDocument;
const validator = new OpenApiValidator(openapi);

const CONTENT = { "content-type": "application/vnd.api+json" };
const doc = (body: unknown, status = 200) => json(body, status, CONTENT);

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  409: "Conflict",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
};

/** A JSON:API error object: `{status, code, title, detail, source: {pointer | parameter}}`. */
const errorObject = (
  status: number,
  code: string,
  detail: string,
  source?: { pointer?: string; parameter?: string },
) => ({
  id: randomUUID(),
  status: String(status),
  code,
  title: TITLES[status] ?? code,
  detail,
  ...(source ? { source } : {}),
});

const style: VendorErrorStyle = {
  error: (status, code, detail, source) => doc({ errors: [errorObject(status, code, detail, source)] }, status),
};

/**
 * JSON:API's answers to a request the document does not allow: a query parameter the server does not
 * know is 400 Bad Request ("it MUST return 400 Bad Request"), a body of another media type is 415, and
 * a body that does not match the schema is 422, one error object per problem with its `source`.
 */
function refuseByDocument(problems: Problem[]): Response {
  const status = problems.some((p) => p.in === "query" || p.in === "path")
    ? 400
    : problems.some((p) => p.in === "header")
      ? 415
      : 422;
  const errors = problems.map((p) =>
    p.in === "query" || p.in === "path"
      ? errorObject(status, "INVALID_PARAMETER", `${p.at} ${p.message}`, { parameter: p.at })
      : p.in === "header"
        ? errorObject(status, "UNSUPPORTED_MEDIA_TYPE", `content-type ${p.message}`)
        : errorObject(status, "INVALID_ATTRIBUTE", `${p.at || "the body"} ${p.message}`, { pointer: p.at || "/" }),
  );
  return doc({ errors }, status);
}

const customerResource = (c: Customer) => ({
  type: "customers",
  id: c.id,
  attributes: {
    title: c.title,
    phone: c.phone,
    countryCode: c.countryCode,
    bonusCard: c.bonusCard,
    currentPoints: c.currentPoints,
    spentPoints: c.spentPoints,
    status: c.status,
    updatedAt: c.updatedAt,
  },
  relationships: { bonusGroup: { data: c.bonusGroupId ? { type: "bonus-groups", id: c.bonusGroupId } : null } },
});

const historyLineResource = (l: BonusHistoryLine) => ({
  type: "customer-bonus-history-lines",
  id: l.id,
  attributes: { amount: l.amount, admin: l.admin, createdAt: l.createdAt },
  relationships: { order: { data: l.orderId ? { type: "orders", id: l.orderId } : null } },
  links: { self: `/customer-bonus-history-lines/${l.id}` },
});

/** A page of a list: `page[number]` and `page[size]` (at most 100), with `meta.page`. */
function paged<T>(q: URLSearchParams, all: T[]) {
  const number = Math.max(1, Number(q.get("page[number]") ?? 1));
  const size = Math.min(100, Math.max(1, Number(q.get("page[size]") ?? 20)));
  const last = Math.max(1, Math.ceil(all.length / size));
  return { items: all.slice((number - 1) * size, number * size), page: { number, size, last } };
}

const groupResource = (g: BonusGroup) => ({
  type: "bonus-groups",
  id: g.id,
  attributes: { title: g.title, bonusRate: g.bonusRate, limit: g.limit, entryAmount: g.entryAmount, status: g.status },
});

export const orderResource = (o: Order) => ({
  type: "orders",
  id: o.id,
  attributes: {
    ...o.attributes,
    docNo: o.docNo,
    status: o.status,
    totalAmount: minorToJsonNumber(o.totalAmount),
    byBonuses: o.byBonuses,
    revision: o.revision,
    updatedAt: o.updatedAt,
    ...(o.deliveryStatus ? { deliveryStatus: o.deliveryStatus } : {}),
  },
  relationships: {
    ...o.relationships,
    // The customer the order accrues to at `done`: the simulator's books decide, as Posiflora's would.
    customer: { data: o.customerId ? { type: "customers", id: o.customerId } : null },
    payments: { data: o.payments.map((p) => ({ type: "order-payments", id: p.id })) },
  },
});

const orderLineResource = (l: Order["lines"][number]) => ({
  type: "order-lines",
  id: l.id,
  attributes: {
    qty: minorToJsonNumber(l.qty),
    price: minorToJsonNumber(l.price),
    totalAmount: minorToJsonNumber(l.totalAmount),
    totalAmountWithDiscount: minorToJsonNumber(l.totalAmountWithDiscount),
  },
  relationships: { item: { data: { type: "inventory-items", id: l.itemId } } },
});

const orderSourceResource = (o: OrderSource) => ({
  type: "order-sources",
  id: o.id,
  attributes: { title: o.title, hidden: o.hidden, revision: o.revision },
});

/** CreateOrderSource: `data` is an array of sources, each with its title (and our id, optionally). */
const orderSourceCreateSchema = z.object({
  data: z
    .array(
      z.object({
        type: z.literal("order-sources").default("order-sources"),
        id: z.string().min(1).optional(),
        attributes: z.object({ title: z.string().trim().min(1) }),
      }),
    )
    .min(1),
});

const statusSchema = z.enum(["new", "assembled", "courier", "done", "canceled", "returned", "notAccepted"]);
const ref = (type: string) => z.object({ data: z.object({ type: z.literal(type), id: z.string().min(1) }) });

/** The order body the documents describe: a client-made UUID, attributes, and inline lines with an item each. */
const orderCreateSchema = z.object({
  data: z.object({
    type: z.literal("orders"),
    id: z.string().uuid(),
    attributes: z.object({ status: statusSchema.optional(), byBonuses: z.boolean().optional() }).passthrough(),
    relationships: z.object({
      source: ref("order-sources").optional(),
      store: ref("stores").optional(),
      customer: ref("customers").optional(),
      lines: z.object({
        data: z
          .array(
            z.object({
              type: z.literal("order-lines"),
              attributes: z
                .object({
                  qty: decimal,
                  price: decimal,
                  totalAmount: decimal.optional(),
                  discountPrice: decimal.optional(),
                  totalAmountWithDiscount: decimal.optional(),
                })
                .passthrough(),
              relationships: z.object({ item: ref("inventory-items") }),
            }),
          )
          .min(1),
      }),
    }),
  }),
});

/** CreateCustomerReq: a client-made id (optional), the attributes the schema names, and the bonus group. */
const customerCreateSchema = z.object({
  data: z.object({
    type: z.literal("customers"),
    id: z.string().uuid().optional(),
    attributes: z
      .object({
        title: z.string().min(1),
        phone: z.string().regex(/^\d{5,15}$/, "digits of the local number"),
        countryCode: z.number().int().positive().optional(),
        status: z.enum(["on", "off", "deleted"]).optional(),
        bonusCard: z.string().optional(),
      })
      .passthrough(),
    relationships: z
      .object({ bonusGroup: ref("bonus-groups").optional() })
      .passthrough()
      .optional(),
  }),
});

/**
 * Posiflora (JSON:API, `/api/v1/...`): sessions that expire, customers with bonus groups, and orders
 * with payments. Access tokens live `accessTtlSeconds`; a refresh token renews them, once.
 *
 * Requests are checked against the vendor's OpenAPI document (the gate): an undeclared query
 * parameter, a wrong type, enum or format is refused as JSON:API does, and a field no schema describes
 * is recorded as a violation.
 *
 * Sessions follow providers.md: "Refresh ahead of `expireAt`, or on a 401 ... Concurrent requests must
 * share one refresh (single flight)". A refresh token is good for one refresh. Presenting one that was
 * already used, or refreshing a session that was itself made by a refresh moments ago (within half
 * its lifetime, at most `justRefreshedSeconds`), is a refresh of a token that was just refreshed: it is
 * refused with 401, as an unknown refresh token is, and recorded as a flow violation.
 */
export function createPosifloraSimulator(options: {
  username: string;
  password: string;
  accessTtlSeconds?: number;
  justRefreshedSeconds?: number;
  state?: PosifloraState;
}) {
  const state = options.state ?? new PosifloraState();
  const access = new Map<string, number>();
  /** Refresh token -> when it stops working, when its session was issued, and whether by a refresh. */
  const refresh = new Map<string, { until: number; issuedAt: number; byRefresh: boolean }>();
  /** Refresh tokens already used, for telling "just refreshed" from "unknown". */
  const used = new Set<string>();
  const accessTtl = (options.accessTtlSeconds ?? 3600) * 1000;
  const justRefreshed = Math.min((options.justRefreshedSeconds ?? 5) * 1000, accessTtl / 2);

  const issue = (byRefresh: boolean) => {
    const accessToken = randomUUID();
    const refreshToken = randomUUID();
    const now = Date.now();
    const expireAt = now + accessTtl;
    access.set(accessToken, expireAt);
    refresh.set(refreshToken, { until: now + 30 * 86_400_000, issuedAt: now, byRefresh });
    return doc({
      data: {
        type: "sessions",
        id: randomUUID(),
        attributes: {
          accessToken,
          refreshToken,
          expireAt: new Date(expireAt).toISOString(),
          refreshExpireAt: new Date(refresh.get(refreshToken)!.until).toISOString(),
          saasCustomerId: 1,
        },
      },
    });
  };

  const authed = createGuard({
    style,
    admit: (req) => {
      const token = /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
      const until = token ? access.get(token) : undefined;
      return !until || until < Date.now()
        ? { status: 401, code: "UNAUTHORIZED", message: "Access token is missing or expired" }
        : null;
    },
    failure: (error) =>
      error instanceof JsonApiError
        ? {
            status: error.status,
            code: error.code,
            message: error.detail,
            ...(error.at ? { source: { pointer: error.at.pointer } } : {}),
            ...(error.at?.violation ? { violation: error.at.violation } : {}),
          }
        : undefined,
    invalidBody: (issues) => ({ status: 422, code: "INVALID_ATTRIBUTE", message: describeIssues(issues, "/") }),
  });
  const body = authed.body;

  const vendor = new Router("/api/v1")
    .on("POST", "/sessions", async (req) => {
      const b = (await readJson(req)) as
        { data?: { attributes?: { username?: string; password?: string } } } | undefined;
      const a = b?.data?.attributes;
      if (a?.username !== options.username || a?.password !== options.password)
        return style.error(401, "INVALID_CREDENTIALS", "Invalid username or password");
      return issue(false);
    })
    .on("PATCH", "/sessions", async (req) => {
      const b = (await readJson(req)) as { data?: { attributes?: { refreshToken?: string } } } | undefined;
      const token = b?.data?.attributes?.refreshToken;
      const session = token ? refresh.get(token) : undefined;
      const justNow = session?.byRefresh && Date.now() - session.issuedAt < justRefreshed;
      if (token && (used.has(token) || justNow)) {
        noteViolation(req, {
          kind: "flow",
          detail: used.has(token)
            ? "PATCH /v1/sessions with a refresh token that was already used: concurrent requests must share one refresh"
            : "PATCH /v1/sessions for a session refreshed moments ago: refresh ahead of expireAt, or on a 401",
        });
        return style.error(401, "INVALID_REFRESH_TOKEN", "The session was just refreshed");
      }
      if (!session || session.until < Date.now())
        return style.error(401, "INVALID_REFRESH_TOKEN", "Refresh token is invalid or expired");
      refresh.delete(token!);
      used.add(token!);
      return issue(true);
    })
    .on(
      "GET",
      "/customers",
      authed((req) => {
        const q = new URL(req.url).searchParams;
        // `filter[updatedAt]` is a date (`format: date`): customers updated on those days, in UTC.
        const from = q.get("filter[updatedAt][from]");
        const to = q.get("filter[updatedAt][to]");
        const all = state
          .search(q.get("search") ?? "")
          .filter((c) => c.status !== "deleted")
          .filter((c) => (!from || c.updatedAt.slice(0, 10) >= from) && (!to || c.updatedAt.slice(0, 10) <= to));
        const { items: found, page } = paged(q, all);
        const include = q.get("include")?.split(",") ?? [];
        const groups = include.includes("bonusGroup")
          ? [...new Set(found.map((c) => c.bonusGroupId).filter((g): g is string => !!g))].map((g) =>
              groupResource(state.groups.get(g)!),
            )
          : [];
        return doc({
          data: found.map(customerResource),
          ...(groups.length ? { included: groups } : {}),
          meta: { total: all.length, page },
        });
      }),
    )
    .on(
      "POST",
      "/customers",
      authed(async (req) => {
        const b = await body(req, customerCreateSchema);
        const a = b.data.attributes;
        const customer = state.createCustomer({
          id: b.data.id ?? randomUUID(),
          title: a.title,
          phone: a.phone,
          countryCode: a.countryCode ?? 7,
          bonusCard: a.bonusCard ?? "",
          status: a.status ?? "on",
          bonusGroupId: b.data.relationships?.bonusGroup?.data.id ?? null,
        });
        return doc({ data: customerResource(customer) }, 201);
      }),
    )
    .on(
      "PATCH",
      "/customers/:id",
      authed(async (req, { id }) => {
        const b = await body(
          req,
          z.object({
            data: z.object({
              type: z.literal("customers"),
              id: z.string().optional(),
              attributes: z.object({ title: z.string().min(1).optional() }).passthrough(),
            }),
          }),
        );
        const customer = state.customer(id!);
        if (b.data.attributes.title) customer.title = b.data.attributes.title;
        customer.updatedAt = state.now().toISOString();
        return doc({ data: customerResource(customer) });
      }),
    )
    .on(
      "GET",
      "/order-sources",
      authed((req) => {
        const q = new URL(req.url).searchParams;
        const number = Math.max(1, Number(q.get("page[number]") ?? 1));
        const size = Math.min(100, Math.max(1, Number(q.get("page[size]") ?? 10)));
        const all = [...state.orderSources.values()];
        return doc({
          data: all.slice((number - 1) * size, number * size).map(orderSourceResource),
          meta: { page: { number, size }, total: all.length, revision: 0 },
        });
      }),
    )
    .on(
      "GET",
      "/customers/:id/bonus-history",
      // The operation declares no paging parameter: every line is one page, oldest first as the example.
      authed((_req, { id }) => {
        const lines = state.history.get(state.customer(id!).id) ?? [];
        return doc({
          meta: { total: lines.length, pageNumber: 1, pageSize: lines.length },
          data: lines.map(historyLineResource),
        });
      }),
    )
    .on(
      "GET",
      "/order-sources/:id",
      authed((_req, { id }) => {
        const source = state.orderSources.get(id!);
        if (!source) throw new JsonApiError(404, "NOT_FOUND", `Order source ${id} not found`);
        return doc({ data: orderSourceResource(source) });
      }),
    )
    .on(
      "POST",
      "/order-sources",
      authed(async (req) => {
        const b = await body(req, orderSourceCreateSchema);
        // All or nothing: one id that exists refuses the whole request.
        const taken = b.data.find((s) => s.id !== undefined && state.orderSources.has(s.id));
        if (taken) throw new JsonApiError(409, "Conflict", `Order source ${taken.id} already exists`);
        const made = b.data.map((s) =>
          state.createOrderSource({ ...(s.id ? { id: s.id } : {}), title: s.attributes.title }),
        );
        return doc({ data: made.map(orderSourceResource) }, 201);
      }),
    )
    .on(
      "GET",
      "/bonus-groups/:id",
      authed((_req, { id }) => {
        const g = state.groups.get(id!);
        if (!g) throw new JsonApiError(404, "NOT_FOUND", `Bonus group ${id} not found`);
        return doc({ data: groupResource(g) });
      }),
    )
    .on(
      "POST",
      "/orders",
      authed(async (req) => {
        const b = await body(req, orderCreateSchema);
        const lines = b.data.relationships?.lines?.data ?? [];
        const customerId = b.data.relationships?.customer?.data?.id ?? null;
        if (customerId && !state.customers.has(customerId))
          throw new JsonApiError(422, "CUSTOMER_NOT_FOUND", `Customer ${customerId} not found`);
        // Sources are resources with ids (`/v1/order-sources`): an order naming one that does not exist
        // sends a made-up id.
        const sourceId = b.data.relationships.source?.data.id;
        if (sourceId !== undefined && !state.orderSources.has(sourceId))
          throw new JsonApiError(422, "ORDER_SOURCE_NOT_FOUND", `Order source ${sourceId} not found`, {
            pointer: "/data/relationships/source/data/id",
            violation: "body",
          });
        const { status, ...attributes } = b.data.attributes;
        const store = b.data.relationships?.store?.data?.id;
        const orderLines = lines.map((l, i) => {
          const a = l.attributes;
          const amount = mulDecimal(decimalToMinor(a.price), decimalToMinor(a.qty));
          return {
            id: `${b.data.id}-${i + 1}`,
            itemId: l.relationships.item.data.id,
            qty: decimalToMinor(a.qty),
            price: decimalToMinor(a.price),
            totalAmount: a.totalAmount === undefined ? amount : decimalToMinor(a.totalAmount),
            discountPrice: a.discountPrice === undefined ? null : decimalToMinor(a.discountPrice),
            totalAmountWithDiscount:
              a.totalAmountWithDiscount === undefined ? amount : decimalToMinor(a.totalAmountWithDiscount),
          };
        });
        const order = state.createOrder({
          id: b.data.id,
          status: status ?? "new",
          customerId,
          totalAmount: orderLines.reduce((a, l) => a + l.totalAmountWithDiscount, 0),
          lines: orderLines,
          byBonuses: attributes.byBonuses ?? false,
          attributes,
          relationships: {
            ...b.data.relationships,
            lines: { data: lines.map((_line, i) => ({ type: "order-lines", id: `${b.data.id}-${i + 1}` })) },
          },
        });
        if (store)
          for (const l of lines)
            state.catalog.take(l.relationships.item.data.id, store, decimalToMinor(l.attributes.qty) / 100);
        return doc({ data: orderResource(order) }, 201);
      }),
    )
    .on(
      "PATCH",
      "/orders/:id",
      authed(async (req, { id }) => {
        const b = await body(
          req,
          z.object({
            data: z.object({
              type: z.literal("orders"),
              id: z.string(),
              attributes: z
                .object({ status: statusSchema.optional(), cancelComment: z.string().optional() })
                .passthrough(),
            }),
          }),
        );
        const order = state.order(id!);
        const { status, ...rest } = b.data.attributes;
        order.attributes = { ...order.attributes, ...rest };
        return doc({ data: orderResource(status && status !== order.status ? state.setStatus(id!, status) : order) });
      }),
    )
    .on(
      "GET",
      "/orders/:id",
      // A compound document: the server includes the order's lines by default (JSON:API lets it).
      authed((_req, { id }) => {
        const order = state.order(id!);
        return doc({ data: orderResource(order), included: order.lines.map(orderLineResource) });
      }),
    )
    .on(
      "GET",
      "/orders",
      authed((req) => {
        const q = new URL(req.url).searchParams;
        const from = q.get("filter[updatedAt][from]");
        // No `sort` is documented for this list; it comes in the order the orders were made.
        const all = [...state.orders.values()].filter((o) => !from || Date.parse(o.updatedAt) >= Date.parse(from));
        const { items, page } = paged(q, all);
        return doc({ data: items.map(orderResource), meta: { page, total: all.length } });
      }),
    )
    .on(
      "POST",
      "/orders/:id/payments",
      authed(async (req, { id }) => {
        const b = await body(
          req,
          z.object({
            data: z.object({
              type: z.literal("order-payments").default("order-payments"),
              id: z.string().optional(),
              attributes: z.object({
                paymentType: z.enum(["payment", "return", "change"]),
                amount: decimal,
                bonusAmount: z.number().int().nonnegative().default(0),
                prepayment: z.boolean().optional(),
              }),
            }),
          }),
        );
        state.pay(id!, {
          id: b.data.id,
          paymentType: b.data.attributes.paymentType,
          amount: decimalToMinor(b.data.attributes.amount),
          bonusAmount: b.data.attributes.bonusAmount,
          ...(b.data.attributes.prepayment !== undefined ? { prepayment: b.data.attributes.prepayment } : {}),
        });
        return doc({ data: orderResource(state.order(id!)) });
      }),
    )
    .on(
      "PATCH",
      "/orders/:id/delivery-status",
      authed(async (req, { id }) => {
        const b = await body(
          req,
          z.object({
            data: z.object({
              type: z.literal("orders-delivery-status").default("orders-delivery-status"),
              id: z.string().optional(),
              attributes: z.object({ deliveryStatus: z.enum(["courier", "delivered", "cannotBeDelivered"]) }),
            }),
          }),
        );
        return doc({ data: orderResource(state.setDeliveryStatus(id!, b.data.attributes.deliveryStatus)) });
      }),
    )
    .on(
      "PATCH",
      "/orders/:id/return",
      authed((_req, { id }) => doc({ data: orderResource(state.returnOrder(id!)) })),
    );

  // The shop's side, for tests and demos: move an order as a florist or courier would.
  const control = new Router("/__sim")
    .on(
      "POST",
      "/orders/:id/lines",
      authed.open(async (req, { id }) => {
        const b = z
          .object({
            lines: z
              .array(z.object({ itemId: z.string().min(1), qty: decimal, price: decimal }))
              .min(1)
              .max(100),
          })
          .safeParse(await readJson(req));
        if (!b.success) return json({ error: "lines: [{ itemId, qty, price }] with decimal qty and price" }, 400);
        const lines = b.data.lines.map((l) => ({
          itemId: l.itemId,
          qty: decimalToMinor(l.qty),
          price: decimalToMinor(l.price),
        }));
        return json({ data: orderResource(state.editLines(id!, lines)) });
      }),
    )
    // The vendor's clock: every time Posiflora writes (updatedAt, bonus history) moves with it.
    .on("POST", "/clock", async (req) => {
      const b = z
        .object({
          advanceSeconds: z
            .number()
            .int()
            .positive()
            .max(366 * 86_400),
        })
        .safeParse(await readJson(req));
      if (!b.success) return json({ error: b.error.message }, 400);
      state.advance(b.data.advanceSeconds);
      return json({ now: state.now().toISOString() });
    })
    // Points moved in the shop, not through the API (staff's correction, a sale at the till, an expiry).
    .on("POST", "/customers/:id/points", async (req, { id }) => {
      const b = z
        .object({
          amount: z
            .number()
            .int()
            .refine((n) => n !== 0, "not zero"),
        })
        .safeParse(await readJson(req));
      if (!b.success) return json({ error: b.error.message }, 400);
      try {
        return json({ data: customerResource(state.adjust(id!, b.data.amount)) });
      } catch (error) {
        if (error instanceof JsonApiError) return json({ error: error.detail }, error.status);
        throw error;
      }
    })
    .on(
      "POST",
      "/orders/:id/status",
      authed.open(async (req, { id }) => {
        const b = (await readJson(req)) as { status?: string } | undefined;
        const status = statusSchema.safeParse(b?.status);
        if (!status.success)
          return json(
            { error: "status must be one of new, assembled, courier, done, canceled, returned, notAccepted" },
            400,
          );
        return json({ data: orderResource(state.setStatus(id!, status.data)) });
      }),
    );
  addCatalogRoutes(vendor, state.catalog, authed, doc);
  addCatalogControls(control, state.catalog);
  const gate = openApiGate(validator, { basePath: "/api", refuse: refuseByDocument });
  const handler = createSimulatorHandler({ name: "posiflora", vendor, state, style, control, gate });
  /** Ends every access token, and with `refresh` every refresh token too (a forced new login). */
  const expireSessions = (opts: { refresh?: boolean } = {}) => {
    access.clear();
    if (opts.refresh) {
      refresh.clear();
      used.clear();
    }
  };
  return Object.assign(handler, { state, expireSessions });
}

/** kopecks × (quantity × 100) / 100, exactly: a line's amount from its decimal price and quantity. */
function mulDecimal(priceMinor: number, qtyHundredths: number): number {
  return Number((BigInt(priceMinor) * BigInt(qtyHundredths)) / 100n);
}
