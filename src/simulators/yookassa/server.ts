import { randomUUID } from "node:crypto";
import { z } from "zod";
import { delay } from "../kit/faults.ts";
import { createGuard, describeIssues } from "../kit/guard.ts";
import { decimalToMinor } from "../kit/money.ts";
import { json, readJson, Router } from "../kit/router.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { cancelBody, captureBody, createBody, receiptCreateBody, refundBody } from "./schemas.ts";
import { YookassaError, YookassaState } from "./state.ts";

/** The documented code of each status (using-api/response-handling); the body is `{type: "error", ...}`. */
const CODES: Record<number, string> = {
  400: "invalid_request",
  401: "invalid_credentials",
  403: "forbidden",
  404: "not_found",
  429: "too_many_requests",
  500: "internal_server_error",
};

const style: VendorErrorStyle = {
  error: (status, code, message, source) =>
    json(
      {
        type: "error",
        id: randomUUID(),
        code: CODES[status] ?? code,
        description: message,
        ...(source?.parameter ? { parameter: source.parameter } : {}),
      },
      status,
    ),
};

/** A failure that strikes after ЮKassa carried the request out: a 500, a 202 "processing", or no answer at all. */
const afterFault = z.object({
  kind: z.enum(["500", "processing", "lost"]),
  path: z.string().optional(),
  times: z.number().int().positive().default(1),
  retryAfterMs: z.number().int().nonnegative().default(50),
});
type AfterFault = z.infer<typeof afterFault>;

export interface YookassaSimulatorOptions {
  shopId: string;
  secretKey: string;
  state?: YookassaState;
  /** The shop's HTTP notification URL, as set in the merchant dashboard. */
  notificationUrl?: string;
  /** How notifications are sent (the in-process fetch in demo mode). */
  deliver?: (url: string, init: RequestInit) => Promise<Response>;
  /** Delivers the queue on its own every so many ms; without it, `/__sim/notifications/deliver` does. */
  autoDeliverMs?: number;
  /** Origin of the confirmation page in `confirmation_url`, where the request's own is not reachable by a browser. */
  publicUrl?: string;
  /** The shop sends 54-FZ receipts through ЮKassa: payments, partial captures and refunds must carry one. */
  receiptsRequired?: boolean;
}

