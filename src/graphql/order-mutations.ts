import { z } from "zod";
import {
  ConflictError,
  InvalidInputError,
  LoyaltyRuleError,
  NotFoundError,
  ProviderError,
  CatalogError,
  PriceChangedError,
  RefundShortfallError,
  SlotError,
} from "../domain/errors.ts";
import { couponsSchema, createOrderSchema, fulfilmentSchema, refundLinesSchema } from "../domain/order-input.ts";
import type { OrderRecord } from "../domain/order.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { CartLineInput } from "./loyalty-calculation.ts";
import { OrderRef } from "./order.ts";

const ERRORS = [
  InvalidInputError,
  NotFoundError,
  ProviderError,
  LoyaltyRuleError,
  ConflictError,
  CatalogError,
  PriceChangedError,
  SlotError,
];
/** A cancel or refund that gives points back may meet a customer who spent what it takes back. */
const REFUND_ERRORS = [...ERRORS, RefundShortfallError];
const idempotencyKey = z.string().trim().min(8, "idempotency keys are at least 8 characters").max(128);
const orderId = z.string().uuid("order ids are UUIDs");

const AddressInput = builder.inputType("AddressInput", {
  fields: (t) => ({
    city: t.string({ required: true }),
    street: t.string({ required: true }),
    house: t.string({ required: true }),
    apartment: t.string(),
  }),
});

const FulfilmentInput = builder.inputType("FulfilmentInput", {
  description:
    "PICKUP with a storeId and optionally when the customer comes (windowFrom), or DELIVERY with an address, a recipient and an optional time window.",
  fields: (t) => ({
    kind: t.string({ required: true, description: "PICKUP or DELIVERY" }),
    storeId: t.id(),
    address: t.field({ type: AddressInput }),
    windowFrom: t.string({ description: "ISO 8601 with offset; for PICKUP, the pickup time" }),
    windowTo: t.string(),
    recipientName: t.string(),
    recipientPhone: t.string(),
  }),
  validate: fulfilmentSchema,
});

const ContactInput = builder.inputType("ContactInput", {
  fields: (t) => ({
    name: t.string(),
    phone: t.string(),
    email: t.string({
      description:
        "Where the receipt goes; required where the shop sends receipts by e-mail (Shop.payment.receiptContact)",
    }),
  }),
});

const CreateOrderInput = builder.inputType("CreateOrderInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    phone: t.string({ description: "For services: whose order. A Mini App user's own linked phone is used." }),
    lines: t.field({ type: [CartLineInput], required: true }),
    fulfilment: t.field({ type: FulfilmentInput, required: true }),
    contact: t.field({ type: ContactInput, required: true }),
    comment: t.string(),
    providerId: t.id({
      description: "The loyalty programme, where the shop has several (Shop.providers); the shop's first by default.",
    }),
    coupons: t.stringList({
      description:
        "Promo codes, sent with every calculation and the purchase to providers that take them (capabilities.coupons); elsewhere UNSUPPORTED_BY_PROVIDER",
    }),
  }),
  validate: createOrderSchema,
});

const RefundLineInput = builder.inputType("RefundLineInput", {
  fields: (t) => ({ lineId: t.id({ required: true }), quantity: t.int({ required: true }) }),
});

/** Keys are scoped to the caller and the mutation, so two callers cannot collide. */
function keyOf(ctx: GraphQLContext, mutation: string, key: string): string {
  const v = ctx.scope.viewer;
  const who = v.kind === "telegram" ? `tg:${v.telegramUserId}` : v.kind === "service" ? `svc:${v.name}` : "anon";
  return `${mutation}:${who}:${key}`;
}

function once(
  ctx: GraphQLContext,
  mutation: string,
  key: string,
  input: unknown,
  run: () => Promise<OrderRecord>,
): Promise<OrderRecord> {
  return ctx.services.idempotency.once(keyOf(ctx, mutation, key), input, run, {
    encode: (order) => order.id,
    decode: (id) => ctx.services.orders.get(ctx.scope, id),
  });
}

/** A plain copy of GraphQL's input objects (which have no prototype), typed as they came. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** The input as its zod schema (the field's `validate`) checked it, which is narrower than GraphQL's types. */
const checked = <S extends z.ZodType>(_schema: S, v: unknown): z.infer<S> => plain(v) as z.infer<S>;

