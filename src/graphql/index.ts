import { builder } from "./builder.ts";
import "./money.ts";
import "./errors.ts";
import "./shop.ts";
import "./loyalty-account.ts";
import "./customer.ts";
import "./points-history.ts";
import "./phone-verification.ts";
import "./customer-registration.ts";
import "./promotion.ts";
import "./store.ts";
import "./slots.ts";
import "./product.ts";
import "./catalog.ts";
import "./loyalty-calculation.ts";
import "./order.ts";
import "./order-mutations.ts";
import "./order-payment.ts";
import "./order-subscriptions.ts";
import "./product-sync.ts";
import "./reconciliation.ts";
import "./order-attention.ts";

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export const schema = builder.toSubGraphSchema({
  linkUrl: "https://specs.apollo.dev/federation/v2.6",
  federationDirectives: ["@key"],
});
