import { PAYMENT_RECORD_STATUSES, type PaymentRecord } from "../domain/payment.ts";
import { builder } from "./builder.ts";
import { Money, money } from "./money.ts";
import { OrderRef } from "./order.ts";
import { paymentOf } from "./payment-loader.ts";

/** Payments are taken in roubles only (the order process's payable guard). */
const CURRENCY = "RUB";

const PaymentStatusEnum = builder.enumType("PaymentStatus", {
  description:
    "CREATING: asked of the PSP, its answer not in yet; PENDING: waiting for the buyer at confirmationUrl; AUTHORIZED: the money is held, to be captured at the shop's capture moment; CAPTURED: taken; CANCELED: declined, lapsed, or released (cancellation says why)",
  values: PAYMENT_RECORD_STATUSES,
});

const OrderPaymentRef = builder.objectRef<PaymentRecord>("OrderPayment").implement({
  description: "The money part of a prepaid order at the shop's PSP (its newest attempt).",
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.id }),
    status: t.field({ type: PaymentStatusEnum, resolve: (p) => p.status }),
    amount: t.field({
      type: Money,
      description: "To pay in money, after points",
      resolve: (p) => money(p.amount, CURRENCY),
    }),
    captured: t.field({ type: Money, resolve: (p) => money(p.captured, CURRENCY) }),
    refunded: t.field({ type: Money, resolve: (p) => money(p.refunded, CURRENCY) }),
    confirmationUrl: t.string({
      nullable: true,
      description: "Where the buyer pays while the payment is PENDING (open it with Telegram's openLink)",
      resolve: (p) => p.confirmationUrl,
    }),
    cancellation: t.string({
      nullable: true,
      description: "Why a CANCELED payment ended, as the PSP says (party: reason)",
      resolve: (p) => p.cancellation,
    }),
    updatedAt: t.string({ resolve: (p) => p.updatedAt.toISOString() }),
  }),
});

builder.objectField(OrderRef, "payment", (t) =>
  t.field({
    type: OrderPaymentRef,
    nullable: true,
    description: "The order's money payment through the gateway, in a shop that takes prepayment; null elsewhere",
    resolve: (order, _a, ctx) => paymentOf(ctx, order),
  }),
);
