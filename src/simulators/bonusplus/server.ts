import { z } from "zod";
import { createGuard, describeIssues } from "../kit/guard.ts";
import { decimal, decimalToMinor, minorToJsonNumber } from "../kit/money.ts";
import { createSimulatorHandler, type VendorErrorStyle } from "../kit/simulator.ts";
import { json, noContent, Router } from "../kit/router.ts";
import { BonusPlusState, BusinessError, type Item, LEVELS, type SimCustomer } from "./state.ts";

/**
 * The field tables of seed 001, strictly: a field the seed does not name is refused (400, "bad JSON"
 * in providers.md's list of statuses) and recorded as a violation.
 *
 * Items (2.2): "sum (сумма по позиции без учета скидок). Обязательное поле", "qnt ... Обязательное
 * поле", "product ... Необязательное поле", "ds (скидка на стороне интернет-магазина). Обязательное
 * поле", "ext (идентификатор позиции заказа). Необязательное поле", "все остальные поля заполнять не
 * нужно"; the others providers.md lists (`cat, label, price, firstCost, costPrice, sellMode`) are allowed.
 */
const itemsSchema = z
  .array(
    z
      .object({
        sum: decimal,
        qnt: z.number().positive(),
        product: z.string().optional(),
        ds: decimal,
        ext: z.string().min(1).optional(),
        cat: z.string().optional(),
        label: z.string().optional(),
        price: decimal.optional(),
        firstCost: decimal.optional(),
        costPrice: decimal.optional(),
        sellMode: z.union([z.string(), z.number()]).optional(),
      })
      .strict(),
  )
  .min(1);

/** `PUT /retail/calc` (2.2): phone and items required; store, coupons, and bonusDebit to recalculate with points. */
const calcFields = {
  phone: z.string().min(1),
  store: z.string().optional(),
  coupons: z.array(z.string()).optional(),
  bonusDebit: z.number().int().nonnegative().default(0),
  items: itemsSchema,
};
const calcSchema = z.object(calcFields).strict();
/** `POST /retail` (2.3): the calculation's fields and `externalId` ("идентификатор заказа из интернет-магазина"). */
const retailSchema = z.object({ ...calcFields, externalId: z.string().min(1).optional() }).strict();
/** `PUT /retail/back` (2.4): "ext (идентификатор позиции заказа из интернет-магазина)" and "sum (сумма к возврату)". */
const backSchema = z.object({ ext: z.string().min(1), sum: decimal }).strict();
/** `PATCH /customer/{phone}/balance/reserve {id, amount}` (providers.md). */
const reserveSchema = z.object({ id: z.string().min(1), amount: z.number().int() }).strict();

/**
 * `POST /customer` and `PUT /customer` (1.1, 1.3): the seed names no fields, so the simulator takes
 * those of the customer record only: `phone` and `person{fn, ln, mn}`.
 */
const customerSchema = z
  .object({
    phone: z.string().regex(/^\d{10,15}$/, "digits of the phone"),
    person: z
      .object({ fn: z.string().optional(), ln: z.string().optional(), mn: z.string().optional() })
      .strict()
      .optional(),
  })
  .strict();
const phoneParam = /^\d{10,15}$/;

/** Stores created in the demo cabinet (the demo shop's `store` option). */
const DEMO_STORES = ["Демо-магазин"];
const IMPORT_BATCH_LIMIT = 100;
const importSchema = z
  .array(
    z
      .object({
        product: z.string().min(1).max(100),
        name: z.string().min(1).max(300),
        cat: z.string().max(200).nullish(),
        price: decimal.nullish(),
      })
      .strict(),
  )
  .min(1)
  .max(IMPORT_BATCH_LIMIT, `at most ${IMPORT_BATCH_LIMIT} products per import`);

const style: VendorErrorStyle = {
  error: (status, code, msg) => json({ code, msg }, status),
};

export function bonusPlusCustomerBody(c: SimCustomer, available: number) {
  const level = LEVELS[c.level]!;
  return {
    phone: c.phone,
    person: { fn: c.fn, ln: c.ln, mn: null },
    availableBonuses: available,
    notActiveBonuses: c.notActive,
    bonusDebitDenided: c.debitDenied,
    multiplicityDebitBonus: c.multiplicity,
    baseDiscountPercent: level.discountBp / 100,
    discountCardName: level.name,
    nextCardName: level.next,
    purchasesSumToNextCard: level.next ? minorToJsonNumber(Math.max(0, 3_000_000 - c.purchasesSum)) : null,
  };
}

