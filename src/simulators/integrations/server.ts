import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createGuard, describeIssues } from "../kit/guard.ts";
import { json, Router } from "../kit/router.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { type Client, HttpError, IntegrationsState } from "./state.ts";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};
const CODES: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  429: "RateLimited",
  503: "ServiceUnavailable",
};

const style: VendorErrorStyle = {
  error: (status, code, message) =>
    json(
      {
        error: REASONS[status] ?? "Error",
        code: CODES[status] ?? (status >= 500 ? "InternalError" : code === "SIMULATED" ? "BadRequest" : code),
        message,
        statusCode: status,
        requestId: randomUUID(),
        path: "",
        timestamp: new Date().toISOString(),
      },
      status,
    ),
};

/**
 * The seed's field tables (002), strictly: only the fields a table names, `snake_case` ("Все поля в
 * snake_case"), and money and points as integers ("Денежные значения и баллы — целые числа, если не
 * указано иное"); quantities are numbers. A field the table does not name is refused with 400, as a
 * missing required one is ("Если поле отмечено как обязательное, отсутствие вернёт 400"), and is
 * recorded as a violation.
 */
const int = z.number().int();
const money = int.nonnegative();
const isoDate = z.string().datetime({ offset: true });
/** `items` of CALCULATE-ACTION: id_product, qty, price, name. */
const actionItem = z
  .object({ id_product: z.string().min(1), qty: z.number().positive(), price: money, name: z.string().optional() })
  .strict();
/** `items` of CALCULATE-BONUS: id_product, name, qty (default 1), price, actions, action_names. */
const bonusCalcItem = z
  .object({
    id_product: z.string().min(1),
    name: z.string().optional(),
    qty: z.number().positive().default(1),
    price: money,
    actions: z.array(z.string()).optional(),
    action_names: z.array(z.string()).optional(),
  })
  .strict();
/** `items` of BONUS: the same with qty required, and base_price. */
const bonusItem = bonusCalcItem.extend({ qty: z.number().positive(), base_price: money.optional() }).strict();
const who = { user_token: z.string().optional(), id_client: z.string().optional(), phone: z.string().optional() };
const oneOf = (names: string[]) => (b: Record<string, unknown>) => names.some((n) => b[n] !== undefined);

/** Per-route limits of providers.md, per minute; exceeding one answers 429 with Retry-After. */
const LIMITS: Record<string, number> = { "/bonus": 60, "/refund": 30, "/calculate/bonus": 180 };

