import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createGuard, describeIssues } from "../kit/guard.ts";
import { decimal, decimalToMinor, minorToJsonNumber } from "../kit/money.ts";
import { json, readJson, Router } from "../kit/router.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { addCatalogControls, addCatalogRoutes } from "./catalog-routes.ts";
import { type BonusGroup, type Customer, JsonApiError, type Order, PosifloraState } from "./state.ts";

const CONTENT = { "content-type": "application/vnd.api+json" };
const doc = (body: unknown, status = 200) => json(body, status, CONTENT);

const style: VendorErrorStyle = {
  error: (status, code, detail) =>
    doc({ errors: [{ id: randomUUID(), status: String(status), code, title: code, detail }] }, status),
};

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
  },
  relationships: o.relationships,
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
              attributes: z.object({ qty: z.number().positive(), price: decimal }).passthrough(),
              relationships: z.object({ item: ref("inventory-items") }),
            }),
          )
          .min(1),
      }),
    }),
  }),
});

/**
 * Posiflora (JSON:API, `/api/v1/...`): sessions that expire, customers with bonus groups, and orders
 * with payments. Access tokens live `accessTtlSeconds`; a refresh token renews them.
 */
export function createPosifloraSimulator(options: {
  username: string;
  password: string;
  accessTtlSeconds?: number;
  state?: PosifloraState;
}) {
  const state = options.state ?? new PosifloraState();
  const access = new Map<string, number>();
  const refresh = new Map<string, number>();
  const accessTtl = (options.accessTtlSeconds ?? 3600) * 1000;

  const issue = () => {
    const accessToken = randomUUID();
    const refreshToken = randomUUID();
    const expireAt = Date.now() + accessTtl;
    access.set(accessToken, expireAt);
    refresh.set(refreshToken, Date.now() + 30 * 86_400_000);
    return doc({
      data: {
        type: "sessions",
        id: randomUUID(),
        attributes: {
          accessToken,
          refreshToken,
          expireAt: new Date(expireAt).toISOString(),
          refreshExpireAt: new Date(refresh.get(refreshToken)!).toISOString(),
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
      error instanceof JsonApiError ? { status: error.status, code: error.code, message: error.detail } : undefined,
    invalidBody: (issues) => ({ status: 400, code: "VALIDATION_ERROR", message: describeIssues(issues, "/") }),
  });
  const body = authed.body;

  const vendor = new Router("/api/v1")
    .on("POST", "/sessions", async (req) => {
      const b = (await readJson(req)) as
        { data?: { attributes?: { username?: string; password?: string } } } | undefined;
      const a = b?.data?.attributes;
      if (a?.username !== options.username || a?.password !== options.password)
        return style.error(401, "INVALID_CREDENTIALS", "Invalid username or password");
      return issue();
    })
    .on("PATCH", "/sessions", async (req) => {
      const b = (await readJson(req)) as { data?: { attributes?: { refreshToken?: string } } } | undefined;
      const token = b?.data?.attributes?.refreshToken;
      const until = token ? refresh.get(token) : undefined;
      if (!until || until < Date.now())
        return style.error(401, "INVALID_REFRESH_TOKEN", "Refresh token is invalid or expired");
      refresh.delete(token!);
      return issue();
    })
    .on(
      "GET",
      "/customers",
      authed((req) => {
        const url = new URL(req.url);
        const found = state.search(url.searchParams.get("search") ?? "").filter((c) => c.status !== "deleted");
        const include = url.searchParams.get("include")?.split(",") ?? [];
        const groups = include.includes("bonusGroup")
          ? [...new Set(found.map((c) => c.bonusGroupId).filter((g): g is string => !!g))].map((g) =>
              groupResource(state.groups.get(g)!),
            )
          : [];
        return doc({
          data: found.map(customerResource),
          ...(groups.length ? { included: groups } : {}),
          meta: { total: found.length },
        });
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
        const { status, ...attributes } = b.data.attributes;
        const store = b.data.relationships?.store?.data?.id;
        const order = state.createOrder({
          id: b.data.id,
          status: status ?? "new",
          customerId,
          totalAmount: lines.reduce((a, l) => a + decimalToMinor(l.attributes.price) * l.attributes.qty, 0),
          byBonuses: attributes.byBonuses ?? false,
          attributes,
          relationships: {
            ...b.data.relationships,
            lines: { data: lines.map((_line, i) => ({ type: "order-lines", id: `${b.data.id}-${i + 1}` })) },
          },
        });
        if (store) for (const l of lines) state.catalog.take(l.relationships.item.data.id, store, l.attributes.qty);
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
      authed((_req, { id }) => doc({ data: orderResource(state.order(id!)) })),
    )
    .on(
      "GET",
      "/orders",
      authed((req) => {
        const q = new URL(req.url).searchParams;
        const from = q.get("filter[updatedAt][from]");
        const number = Math.max(1, Number(q.get("page[number]") ?? 1));
        const size = Math.min(100, Math.max(1, Number(q.get("page[size]") ?? 20)));
        const all = [...state.orders.values()]
          .filter((o) => !from || o.updatedAt >= from)
          .sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : 1));
        const last = Math.max(1, Math.ceil(all.length / size));
        return doc({
          data: all.slice((number - 1) * size, number * size).map(orderResource),
          meta: { page: { number, size, last }, total: all.length },
        });
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
        });
        return doc({ data: orderResource(state.order(id!)) });
      }),
    )
    .on(
      "PATCH",
      "/orders/:id/return",
      authed((_req, { id }) => doc({ data: orderResource(state.returnOrder(id!)) })),
    );

  // The shop's side, for tests and demos: move an order as a florist or courier would.
  const control = new Router("/__sim").on(
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
  const handler = createSimulatorHandler({ vendor, state, style, control });
  /** Ends every access token, and with `refresh` every refresh token too (a forced new login). */
  const expireSessions = (opts: { refresh?: boolean } = {}) => {
    access.clear();
    if (opts.refresh) refresh.clear();
  };
  return Object.assign(handler, { state, expireSessions });
}
