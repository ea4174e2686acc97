import { z } from "zod";
import { ORDER_STATUSES } from "../domain/order-state.ts";
import { heldPoints, type OrderEvent, type OrderLine, type OrderRecord } from "../domain/order.ts";
import { builder } from "./builder.ts";
import { PageInfo } from "./page-info.ts";
import { InvalidInputError, NotFoundError } from "../domain/errors.ts";
import { Money, money } from "./money.ts";
import { paymentState } from "../domain/order-payment.ts";
import { paymentOf } from "./payment-loader.ts";
import { listTotal } from "../domain/sold-lines.ts";
import { CouponResultRef, PromotionRef, promotionsOf } from "./promotion.ts";

export const OrderStatusEnum = builder.enumType("OrderStatus", { values: ORDER_STATUSES });

const OrderLineRef = builder.objectRef<{ order: OrderRecord; lineId: string }>("OrderLine").implement({
  fields: (t) => {
    const line = (v: { order: OrderRecord; lineId: string }) => v.order.lines.find((l) => l.lineId === v.lineId)!;
    const calc = (v: { order: OrderRecord; lineId: string }) =>
      v.order.calculation?.lines.find((l) => l.lineId === v.lineId);
    const m = (v: { order: OrderRecord }, amount: number) => money(amount, v.order.currency);
    return {
      lineId: t.id({ resolve: (v) => v.lineId }),
      productId: t.id({ resolve: (v) => line(v).productId }),
      name: t.string({ nullable: true, resolve: (v) => line(v).name }),
      quantity: t.int({ resolve: (v) => line(v).quantity }),
      unitPrice: t.field({ type: Money, resolve: (v) => m(v, line(v).unitPrice) }),
      subtotal: t.field({ type: Money, resolve: (v) => m(v, line(v).unitPrice * line(v).quantity) }),
      discount: t.field({ type: Money, resolve: (v) => m(v, calc(v)?.discount ?? 0) }),
      redeemed: t.field({ type: Money, resolve: (v) => m(v, calc(v)?.redeemed ?? 0) }),
      total: t.field({
        type: Money,
        resolve: (v) => {
          const c = calc(v);
          return m(v, c ? c.subtotal - c.discount - c.redeemed : line(v).unitPrice * line(v).quantity);
        },
      }),
      pointsEarned: t.int({ resolve: (v) => calc(v)?.pointsEarned ?? 0 }),
      promotions: t.field({
        type: [PromotionRef],
        description: "The promotions that priced this line",
        resolve: (v) => promotionsOf(calc(v)?.promotions, v.order.currency),
      }),
    };
  },
});

const OrderEventEnum = builder.enumType("OrderEvent", {
  values: {
    HOLD_LOST: {
      description:
        "The points held for the order are gone (a refund of another order took the customer's balance below them); apply bonuses again, or pay them in money",
    },
    EXPIRED: {
      description:
        "The checkout was not placed within the shop's checkoutTtlMinutes: its points went back to the customer and the order is cancelled",
    },
    DELIVERED: { description: "The order system reports the delivery handed over (deliveryStatusAt says when)" },
    NOT_DELIVERED: { description: "The order system reports that the delivery could not be made" },
    SOLD_AS_CHANGED: {
      description:
        "The florist changed the order before completion: lines are what was sold, placedLines what was ordered, and the points follow what was sold",
    },
    PAYMENT_DECLINED: {
      description:
        "The buyer's payment was declined or lapsed at the PSP: the order still waits (AWAITING_PAYMENT); pay again with payOrder, or cancel",
    },
    PAYMENT_CAPTURED: { description: "The money held for the order was taken at the shop's capture moment" },
  },
});

const DeliveryStatusEnum = builder.enumType("DeliveryStatus", {
  values: {
    DELIVERED: { description: "Handed over" },
    NOT_DELIVERED: { description: "Could not be delivered (the order system's cannotBeDelivered)" },
  },
});

const PlacedLineRef = builder.objectRef<{ line: OrderLine; currency: string }>("PlacedLine").implement({
  description: "A line as the buyer placed it.",
  fields: (t) => ({
    productId: t.id({ resolve: (p) => p.line.productId }),
    name: t.string({ nullable: true, resolve: (p) => p.line.name }),
    quantity: t.int({ resolve: (p) => p.line.quantity }),
    unitPrice: t.field({ type: Money, resolve: (p) => money(p.line.unitPrice, p.currency) }),
  }),
});

const TransitionRef = builder
  .objectRef<{
    from: string | null;
    to: string;
    cause: string;
    event: OrderEvent | null;
    vendorStatus: string | null;
    at: Date;
  }>("OrderStatusChange")
  .implement({
    fields: (t) => ({
      from: t.field({
        type: OrderStatusEnum,
        nullable: true,
        resolve: (x) => x.from as (typeof ORDER_STATUSES)[number] | null,
      }),
      to: t.field({ type: OrderStatusEnum, resolve: (x) => x.to as (typeof ORDER_STATUSES)[number] }),
      cause: t.exposeString("cause"),
      event: t.field({
        type: OrderEventEnum,
        nullable: true,
        description: "A move the buyer is told of by name",
        resolve: (x) => x.event,
      }),
      vendorStatus: t.exposeString("vendorStatus", { nullable: true }),
      at: t.string({ description: "ISO 8601", resolve: (x) => x.at.toISOString() }),
    }),
  });

