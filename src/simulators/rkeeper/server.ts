import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createGuard } from "../kit/guard.ts";
import { decimalToMinor, minorToJsonNumber } from "../kit/money.ts";
import { describeProblems, openApiGate } from "../kit/openapi-gate.ts";
import { type OpenApiDocument, OpenApiValidator } from "../kit/openapi-validator.ts";
import { json, readJson, Router } from "../kit/router.ts";
import { noteViolation } from "../kit/violations.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { type Item, type Quote, RkeeperError, RkeeperState } from "./state.ts";

const openapi = JSON.parse(readFileSync(new URL("./openapi.json", import.meta.url), "utf8")) as OpenApiDocument;
const validator = new OpenApiValidator(openapi);

const style: VendorErrorStyle = {
  error: (status, code, message) => json({ error: { code, message } }, status),
};

interface WireItem {
  product: { code: string; name: string };
  price: number;
  cost: number;
  quantity: number;
}
interface WireOrder {
  openedAt: string;
  items: WireItem[];
}
interface WireGuest {
  type: "phone";
  phone?: string | null;
}

/**
 * r_keeper Loyalty B2B (`/pub/b2b/v1/...`): every request body is validated against the vendor's
 * OpenAPI document (no extra properties), and every loyalty call needs `ApiKey` plus a token from
 * `auth/gentoken` that lives `tokenTtlSeconds`.
 */
export function createRkeeperSimulator(options: {
  apiKey: string;
  password: string;
  rkObjectId?: string;
  tokenTtlSeconds?: number;
  state?: RkeeperState;
}) {
  const state = options.state ?? new RkeeperState();
  const tokens = new Map<string, number>();
  const ttl = options.tokenTtlSeconds ?? 900;
  const objectId = options.rkObjectId ?? "4174244";

  const guard = createGuard({
    style,
    admit: (req) => {
      if (req.headers.get("apikey") !== options.apiKey)
        return { status: 401, code: "UNAUTHORIZED", message: "Invalid ApiKey" };
      const token = /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
      const expires = token ? tokens.get(token) : undefined;
      if (!expires || expires < Date.now())
        return { status: 401, code: "TOKEN_EXPIRED", message: "Token is missing or expired" };
      return null;
    },
    failure: (error) =>
      error instanceof RkeeperError
        ? {
            status: error.status,
            code: error.code,
            message: error.message,
            ...(error.flow ? { violation: "flow" as const } : {}),
          }
        : undefined,
  });

  // Queries and bodies are checked against the vendor's OpenAPI document first (the gate below); the
  // routes then see only valid DTOs.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the gate below checked the body against the OpenAPI document
  const loyalty = (_path: string, fn: (body: any) => Response) =>
    guard(async (req) => {
      const body = await readJson(req);
      const org = (body as { organization?: { id: string } }).organization;
      if (org && org.id !== objectId) return style.error(400, "ORGANIZATION_NOT_FOUND", "Unknown rkObjectId");
      return fn(body);
    });

  const vendor = new Router("/pub/b2b/v1")
    .on("POST", "/auth/gentoken", async (req) => {
      const body = (await readJson(req)) as { password?: string } | undefined;
      // providers.md: `POST /b2b/v1/auth/gentoken {password}` with the ApiKey header, and nothing else.
      const extra = Object.keys(body ?? {}).filter((k) => k !== "password");
      if (typeof body?.password !== "string" || extra.length || new URL(req.url).search) {
        noteViolation(req, { kind: "body", detail: `gentoken takes {password} only (got ${JSON.stringify(body)})` });
        return style.error(400, "VALIDATION_ERROR", "body must be {password}");
      }
      if (req.headers.get("apikey") !== options.apiKey || body?.password !== options.password) {
        return style.error(401, "UNAUTHORIZED", "Invalid credentials");
      }
      const token = randomUUID();
      tokens.set(token, Date.now() + ttl * 1000);
      return json({ token, refreshToken: randomUUID(), aliveSecondsTtl: ttl });
    })
    .on(
      "POST",
      "/loyalty/guests/get",
      loyalty("/guests/get", (b: { guest: WireGuest }) => {
        const guest = b.guest.phone ? state.guest(b.guest.phone) : undefined;
        if (!guest && state.unknownGuestAnswer === "error")
          return style.error(400, "GUEST_NOT_FOUND", "Guest not found");
        if (!guest) return json({});
        return json({
          guest: { phone: guest.phone, firstName: guest.firstName, lastName: guest.lastName },
          loyaltyCards: [],
        });
      }),
    )
    .on(
      "POST",
      "/loyalty/orders/calculate",
      loyalty(
        "/orders/calculate",
        (b: { order: WireOrder; guest?: WireGuest; promocodes?: Array<{ value: string }> }) => {
          const phone = b.guest?.phone ?? null;
          const quote = state.calculate(
            phone,
            b.order.openedAt,
            toItems(b.order),
            (b.promocodes ?? []).map((p) => p.value),
          );
          return json({
            loyalty: loyaltyBody(quote, phone ? state.guest(phone) : undefined, phone ? state.available(phone) : 0),
          });
        },
      ),
    )
    .on(
      "POST",
      "/loyalty/orders/confirm",
      loyalty(
        "/orders/confirm",
        (b: {
          id: string;
          order: WireOrder;
          guest?: WireGuest;
          loyalty?: { fingerprint?: { value: string; options?: { bonuses?: { payment: number } } } };
        }) => {
          const fp = b.loyalty?.fingerprint;
          if (!fp) throw new RkeeperError(400, "FINGERPRINT_REQUIRED", "loyalty.fingerprint is required", true);
          const payment = fp.options?.bonuses?.payment ?? 0;
          if (!Number.isInteger(payment) || payment < 0)
            throw new RkeeperError(400, "VALIDATION_ERROR", "payment must be a whole number of bonuses");
          state.confirm(b.id, b.guest?.phone ?? null, b.order.openedAt, toItems(b.order), fp.value, payment);
          return json({ id: b.id });
        },
      ),
    )
    .on(
      "POST",
      "/loyalty/orders/reset",
      loyalty("/orders/reset", (b: { id: string; resetAt: string }) => {
        state.resetOrder(b.id);
        return json({ id: b.id, resetAt: b.resetAt });
      }),
    )
    .on(
      "POST",
      "/loyalty/orders/close",
      loyalty("/orders/close", (b: { id: string }) => {
        state.close(b.id);
        return json({ id: b.id });
      }),
    );

  // The answer for a phone with no guest, for tests and demos: either documented form.
  const control = new Router("/__sim").on("POST", "/unknown-guest", async (req) => {
    const b = (await readJson(req)) as { answer?: string } | undefined;
    if (b?.answer !== "empty" && b?.answer !== "error") return json({ error: "answer must be empty or error" }, 400);
    state.unknownGuestAnswer = b.answer;
    return json({ answer: state.unknownGuestAnswer });
  });
  const gate = openApiGate(validator, {
    basePath: "/pub",
    refuse: (problems) => style.error(400, "VALIDATION_ERROR", describeProblems(problems)),
  });
  const handler = createSimulatorHandler({ name: "rkeeper", vendor, state, style, control, gate });
  return Object.assign(handler, { state, expireTokens: () => tokens.clear() });
}