/** A stateful BonusPlus (bonusplus.pro/api) speaking the wire format of providers.md. */
export function createBonusPlusSimulator(options: { apiKey: string; state?: BonusPlusState; stores?: string[] }) {
  const state = options.state ?? new BonusPlusState();
  const stores = options.stores ?? DEMO_STORES;
  const expected = `ApiKey ${Buffer.from(options.apiKey).toString("base64")}`;

  const guarded = createGuard({
    style,
    admit: (req) =>
      req.headers.get("authorization") === expected
        ? null
        : { status: 401, code: "UNAUTHORIZED", message: "invalid api key" },
    failure: (error) =>
      error instanceof BusinessError
        ? {
            status: error.status,
            code: error.code,
            message: error.message,
            ...(error.flow ? { violation: "flow" as const } : {}),
          }
        : undefined,
    invalidBody: (issues) => ({ status: 400, code: "BAD_REQUEST", message: describeIssues(issues) }),
    strictQuery: true,
  });
  const parse = guarded.body;

  const vendor = new Router("/api")
    .on(
      "GET",
      "/customer",
      guarded(
        (req) => {
          const phone = new URL(req.url).searchParams.get("phone") ?? "";
          const c = state.customer(phone);
          return json(bonusPlusCustomerBody(c, state.available(phone)));
        },
        { query: z.object({ phone: z.string().min(1) }).strict() },
      ),
    )
    .on(
      "POST",
      "/customer",
      guarded(async (req) => {
        const body = await parse(req, customerSchema);
        const c = state.createCustomer(body.phone, body.person);
        return json(bonusPlusCustomerBody(c, state.available(c.phone)));
      }),
    )
    .on(
      "PUT",
      "/customer",
      guarded(async (req) => {
        const body = await parse(req, customerSchema);
        const c = state.updateCustomer(body.phone, body.person);
        return json(bonusPlusCustomerBody(c, state.available(c.phone)));
      }),
    )
    .on(
      "PUT",
      "/customer/:phone/sendCode",
      guarded((_req, { phone }) => {
        if (!phoneParam.test(phone!)) throw new BusinessError(400, "BAD_PHONE", "the phone is digits only", true);
        state.sendCode(phone!);
        return noContent();
      }),
    )
    .on(
      "PUT",
      "/customer/:phone/checkCode/:code",
      guarded((_req, { phone, code }) => {
        if (!phoneParam.test(phone!)) throw new BusinessError(400, "BAD_PHONE", "the phone is digits only", true);
        state.checkCode(phone!, code!);
        return noContent();
      }),
    )
    .on(
      "PUT",
      "/retail/calc",
      guarded(async (req) => {
        const body = await parse(req, calcSchema);
        const { max, multiplicity, priced } = state.calculate(
          body.phone,
          toItems(body.items),
          body.bonusDebit,
          0,
          body.store,
          body.coupons,
        );
        return json({
          maxDebitBonuses: max,
          multiplicityDebitBonus: multiplicity,
          discount: priced.map((p, n) => ({
            ext: p.ext ?? String(n + 1),
            messages: p.messages,
            cb: p.cb,
            db: minorToJsonNumber(p.db),
            ds: minorToJsonNumber(p.ds),
            ids: minorToJsonNumber(p.ids),
          })),
        });
      }),
    )
    .on(
      "PATCH",
      "/customer/:phone/balance/reserve",
      guarded(async (req, { phone }) => {
        const body = await parse(req, reserveSchema);
        state.reserve(phone!, body.id, body.amount);
        return noContent();
      }),
    )
    .on(
      "POST",
      "/retail",
      guarded(async (req) => {
        const body = await parse(req, retailSchema);
        const op = state.sell(
          body.phone,
          body.externalId,
          toItems(body.items),
          body.bonusDebit,
          body.store,
          body.coupons,
        );
        const c = state.customer(body.phone);
        return json({
          id: op.id,
          orderUid: op.externalId,
          orderUrl: null,
          customer: bonusPlusCustomerBody(c, state.available(c.phone)),
        });
      }),
    )
    .on(
      "POST",
      "/product/import",
      guarded(
        async (req) => {
          // Seed 001 §3.1: the store (its id or name, created in the cabinet first) goes in the request's parameters.
          const store = new URL(req.url).searchParams.get("store");
          if (!store || !stores.includes(store))
            throw new BusinessError(412, "STORE_NOT_FOUND", `store ${store ?? "(none)"} is not set up in the cabinet`);
          const body = await parse(req, importSchema);
          state.products.import(
            store,
            body.map((p) => ({
              product: p.product,
              name: p.name,
              cat: p.cat ?? null,
              price: p.price == null ? null : decimalToMinor(p.price),
            })),
          );
          return noContent();
        },
        { query: z.object({ store: z.string().optional() }).strict() },
      ),
    )
    .on(
      "PUT",
      "/retail/back",
      guarded(async (req) => {
        const body = await parse(req, backSchema);
        const result = state.returnLine(body.ext, decimalToMinor(body.sum));
        return json({ ext: body.ext, sum: body.sum, ...result });
      }),
    );

  const handler = createSimulatorHandler({ name: "bonusplus", vendor, state, style });
  return Object.assign(handler, { state });
}

function toItems(items: z.infer<typeof itemsSchema>): Item[] {
  return items.map((i) => ({
    ext: i.ext ?? null,
    product: i.product ?? "",
    qnt: i.qnt,
    sum: decimalToMinor(i.sum),
    ds: decimalToMinor(i.ds),
  }));
}
