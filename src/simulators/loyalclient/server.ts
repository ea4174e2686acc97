import { z } from "zod";
import { createGuard } from "../kit/guard.ts";
import { decimal, decimalToMinor, minorToJsonNumber } from "../kit/money.ts";
import { json, readJson, Router } from "../kit/router.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { FieldError, LEVELS, LoyalClientState } from "./state.ts";

const style: VendorErrorStyle = {
  error: (status, code, message) => json(status === 422 ? { [code]: message } : { error: message }, status),
};

/**
 * Seed 003's request bodies, strictly: the fields its examples show, "//Опционально" ones optional, and
 * nothing else. A body that breaks them is refused with 422 `{field: message}` (the seed: "Все ошибки
 * приходят со статусом 422") and recorded as a violation.
 */
const holds = z.array(z.string()).optional();
const points = z.number().int();
const clientSchema = z.object({ search: z.string().min(1), point: z.string().min(1), hold: holds }).strict();
const recalcSchema = z
  .object({ client: z.string().min(1), point: z.string().min(1), amount: decimal, hold: holds })
  .strict();
/** "duration ... (необязательный, по умолчанию 10 минут) — Длительность удержания в минутах (максимум 30 минут)". */
const holdSchema = z
  .object({
    client: z.string().min(1),
    point: z.string().min(1),
    amount: points,
    duration: z.number().int().min(1).max(30).default(10),
  })
  .strict();
const releaseSchema = z.object({ id: z.string().min(1) }).strict();
const retailSchema = z
  .object({
    client: z.string().min(1),
    point: z.string().min(1),
    amount: decimal,
    spend: points.nonnegative(),
    hold: holds,
  })
  .strict();

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
    strictQuery: true,
  });
  const route = <T>(schema: z.ZodType<T>, fn: (body: T) => Response) =>
    guard(async (req) => fn(await guard.body(req, schema)));

  const vendor = new Router("/integration/general")
    .on(
      "POST",
      "/client",
      route(clientSchema, (b) => {
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
      route(recalcSchema, (b) => {
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
      route(holdSchema, (b) => {
        const h = state.hold(b.client, b.point, b.amount, b.duration);
        return json({ success: true, held: { id: h.id, until: h.until, amount: h.amount } });
      }),
    )
    .on(
      "POST",
      "/bonuses/release",
      route(releaseSchema, (b) => {
        state.release(b.id);
        return json({ success: true });
      }),
    )
    .on(
      "POST",
      "/retail",
      route(retailSchema, (b) => {
        const amount = decimalToMinor(b.amount);
        const op = state.sell(b.client, b.point, amount, b.spend, b.hold ?? []);
        const total = minorToJsonNumber(Math.max(0, amount - op.spend * 100));
        const tail = op.spend > 0 ? { spend: op.spend } : { earn: op.earn };
        return json({
          success: true,
          retail: { amount: b.amount, total, percent: op.percentBp / 100, type: op.type, ...tail },
        });
      }),
    );

  // The vendor's clock, for tests: holds last 30 minutes at most and end on their own.
  const control = new Router("/__sim").on("POST", "/clock", async (req) => {
    const body = z.object({ advanceSeconds: z.number().int().positive().max(86_400) }).safeParse(await readJson(req));
    if (!body.success) return json({ error: body.error.message }, 400);
    state.advance(body.data.advanceSeconds);
    return json({ advanced: body.data.advanceSeconds });
  });
  return Object.assign(createSimulatorHandler({ name: "loyalclient", vendor, state, style, control }), { state });
}