/** The "Integrations" API of the NestJS loyalty platform, under /api/integrations. */
export function createIntegrationsSimulator(options: {
  apiKey: string;
  state?: IntegrationsState;
  limits?: Record<string, number>;
}) {
  const state = options.state ?? new IntegrationsState();
  const limits = options.limits ?? LIMITS;

  const guard = createGuard({
    style,
    admit: (req) => {
      const key = req.headers.get("x-api-key") ?? /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
      return key === options.apiKey
        ? null
        : { status: 401, code: "Unauthorized", message: "Missing or invalid API key" };
    },
    failure: (error) => (error instanceof HttpError ? error : undefined),
    invalidBody: (issues) => ({ status: 400, code: "ValidationFailed", message: describeIssues(issues) }),
    strictQuery: true,
  });

  // After the key and before the body: the per-route limit, whose 429 carries Retry-After.
  const route = <T>(path: string, schema: z.ZodType<T>, fn: (body: T) => Response) =>
    guard(async (req) => {
      const limit = limits[path];
      if (limit) {
        const now = Date.now();
        const recent = (state.rate.get(path) ?? []).filter((t) => now - t < 60_000);
        if (recent.length >= limit) {
          const res = style.error(429, "RateLimited", `At most ${limit} requests a minute`);
          res.headers.set("retry-after", String(Math.ceil((60_000 - (now - recent[0]!)) / 1000)));
          return res;
        }
        state.rate.set(path, [...recent, now]);
      }
      return fn(await guard.body(req, schema));
    });

  const profile = (c: Client) => ({
    id_client: c.id_client,
    id_ext: null,
    name: c.name,
    phone: c.phone,
    email: null,
    balance: c.balance,
    earn_percent: c.earn_percent,
    redeem_limit_percent: c.redeem_limit_percent,
    birth_date: null,
    avg_bill: 0,
    visit_frequency: null,
    visit_count: 0,
    total_amount: 0,
    accruals_blocked: c.accruals_blocked,
    redemptions_blocked: c.redemptions_blocked,
  });

  const vendor = new Router("/api/integrations")
    .on(
      "POST",
      "/code",
      route("/code", z.object({ user_token: z.string().min(1) }).strict(), (b) =>
        json({ type: "bonus", client: profile(state.byToken(b.user_token)) }),
      ),
    )
    .on(
      "POST",
      "/calculate/action",
      route(
        "/calculate/action",
        z
          .object({
            id_client: who.id_client,
            phone: who.phone,
            outlet_id: z.string().optional(),
            items: z.array(actionItem).min(1),
          })
          .strict()
          .refine(oneOf(["id_client", "phone"]), "id_client or phone is required"),
        (b) => {
          state.find(b);
          const positions = state.actions(b.items);
          return json({ status: "ok", positions, info: [...new Set(positions.flatMap((p) => p.actions_names))] });
        },
      ),
    )
    .on(
      "POST",
      "/calculate/bonus",
      route(
        "/calculate/bonus",
        z
          .object({
            ...who,
            outlet_id: z.string().optional(),
            total: money.optional(),
            paid_bonus: int.nonnegative().default(0),
            items: z.array(bonusCalcItem).min(1).optional(),
          })
          .strict()
          .refine(oneOf(["user_token", "id_client", "phone"]), "user_token, id_client or phone is required")
          .refine(oneOf(["total", "items"]), "total or items is required"),
        (b) => {
          const items = b.items ?? [{ id_product: "total", qty: 1, price: b.total! }];
          const q = state.quote(state.find(b), items, b.paid_bonus);
          return json({
            status: "ok",
            max_pay_bonus: q.max,
            bonus_value: q.earn,
            final_payable: q.total - q.max,
            items: q.perItem,
          });
        },
      ),
    )
    .on(
      "POST",
      "/bonus",
      route(
        "/bonus",
        z
          .object({
            user_token: z.string().optional(),
            id_client: z.string().optional(),
            invoice_num: z.string().optional(),
            idempotency_key: z.string().min(1),
            device_id: z.string().optional(),
            outlet_id: z.string().optional(),
            outlet_name: z.string().optional(),
            manager_id: z.string().optional(),
            manager_name: z.string().optional(),
            total: money.optional(),
            paid_bonus: int.nonnegative().default(0),
            bonus_value: int.nonnegative().optional(),
            operation_date: isoDate.optional(),
            items: z.array(bonusItem).min(1).optional(),
          })
          .strict()
          .refine(oneOf(["user_token", "id_client"]), "user_token or id_client is required")
          .refine(
            oneOf(["outlet_id", "device_id", "manager_id"]),
            "one of outlet_id, device_id, manager_id is required",
          )
          .refine(oneOf(["total", "items"]), "total or items is required"),
        (b) => {
          const client = state.find({ user_token: b.user_token, id_client: b.id_client });
          const items = b.items ?? [{ id_product: "total", qty: 1, price: b.total! }];
          const { op } = state.purchase(client, b.idempotency_key, b.invoice_num, items, b.paid_bonus, b.bonus_value);
          return json({
            result: "ok",
            invoice_num: op.invoice_num,
            order_id: op.order_id,
            redeem_applied: op.paid,
            earn_applied: op.earned,
            client: profile(client),
          });
        },
      ),
    )
    .on(
      "POST",
      "/refund",
      route(
        "/refund",
        z
          .object({
            invoice_num: z.string().optional(),
            order_id: z.string().optional(),
            device_id: z.string().optional(),
            outlet_id: z.string().optional(),
            operation_date: isoDate.optional(),
          })
          .strict()
          .refine(oneOf(["invoice_num", "order_id"]), "invoice_num or order_id is required"),
        (b) => {
          const op = state.refund(b);
          return json({
            result: "ok",
            invoice_num: op.invoice_num,
            order_id: op.order_id,
            points_restored: op.refund!.points_restored,
            points_revoked: op.refund!.points_revoked,
            balance_after: op.refund!.balance_after,
          });
        },
      ),
    );

  const handler = createSimulatorHandler({ name: "integrations", vendor, state, style });
  return Object.assign(handler, { state });
}