builder.mutationField("createOrder", (t) =>
  t.field({
    type: OrderRef,
    description: "Creates an order from a cart and prices it. Points are applied with applyBonuses.",
    authScopes: { authenticated: true },
    errors: { types: ERRORS },
    args: {
      input: t.arg({ type: CreateOrderInput, required: true }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, { input, idempotencyKey: key }, ctx) =>
      once(ctx, "createOrder", key, plain(input), () =>
        ctx.services.checkout.create(ctx.scope, checked(createOrderSchema, input)),
      ),
  }),
);

builder.mutationField("applyBonuses", (t) =>
  t.field({
    type: OrderRef,
    description:
      "Recalculates with `points` redeemed, checks the provider's maximum, and holds the points where the provider can.",
    authScopes: { authenticated: true },
    errors: { types: ERRORS },
    args: {
      orderId: t.arg.id({ required: true, validate: orderId }),
      points: t.arg.int({
        required: true,
        validate: z.number().int().min(0, "points cannot be negative").max(1_000_000_000),
      }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, a, ctx) =>
      once(ctx, "applyBonuses", a.idempotencyKey, [a.orderId, a.points], () =>
        ctx.services.checkout.applyBonuses(ctx.scope, String(a.orderId), a.points),
      ),
  }),
);

builder.mutationField("confirmOrder", (t) =>
  t.field({
    type: OrderRef,
    description:
      "Places the order: creates it in the shop's order system and moves loyalty to its confirmation step. In a shop that takes prepayment, the order first waits for the money (AWAITING_PAYMENT, payment.confirmationUrl) and is placed once the PSP holds it.",
    authScopes: { authenticated: true },
    errors: { types: ERRORS },
    args: {
      orderId: t.arg.id({ required: true, validate: orderId }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, a, ctx) =>
      once(ctx, "confirmOrder", a.idempotencyKey, [a.orderId], () =>
        ctx.services.checkout.confirm(ctx.scope, String(a.orderId)),
      ),
  }),
);

builder.mutationField("payOrder", (t) =>
  t.field({
    type: OrderRef,
    description:
      "Asks again for the money of an order that waits for its payment (AWAITING_PAYMENT) after the last one was declined or lapsed: a new payment at the shop's PSP, its confirmationUrl in payment. While a payment is still live, the same one is returned.",
    authScopes: { authenticated: true },
    errors: { types: ERRORS },
    args: {
      orderId: t.arg.id({ required: true, validate: orderId }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, a, ctx) =>
      once(ctx, "payOrder", a.idempotencyKey, [a.orderId], () =>
        ctx.services.checkout.pay(ctx.scope, String(a.orderId)),
      ),
  }),
);

builder.mutationField("updateOrderItems", (t) =>
  t.field({
    type: OrderRef,
    description:
      "Replaces the cart: the hold is released (r_keeper: reset), the cart recalculated and the points held again.",
    authScopes: { authenticated: true },
    errors: { types: ERRORS },
    args: {
      orderId: t.arg.id({ required: true, validate: orderId }),
      lines: t.arg({
        type: [CartLineInput],
        required: true,
        validate: z.array(z.unknown()).min(1, "an order needs at least one line").max(200),
      }),
      coupons: t.arg.stringList({
        description: "Replaces the order's promo codes; without it they stay",
        validate: couponsSchema,
      }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, a, ctx) =>
      once(ctx, "updateOrderItems", a.idempotencyKey, [a.orderId, plain(a.lines), a.coupons ?? null], () =>
        ctx.services.checkout.updateItems(ctx.scope, String(a.orderId), plain(a.lines), a.coupons ?? null),
      ),
  }),
);

builder.mutationField("cancelOrder", (t) =>
  t.field({
    type: OrderRef,
    description:
      "Cancels an open order: held points are released (or a committed purchase refunded) and the order system is told.",
    authScopes: { authenticated: true },
    errors: { types: REFUND_ERRORS },
    args: {
      orderId: t.arg.id({ required: true, validate: orderId }),
      reason: t.arg.string({ required: true, validate: z.string().trim().min(1, "give a reason").max(500) }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, a, ctx) =>
      once(ctx, "cancelOrder", a.idempotencyKey, [a.orderId, a.reason], () =>
        ctx.services.checkout.cancel(ctx.scope, String(a.orderId), a.reason),
      ),
  }),
);

builder.mutationField("completeOrder", (t) =>
  t.field({
    type: OrderRef,
    description:
      "For the shop (orders:manage), or the status sync: the order is done; held points are committed and earned points accrue.",
    authScopes: { authenticated: true },
    errors: { types: ERRORS },
    args: {
      orderId: t.arg.id({ required: true, validate: orderId }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, a, ctx) =>
      once(ctx, "completeOrder", a.idempotencyKey, [a.orderId], () =>
        ctx.services.fulfilment.complete(ctx.scope, String(a.orderId)),
      ),
  }),
);

builder.mutationField("refund", (t) =>
  t.field({
    type: OrderRef,
    description:
      "For the shop (orders:manage): returns a completed order, or some of its lines by quantity, where the provider supports it.",
    authScopes: { authenticated: true },
    errors: { types: REFUND_ERRORS },
    args: {
      orderId: t.arg.id({ required: true, validate: orderId }),
      lines: t.arg({ type: [RefundLineInput], validate: refundLinesSchema }),
      idempotencyKey: t.arg.string({ required: true, validate: idempotencyKey }),
    },
    resolve: (_r, a, ctx) =>
      once(ctx, "refund", a.idempotencyKey, [a.orderId, plain(a.lines ?? null)], () =>
        ctx.services.fulfilment.refund(
          ctx.scope,
          String(a.orderId),
          a.lines?.map((l) => ({ lineId: String(l.lineId), quantity: l.quantity })),
        ),
      ),
  }),
);