const FulfilmentRef = builder.objectRef<OrderRecord["fulfilment"]>("Fulfilment").implement({
  fields: (t) => ({
    kind: t.exposeString("kind", { description: "PICKUP or DELIVERY" }),
    storeId: t.string({ nullable: true, resolve: (f) => f.storeId ?? null }),
    address: t.string({
      nullable: true,
      resolve: (f) =>
        f.address
          ? [f.address.city, f.address.street, f.address.house, f.address.apartment].filter(Boolean).join(", ")
          : null,
    }),
    windowFrom: t.string({
      nullable: true,
      description: "PICKUP: when the customer comes; DELIVERY: the window's start (ISO 8601)",
      resolve: (f) => f.windowFrom ?? null,
    }),
    windowTo: t.string({ nullable: true, resolve: (f) => f.windowTo ?? null }),
    recipientName: t.string({ nullable: true, resolve: (f) => f.recipientName ?? null }),
    recipientPhone: t.string({ nullable: true, resolve: (f) => f.recipientPhone ?? null }),
  }),
});

const ProviderRefsRef = builder.objectRef<OrderRecord>("OrderProviderRefs").implement({
  description: "Where the order lives at each provider.",
  fields: (t) => ({
    loyaltyProviderId: t.exposeString("loyaltyProviderId"),
    loyaltyReference: t.exposeString("loyaltyRef", { nullable: true }),
    holdId: t.string({
      nullable: true,
      description: "The vendor's reference of the points hold, where the vendor holds them",
      resolve: (o) => (o.hold?.kind === "vendor" ? o.hold.ref : null),
    }),
    orderProviderId: t.exposeString("orderProviderId", { nullable: true }),
    orderReference: t.exposeString("orderRef", { nullable: true }),
  }),
});

const PaymentStateEnum = builder.enumType("PaymentState", {
  description:
    "UNPAID: nothing paid yet (or all of it came back); POINTS_ONLY: points were spent, the money part is paid at pickup or delivery; PAID: nothing is left to pay (the points covered it, the buyer paid ahead through the shop's PSP, or the sale was completed).",
  values: ["UNPAID", "POINTS_ONLY", "PAID"] as const,
});