/** A strict ЮKassa API v3 (`/v3/payments`, `/v3/refunds`), its confirmation page, and its notifications. */
export function createYookassaSimulator(options: YookassaSimulatorOptions) {
  const state = options.state ?? new YookassaState();
  const receiptsRequired = options.receiptsRequired ?? true;
  const expected = `Basic ${Buffer.from(`${options.shopId}:${options.secretKey}`).toString("base64")}`;
  let after: AfterFault[] = [];
  let notificationUrl = options.notificationUrl;
  const deliver = options.deliver ?? ((url: string, init: RequestInit) => globalThis.fetch(url, init));

  const guard = createGuard({
    style,
    admit: (req) =>
      req.headers.get("authorization") === expected
        ? null
        : { status: 401, code: "invalid_credentials", message: "Login or password is incorrect" },
    failure: (error) =>
      error instanceof YookassaError
        ? {
            status: error.status,
            code: error.code,
            message: error.message,
            ...(error.violation ? { violation: error.violation } : {}),
            ...(error.parameter ? { source: { parameter: error.parameter } } : {}),
          }
        : undefined,
    invalidBody: (issues) => ({
      status: 400,
      code: "invalid_request",
      message: describeIssues(issues),
      source: { parameter: issues[0]!.path.join(".") || "body" },
    }),
    strictQuery: true,
  });

  const origin = (req: Request) => options.publicUrl ?? new URL(req.url).origin;

  /** The confirmation page: the amount, and the bank's two outcomes, posted back to where the page was served. */
  const checkoutPage = (req: Request, id: string) => {
    const p = state.payment(id);
    const action = (outcome: string) => `${origin(req)}/checkout/${p.id}/${outcome}`;
    const page = `<!doctype html><html lang="ru"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>ЮKassa (simulator)</title>
<h1>Оплата ${escapeHtml(p.description ?? "")}: ${(p.authorised / 100).toFixed(2)} ₽</h1><p>Статус: ${p.status}</p>
<form method="post" action="${action("pay")}"><button>Оплатить</button></form>
<form method="post" action="${action("decline")}"><button>Отклонить</button></form></html>`;
    return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
  };

  const checkoutOutcome = (id: string, outcome: string) => {
    const p = outcome === "pay" ? state.pay(id) : outcome === "decline" ? state.decline(id) : null;
    if (!p) return style.error(404, "not_found", "no such outcome");
    return p.returnUrl ? new Response(null, { status: 303, headers: { location: p.returnUrl } }) : json({ ok: true });
  };

  /**
   * Every POST: the Idempotence-Key is required (64 characters at most, our reading), the same key and
   * request give the kept answer, the same key with another request is refused.
   */
  const write = <T>(schema: z.ZodType<T>, run: (body: T, req: Request, params: Record<string, string>) => unknown) =>
    guard(async (req, params) => {
      const key = req.headers.get("idempotence-key");
      if (!key || key.length > 64) {
        throw new YookassaError(
          400,
          "invalid_request",
          key ? "Idempotence-Key is longer than 64 characters" : "Idempotence-Key header is required",
          "Idempotence-Key",
          "body",
        );
      }
      const raw = await req.clone().text();
      const body = await guard.body(req, schema);
      const path = new URL(req.url).pathname;
      const answer = state.idempotent(key, `${path} ${canonical(raw)}`, () => ({
        status: 200,
        body: run(body, req, params),
      }));
      return afterFaults(path, answer, req);
    });

  const afterFaults = async (path: string, answer: { status: number; body: unknown }, req: Request) => {
    const index = after.findIndex((f) => !f.path || path.includes(f.path));
    if (index < 0) return json(answer.body, answer.status);
    const fault = after[index]!;
    if (--fault.times <= 0) after.splice(index, 1);
    if (fault.kind === "500") return style.error(500, "internal_server_error", "simulated failure after the operation");
    if (fault.kind === "processing") {
      return json({ type: "processing", description: "Request accepted", retry_after: fault.retryAfterMs }, 202);
    }
    await delay(60_000, req.signal);
    return style.error(500, "internal_server_error", "simulated lost answer");
  };

  const vendor = new Router()
    .on(
      "POST",
      "/v3/payments",
      write(createBody, (b, req) =>
        state.paymentJson(
          state.create({
            amount: decimalToMinor(b.amount.value),
            currency: b.amount.currency,
            capture: b.capture,
            ...(b.description !== undefined ? { description: b.description } : {}),
            ...(b.metadata ? { metadata: b.metadata } : {}),
            confirmation: b.confirmation,
            ...(b.receipt ? { receipt: b.receipt } : {}),
            receiptsRequired,
          }),
          origin(req),
        ),
      ),
    )
    .on(
      "GET",
      "/v3/payments/:id",
      guard((req, { id }) => json(state.paymentJson(state.payment(id!), origin(req)))),
    )
    .on(
      "POST",
      "/v3/payments/:id/capture",
      write(captureBody, (b, req, { id }) =>
        state.paymentJson(
          state.capture(id!, b.amount ? decimalToMinor(b.amount.value) : undefined, b.receipt, receiptsRequired),
          origin(req),
        ),
      ),
    )
    .on(
      "POST",
      "/v3/payments/:id/cancel",
      write(cancelBody, (_b, req, { id }) => state.paymentJson(state.cancel(id!), origin(req))),
    )
    .on(
      "POST",
      "/v3/refunds",
      write(refundBody, (b) =>
        state.refundJson(
          state.refundPayment({
            paymentId: b.payment_id,
            amount: decimalToMinor(b.amount.value),
            ...(b.description !== undefined ? { description: b.description } : {}),
            ...(b.receipt ? { receipt: b.receipt } : {}),
            receiptsRequired,
          }),
        ),
      ),
    )
    .on(
      "POST",
      "/v3/receipts",
      write(receiptCreateBody, (b) =>
        state.receiptJson(
          state.createReceipt({
            type: b.type,
            ...(b.payment_id ? { paymentId: b.payment_id } : {}),
            settled: b.settlements.reduce((a, x) => a + decimalToMinor(x.amount.value), 0),
            receipt: {
              customer: b.customer,
              items: b.items,
              ...(b.tax_system_code ? { tax_system_code: b.tax_system_code } : {}),
            },
          }),
        ),
      ),
    )
    .on(
      "GET",
      "/v3/refunds/:id",
      guard((_req, { id }) => json(state.refundJson(state.refund(id!)))),
    )
    // The buyer's side: the page `confirmation_url` opens, with the bank's two outcomes.
    .on(
      "GET",
      "/checkout/:id",
      guard.open((req, { id }) => checkoutPage(req, id!)),
    )
    .on(
      "POST",
      "/checkout/:id/:outcome",
      guard.open((_req, { id, outcome }) => checkoutOutcome(id!, outcome!)),
    );

  /** One pass over the queue; each notification answered 200 leaves it, the others stay for the next pass. */
  const deliverPass = async (): Promise<number> => {
    let sent = 0;
    if (!notificationUrl) return 0;
    for (const n of state.dueNotifications()) {
      n.attempts += 1;
      try {
        const res = await deliver(notificationUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ type: "notification", event: n.event, object: n.object }),
        });
        await res.body?.cancel();
        if (res.status === 200) {
          state.markDelivered(n);
          sent += 1;
        }
      } catch {
        // Not answered: it stays in the queue.
      }
    }
    return sent;
  };
  let delivering: Promise<number> | null = null;
  /**
   * One pass at a time. The pass is let go in a `.finally` callback, which runs after the assignment: a
   * pass that awaits nothing (an empty queue) would otherwise be let go before it was held, and then held
   * for good, every later call answered by it.
   */
  const deliverNotifications = (): Promise<number> => {
    delivering ??= deliverPass().finally(() => {
      delivering = null;
    });
    return delivering;
  };
  if (options.autoDeliverMs) setInterval(() => void deliverNotifications(), options.autoDeliverMs).unref();

  const control = new Router("/__sim")
    .on("POST", "/clock", async (req) => {
      const body = z.object({ advanceSeconds: z.number().int().positive() }).safeParse(await readJson(req));
      if (!body.success) return json({ error: body.error.message }, 400);
      state.advance(body.data.advanceSeconds);
      return json({ advanced: body.data.advanceSeconds });
    })
    .on("POST", "/payments/:id/:outcome", (_req, { id, outcome }) => {
      try {
        const p = outcome === "pay" ? state.pay(id!) : outcome === "decline" ? state.decline(id!) : null;
        return p ? json(state.paymentJson(p, "")) : json({ error: "pay or decline" }, 404);
      } catch (error) {
        if (error instanceof YookassaError) return json({ error: error.message }, error.status);
        throw error;
      }
    })
    .on("POST", "/after-faults", async (req) => {
      const body = z.union([afterFault, z.array(afterFault)]).safeParse(await readJson(req));
      if (!body.success) return json({ error: body.error.message }, 400);
      after.push(...[body.data].flat());
      return json({ pending: after.length });
    })
    .on("GET", "/notifications", () => json({ pending: state.outbox, delivered: state.delivered }))
    .on("POST", "/notifications", async (req) => {
      const body = z
        .object({
          url: z.string().url().optional(),
          duplicate: z.boolean().optional(),
          outOfOrder: z.boolean().optional(),
        })
        .strict()
        .safeParse(await readJson(req));
      if (!body.success) return json({ error: body.error.message }, 400);
      if (body.data.url) notificationUrl = body.data.url;
      if (body.data.duplicate !== undefined) state.duplicate = body.data.duplicate;
      if (body.data.outOfOrder !== undefined) state.outOfOrder = body.data.outOfOrder;
      return json({ url: notificationUrl ?? null, duplicate: state.duplicate, outOfOrder: state.outOfOrder });
    })
    .on("POST", "/notifications/deliver", async () => json({ delivered: await deliverNotifications() }))
    // Lost notifications: ЮKassa gives up on the queue, as after 24 hours unanswered.
    .on("POST", "/notifications/discard", () => json({ discarded: state.discardNotifications() }))
    // The confirmation page again, where a browser reaches the simulator only through its control path
    // (the demo gateway's /__sim/yookassa/...): `publicUrl` names that path.
    .on("GET", "/checkout/:id", (req, { id }) => guarded(() => checkoutPage(req, id!)))
    .on("POST", "/checkout/:id/:outcome", (_req, { id, outcome }) => guarded(() => checkoutOutcome(id!, outcome!)));

  /** A control route's answer, with the vendor's errors as their status. */
  function guarded(run: () => Response): Response {
    try {
      return run();
    } catch (error) {
      if (error instanceof YookassaError) return json({ error: error.message }, error.status);
      throw error;
    }
  }

  const handler = createSimulatorHandler({
    name: "yookassa",
    vendor,
    state: {
      reset: () => {
        state.reset();
        after = [];
      },
      snapshot: () => state.snapshot(),
    },
    style,
    control,
  });
  return Object.assign(handler, { state, deliverNotifications });
}

/** The request as JSON with its keys sorted, so the same request written in another order is the same. */
function canonical(raw: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(raw)));
  } catch {
    return raw;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
