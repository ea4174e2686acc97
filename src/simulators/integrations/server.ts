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

const int = z.number().int();
const item = z.object({
  id_product: z.string().min(1),
  name: z.string().optional(),
  qty: z.number().positive().default(1),
  price: int.nonnegative(),
  actions: z.array(z.string()).optional(),
  action_names: z.array(z.string()).optional(),
});
const who = { user_token: z.string().optional(), id_client: z.string().optional(), phone: z.string().optional() };

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
      route("/code", z.object({ user_token: z.string().min(1) }), (b) =>
        json({ type: "bonus", client: profile(state.find(b)) }),
      ),
    )
    .on(
      "POST",
      "/calculate/action",
      route(
        "/calculate/action",
        z.object({ ...who, outlet_id: z.string().optional(), items: z.array(item).min(1) }),
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
        z.object({
          ...who,
          outlet_id: z.string().optional(),
          paid_bonus: int.nonnegative().default(0),
          items: z.array(item).min(1),
        }),
        (b) => {
          const q = state.quote(state.find(b), b.items, b.paid_bonus);
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
            idempotency_key: z.string().min(1),
            invoice_num: z.string().optional(),
            outlet_id: z.string().optional(),
            device_id: z.string().optional(),
            manager_id: z.string().optional(),
            paid_bonus: int.nonnegative().default(0),
            items: z.array(item).min(1),
          })
          .refine(
            (b) => b.outlet_id || b.device_id || b.manager_id,
            "one of outlet_id, device_id, manager_id is required",
          ),
        (b) => {
          const client = state.find({ user_token: b.user_token, id_client: b.id_client });
          const { op } = state.purchase(client, b.idempotency_key, b.invoice_num, b.items, b.paid_bonus);
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
            outlet_id: z.string().optional(),
            device_id: z.string().optional(),
          })
          .refine((b) => b.invoice_num || b.order_id, "invoice_num or order_id is required"),
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

  const handler = createSimulatorHandler({ vendor, state, style });
  return Object.assign(handler, { state });
}