export const OrderRef = builder.objectRef<OrderRecord>("Order").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    shopId: t.exposeID("shopId"),
    status: t.field({ type: OrderStatusEnum, resolve: (o) => o.status }),
    vendorStatus: t.exposeString("vendorStatus", {
      nullable: true,
      description: "The order system's own status (Posiflora's), as it said it",
    }),
    lines: t.field({ type: [OrderLineRef], resolve: (o) => o.lines.map((l) => ({ order: o, lineId: l.lineId })) }),
    subtotal: t.field({
      type: Money,
      resolve: (o) =>
        money(o.calculation?.subtotal ?? o.lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0), o.currency),
    }),
    discount: t.field({ type: Money, resolve: (o) => money(o.calculation?.discount ?? 0, o.currency) }),
    redeemed: t.field({ type: Money, resolve: (o) => money(o.calculation?.redeemed ?? 0, o.currency) }),
    total: t.field({
      type: Money,
      description: "To pay",
      resolve: (o) => money(o.calculation?.total ?? 0, o.currency),
    }),
    refunded: t.field({ type: Money, resolve: (o) => money(o.refundedAmount, o.currency) }),
    refundShortfallPoints: t.exposeInt("refundShortfallPoints", {
      description:
        "Earned points refunds should have taken back and could not, the customer having spent them (refundShortfall: REVOKE_AVAILABLE)",
    }),
    redeemPoints: t.exposeInt("redeemPoints", { description: "Points the customer chose to spend" }),
    requestedPoints: t.exposeInt("requestedPoints", {
      description:
        "Points the customer asked to spend. After updateOrderItems, pointsHeld is this much where the new cart allows it, and less (capped at its maximum) where it does not.",
    }),
    pointsHeld: t.int({ resolve: (o) => heldPoints(o) }),
    pointsRedeemed: t.exposeInt("pointsRedeemed", { description: "Points spent at the provider (after the commit)" }),
    pointsEarned: t.int({
      description:
        "Points earned: the provider's figure once it tells it (its purchase receipt, or, where the provider accrues by itself when the order is done, its books read at completion); the calculation's estimate until then",
      resolve: (o) => o.pointsEarned || (o.calculation?.pointsEarned ?? 0),
    }),
    maxRedeemablePoints: t.int({ resolve: (o) => o.calculation?.maxRedeemablePoints ?? 0 }),
    paymentState: t.field({
      type: PaymentStateEnum,
      resolve: async (o, _a, ctx) => paymentState(o, await paymentOf(ctx, o)),
    }),
    coupons: t.field({
      type: [CouponResultRef],
      description: "The order's promo codes, with what the provider made of each",
      resolve: (o) => o.calculation?.coupons ?? [],
    }),
    promotions: t.field({
      type: [PromotionRef],
      description: "Promotions of the whole order (a line's are on the line)",
      resolve: (o) => promotionsOf(o.calculation?.promotions, o.currency),
    }),
    loyaltyMessages: t.stringList({
      description: "The provider's notes on the whole order",
      resolve: (o) => o.calculation?.messages ?? [],
    }),
    fulfilment: t.field({ type: FulfilmentRef, resolve: (o) => o.fulfilment }),
    contactName: t.string({ nullable: true, resolve: (o) => o.contact.name ?? null }),
    contactPhone: t.string({ nullable: true, resolve: (o) => o.contact.phone ?? null }),
    contactEmail: t.string({ nullable: true, resolve: (o) => o.contact.email ?? null }),
    comment: t.exposeString("comment", { nullable: true }),
    deliveryStatus: t.field({
      type: DeliveryStatusEnum,
      nullable: true,
      description: "What became of a delivery, as the order system reported it; null until it says",
      resolve: (o) => o.deliveryStatus,
    }),
    deliveryStatusAt: t.string({
      nullable: true,
      description: "When the order system reported deliveryStatus (ISO 8601)",
      resolve: (o) => o.deliveryStatusAt?.toISOString() ?? null,
    }),
    placedLines: t.field({
      type: [PlacedLineRef],
      nullable: true,
      description:
        "The lines as the buyer placed them, where the florist changed the order (then lines are what was sold)",
      resolve: (o) => o.placedLines?.map((line) => ({ line, currency: o.currency })) ?? null,
    }),
    soldDifference: t.field({
      type: Money,
      nullable: true,
      description: "What was sold less what was placed, at list prices; null where the order is as placed",
      resolve: (o) => (o.placedLines ? money(listTotal(o.lines) - listTotal(o.placedLines), o.currency) : null),
    }),
    history: t.field({ type: [TransitionRef], resolve: (o, _a, ctx) => ctx.services.orders.transitions(o.id) }),
    providerRefs: t.field({ type: ProviderRefsRef, resolve: (o) => o }),
    createdAt: t.string({ resolve: (o) => o.createdAt.toISOString() }),
    updatedAt: t.string({ resolve: (o) => o.updatedAt.toISOString() }),
  }),
});

builder.asEntity(OrderRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: (ref, ctx) => ctx.services.orders.get(ctx.scope, ref.id),
});

builder.queryField("order", (t) =>
  t.field({
    type: OrderRef,
    description: "An order the caller may see: a Mini App user's own, or any with orders:read.",
    authScopes: { authenticated: true },
    errors: { types: [NotFoundError, InvalidInputError] },
    args: { id: t.arg.id({ required: true, validate: z.string().uuid("order ids are UUIDs") }) },
    resolve: (_r, { id }, ctx) => ctx.services.orders.get(ctx.scope, String(id)),
  }),
);

const OrderEdge = builder.objectRef<{ cursor: string; node: OrderRecord }>("OrderEdge").implement({
  fields: (t) => ({ cursor: t.exposeString("cursor"), node: t.field({ type: OrderRef, resolve: (e) => e.node }) }),
});
const OrderConnection = builder
  .objectRef<{
    edges: Array<{ cursor: string; node: OrderRecord }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  }>("OrderConnection")
  .implement({
    fields: (t) => ({
      edges: t.field({ type: [OrderEdge], resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfo, resolve: (c) => c.pageInfo }),
    }),
  });

const cursorOf = (o: OrderRecord) => Buffer.from(`${o.createdAt.toISOString()}|${o.id}`).toString("base64url");
function parseCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime()))
    throw new InvalidInputError("not a cursor from this API", [{ path: "after", message: "invalid cursor" }]);
  return { createdAt, id };
}

builder.queryField("myOrders", (t) =>
  t.field({
    type: OrderConnection,
    description: "The Mini App user's orders in a shop, newest first.",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError] },
    args: {
      shopId: t.arg.id({ required: true }),
      first: t.arg.int({ defaultValue: 20, validate: z.number().int().min(1).max(100) }),
      after: t.arg.string(),
    },
    resolve: async (_r, { shopId, first, after }, ctx) => {
      const { orders, hasMore } = await ctx.services.orders.list(
        ctx.scope,
        String(shopId),
        first ?? 20,
        after ? parseCursor(after) : undefined,
      );
      const edges = orders.map((node) => ({ cursor: cursorOf(node), node }));
      return { edges, pageInfo: { hasNextPage: hasMore, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  }),
);
