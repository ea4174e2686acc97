import { receiptContactOf } from "../domain/order-payments.ts";
import type { Shop } from "../domain/shop-directory.ts";
import type { LoyaltyCapabilities, LoyaltyProvider } from "../domain/ports/loyalty-provider.port.ts";
import { builder } from "./builder.ts";

const Capabilities = builder.objectRef<LoyaltyCapabilities>("LoyaltyCapabilities").implement({
  description: "What a provider supports. A missing capability answers UNSUPPORTED_BY_PROVIDER.",
  fields: (t) => ({
    lookupBy: t.stringList({
      description: "PHONE, CARD or QR (a QR or app token): what `customer(by:)` may name at this provider",
      resolve: (c) => c.lookupBy,
    }),
    calculation: t.exposeString("calculation", { description: "LINES, CHEQUE or NONE" }),
    hold: t.exposeString("hold", { description: "NATIVE (vendor holds), LEDGER (gateway holds) or NONE" }),
    refund: t.exposeString("refund", { description: "PARTIAL, FULL or NONE" }),
    phoneVerification: t.exposeBoolean("phoneVerification", {
      description: "Sends and checks an SMS code (sendPhoneCode, checkPhoneCode)",
    }),
    registration: t.exposeBoolean("registration", { description: "Creates customers (registerCustomer)" }),
    profileUpdate: t.exposeBoolean("profileUpdate", { description: "Edits a customer's profile (updateMyProfile)" }),
    coupons: t.exposeBoolean("coupons", { description: "Takes promo codes with the cart (coupons)" }),
    productImport: t.exposeBoolean("productImport"),
    balanceFeed: t.exposeBoolean("balanceFeed", {
      description:
        "Lists customers changed since a time, so balance changes made elsewhere are learnt for every linked customer",
    }),
    pointsHistory: t.exposeBoolean("pointsHistory", {
      description: "Keeps a history of points moves (myPointsHistory shows it; elsewhere the gateway's own ledger)",
    }),
  }),
});

export const LoyaltyProviderRef = builder.objectRef<LoyaltyProvider>("LoyaltyProvider").implement({
  fields: (t) => ({
    id: t.id({ resolve: (p) => p.instanceId }),
    adapter: t.exposeString("adapter"),
    capabilities: t.field({ type: Capabilities, resolve: (p) => p.capabilities }),
  }),
});

const PaymentModeEnum = builder.enumType("PaymentMode", {
  values: {
    PREPAY: { description: "The buyer pays ahead at the shop's PSP; the order is placed once the money is held" },
    ON_PICKUP: { description: "The buyer pays in the shop" },
  } as const,
});

const CaptureMomentEnum = builder.enumType("CaptureMoment", {
  description: "When money held for a prepaid order is taken",
  values: ["AT_PLACEMENT", "AT_READY", "AT_COMPLETION"] as const,
});

const ReceiptContactEnum = builder.enumType("ReceiptContact", {
  values: {
    PHONE: { description: "The receipt goes to the buyer's phone" },
    EMAIL: { description: "The receipt goes by e-mail: ContactInput.email is required" },
  } as const,
});

const ShopPaymentRef = builder.objectRef<NonNullable<Shop["payment"]>>("ShopPayment").implement({
  description: "How buyers pay at a shop that takes money through the gateway",
  fields: (t) => ({
    mode: t.field({ type: PaymentModeEnum, resolve: (p) => p.mode }),
    capture: t.field({ type: CaptureMomentEnum, resolve: (p) => p.capture }),
    receiptContact: t.field({
      type: ReceiptContactEnum,
      nullable: true,
      description: "Where the 54-FZ receipt of a prepaid order goes; null where the PSP makes no receipts",
      resolve: (p) => receiptContactOf(p),
    }),
  }),
});

export const ShopRef = builder.objectRef<Shop>("Shop").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    currency: t.exposeString("currency"),
    timeZone: t.exposeString("timeZone", {
      description: "The shop's IANA time zone: its dates and slot times are local there",
    }),
    loyaltyProviders: t.field({ type: [LoyaltyProviderRef], resolve: (s) => s.loyalty }),
    payment: t.field({
      type: ShopPaymentRef,
      nullable: true,
      description: "How buyers pay through the gateway; null where the shop takes the money itself",
      resolve: (s) => s.payment ?? null,
    }),
  }),
});

builder.queryField("shops", (t) =>
  t.field({
    type: [ShopRef],
    description: "The shops this gateway serves.",
    resolve: (_r, _a, ctx) => ctx.services.shops.shops,
  }),
);
