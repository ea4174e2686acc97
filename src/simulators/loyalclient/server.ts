import { z } from "zod";
import { createGuard } from "../kit/guard.ts";
import { decimal, decimalToMinor, minorToJsonNumber } from "../kit/money.ts";
import { json, Router } from "../kit/router.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { FieldError, LEVELS, LoyalClientState } from "./state.ts";

const style: VendorErrorStyle = {
  error: (status, code, message) => json(status === 422 ? { [code]: message } : { error: message }, status),
};

const holds = z.array(z.string()).optional();

/** A stateful LoyalClient basic REST API (`/integration/general/*`), errors as 422 `{field: message}`. */
export function createLoyalClientSimulator(options: { apiKey: string; state?: LoyalClientState }) {
  const state = options.state ?? new LoyalClientState();

  const guard = createGuard({
    style,
    // style.error(401, ...) is `{"error": "Unauthorized"}`, the vendor's answer to a wrong key
    admit: (req) =>
      req.headers.get("apikey") === options.apiKey
        ? null
        : { status: 401, code: "UNAUTHORIZED", message: "Unauthorized" },
    failure: (error) =>
      error instanceof FieldError ? { status: 422, code: error.field, message: error.message } : undefined,
    invalidBody: (issues) => ({ status: 422, code: String(issues[0]!.path[0] ?? "body"), message: issues[0]!.message }),
  });
  const route = <T>(schema: z.ZodType<T>, fn: (body: T) => Response) =>
    guard(async (req) => fn(await guard.body(req, schema)));

  const vendor = new Router("/integration/general")
    .on(
      "POST",
      "/client",
      route(z.object({ search: z.string().min(1), point: z.string(), hold: holds }), (b) => {
        state.point(b.point);
        const c = state.search(b.search);
        const level = LEVELS[c.level]!;
        return json({
          success: true,
          client: {
            id: c.id,
            name: c.name,
            photo: null,
            birthday: null,
            level: {
              id: level.id,
              title: level.title,
              percent: level.percentBp / 100,
              type: level.type,
              maxSpendPercent: level.maxSpendBp / 100,
            },
            phone: Number(c.phone),
            email: null,
            balance: level.type === "discount" ? 0 : state.available(c.id, b.hold),
          },
        });
      }),
    )
    .on(
      "POST",
      "/recalc",
      route(z.object({ client: z.string(), point: z.string(), amount: decimal, hold: holds }), (b) => {
        state.point(b.point);
        const q = state.recalc(b.client, decimalToMinor(b.amount), b.hold);
        return json({
          success: true,
          recalc: { amount: b.amount, percent: q.percentBp / 100, type: q.type, spend: q.spend, earn: q.earn },
        });
      }),
    )
    .on(
      "POST",
      "/bonuses/hold",
      route(
        z.object({
          client: z.string(),
          point: z.string(),
          amount: z.number().int(),
          duration: z.number().int().default(10),
        }),
        (b) => {
          const h = state.hold(b.client, b.point, b.amount, b.duration);
          return json({ success: true, held: { id: h.id, until: h.until, amount: h.amount } });
        },
      ),
    )
    .on(
      "POST",
      "/bonuses/release",
      route(z.object({ id: z.string() }), (b) => {
        state.release(b.id);
        return json({ success: true });
      }),
    )
    .on(
      "POST",
      "/retail",
      route(
        z.object({
          client: z.string(),
          point: z.string(),
          amount: decimal,
          spend: z.number().int().nonnegative(),
          hold: holds,
        }),
        (b) => {
          const amount = decimalToMinor(b.amount);
          const op = state.sell(b.client, b.point, amount, b.spend, b.hold ?? []);
          const total = minorToJsonNumber(Math.max(0, amount - op.spend * 100));
          const tail = op.spend > 0 ? { spend: op.spend } : { earn: op.earn };
          return json({
            success: true,
            retail: { amount: b.amount, total, percent: op.percentBp / 100, type: op.type, ...tail },
          });
        },
      ),
    );

  return Object.assign(createSimulatorHandler({ vendor, state, style }), { state });
}