function toItems(order: WireOrder): Item[] {
  return order.items.map((i) => ({
    code: i.product.code,
    name: i.product.name,
    price: decimalToMinor(i.price),
    cost: decimalToMinor(i.cost),
    quantity: i.quantity,
  }));
}

function byCode(map: Map<string, number>) {
  return [...map].filter(([, v]) => v > 0).map(([code, total]) => ({ code, total: minorToJsonNumber(total) }));
}

function loyaltyBody(q: Quote, guest: ReturnType<RkeeperState["guest"]>, available: number) {
  const discounts = { total: minorToJsonNumber(q.discountTotal), totalByCode: byCode(q.discountByCode) };
  const none = { payments: { total: 0, totalByCode: [] }, accruals: { total: q.accrualMin } };
  const max = {
    payments: { total: q.maxPaymentPoints, totalByCode: byCode(q.paymentByCode) },
    accruals: { total: q.accrualMax },
  };
  const giftNote = q.gift ? [{ primary: "Подарок: напиток бесплатно", secondary: `Скидка на ${q.gift.code}` }] : [];
  const promoTotal = q.promo ? [...q.promo.byCode.values()].reduce((a, b) => a + b, 0) : 0;
  return {
    fingerprint: q.fingerprint,
    summary: { discounts, bonuses: { min: none, max } },
    details: {
      programs: [
        ...(q.gift
          ? [
              {
                program: { id: "1de9a2d7-2ce7-4845-960b-988df56872ce", name: "Подарок на напиток" },
                discounts: {
                  total: minorToJsonNumber(q.gift.amount),
                  totalByCode: [{ code: q.gift.code, total: minorToJsonNumber(q.gift.amount) }],
                },
                notifications: giftNote,
              },
            ]
          : []),
        ...(q.promo
          ? [
              {
                program: { id: "5b0e6a43-2a2f-4c7e-9d1e-6f0c1d2e3a4b", name: `Промокод ${q.promo.code}` },
                discounts: { total: minorToJsonNumber(promoTotal), totalByCode: byCode(q.promo.byCode) },
                notifications: [{ primary: `Промокод ${q.promo.code}: скидка 10%`, secondary: "Один раз на заказ" }],
              },
            ]
          : []),
      ],
      ...(guest
        ? {
            bonuses: {
              progress: {
                balance: available,
                rank: {
                  name: guest.rank.name,
                  index: guest.rank.index,
                  cashbackPercentage: guest.rank.cashbackBp / 100,
                },
              },
              min: none,
              max,
              notifications:
                q.accrualMin > 0
                  ? [{ primary: `Начислим до ${q.accrualMin} бонусов`, secondary: guest.rank.name }]
                  : [],
            },
          }
        : {}),
    },
  };
}
