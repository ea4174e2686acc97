import { z } from "zod";
import { SCOPES } from "../domain/scopes.ts";
import type { Customer, CustomerIdentifier } from "../domain/customer.service.ts";
import { InvalidInputError, NotFoundError, ProviderError } from "../domain/errors.ts";
import { builder } from "./builder.ts";
import type { GraphQLContext } from "./context.ts";
import { LoyaltyAccountResult, toAccountResult } from "./loyalty-account.ts";

export const CustomerRef = builder.loadableObject("Customer", {
  load: async (ids: string[], ctx: GraphQLContext): Promise<Array<Customer | Error>> => {
    const rows = await ctx.services.customers.byIds(ctx.scope, ids);
    return rows.map((row, i) => row ?? new NotFoundError("NOT_FOUND", `customer ${ids[i]} not found`));
  },
  fields: (t) => ({
    id: t.exposeID("id"),
    shopId: t.exposeID("shopId"),
    phone: t.exposeString("phone", { description: "E.164 digits, no plus sign" }),
    name: t.string({
      nullable: true,
      resolve: async (c, _a, ctx) => (await accounts(c, ctx)).find((r) => r.account?.name)?.account?.name ?? null,
    }),
    loyalty: t.field({
      type: [LoyaltyAccountResult],
      description: "One entry per loyalty provider of the shop, fetched in parallel.",
      resolve: async (c, _a, ctx) => {
        const currency = ctx.services.shops.get(c.shopId).currency;
        return (await accounts(c, ctx)).map((r) => toAccountResult(r, currency));
      },
    }),
  }),
});

function accounts(c: Customer, ctx: GraphQLContext) {
  return ctx.services.customers.accounts(ctx.scope, ctx.services.shops.get(c.shopId), c.phone, c.id);
}

builder.asEntity(CustomerRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: (ref, ctx) => CustomerRef.getDataloader(ctx).load(ref.id),
});

const CustomerIdentifierInput = builder.inputType("CustomerIdentifierInput", {
  description: "Exactly one: a phone, a loyalty card number, or the token of a QR code or app.",
  fields: (t) => ({
    phone: t.string(),
    card: t.string({ description: "Providers with lookupBy CARD (Posiflora bonus cards, LoyalClient cards)" }),
    token: t.string({ description: "Providers with lookupBy QR (Integrations QR tokens, LoyalClient app codes)" }),
  }),
  validate: z
    .object({
      phone: z.string().trim().min(1).max(32).nullish(),
      card: z.string().trim().min(1).max(64).nullish(),
      token: z.string().trim().min(1).max(256).nullish(),
    })
    .refine((b) => [b.phone, b.card, b.token].filter((v) => v != null).length === 1, {
      message: "give exactly one of phone, card and token",
    }),
});

function identifier(
  phone: string | null | undefined,
  by: { phone?: string | null; card?: string | null; token?: string | null } | null | undefined,
): CustomerIdentifier {
  if (phone != null && by != null)
    throw new InvalidInputError("give phone or by, not both", [{ path: "by", message: "phone is given too" }]);
  if (phone != null) return { kind: "PHONE", value: phone };
  if (by?.phone != null) return { kind: "PHONE", value: by.phone };
  if (by?.card != null) return { kind: "CARD", value: by.card.trim() };
  if (by?.token != null) return { kind: "QR", value: by.token.trim() };
  throw new InvalidInputError("name the customer by phone or by", [
    { path: "by", message: "give a phone, card or token" },
  ]);
}

builder.queryField("customer", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "A customer by phone, loyalty card or QR/app token (asked of the providers whose lookupBy includes it), with every loyalty account. Services need customers:read; a Mini App user may ask only for their own phone.",
    authScopes: { authenticated: true },
    errors: { types: [InvalidInputError, NotFoundError, ProviderError] },
    args: {
      shopId: t.arg.id({ required: true }),
      phone: t.arg.string({ validate: z.string().trim().min(1, "phone is required").max(32).nullish() }),
      by: t.arg({ type: CustomerIdentifierInput }),
    },
    resolve: (_r, { shopId, phone, by }, ctx) =>
      ctx.services.customers.findBy(ctx.scope, String(shopId), identifier(phone, by)),
  }),
);

builder.queryField("customerByQrToken", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "A customer by the token of their loyalty QR code or app (providers with lookupBy QR). Services with customers:read.",
    authScopes: { authenticated: true },
    errors: { types: [InvalidInputError, NotFoundError, ProviderError] },
    args: {
      shopId: t.arg.id({ required: true }),
      token: t.arg.string({ required: true, validate: z.string().trim().min(1, "token is required").max(256) }),
    },
    resolve: (_r, { shopId, token }, ctx) => ctx.services.customers.findByToken(ctx.scope, String(shopId), token),
  }),
);

builder.queryField("me", (t) =>
  t.field({
    type: CustomerRef,
    nullable: true,
    description: "The Mini App user's own customer in a shop; null until a phone is linked.",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError] },
    args: { shopId: t.arg.id({ required: true }) },
    resolve: (_r, { shopId }, ctx) => ctx.services.customers.me(ctx.scope, String(shopId)),
  }),
);

const LinkTelegramUserInput = builder.inputType("LinkTelegramUserInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    phone: t.string({ required: true }),
    telegramUserId: t.id({ required: true, validate: z.string().regex(/^\d{1,20}$/, "a Telegram user id is numeric") }),
  }),
});

builder.mutationField("linkTelegramUser", (t) =>
  t.field({
    type: CustomerRef,
    description: "For the shop's bot: link the Telegram user who shared their contact to that phone.",
    authScopes: { service: SCOPES.customersLink },
    errors: { types: [InvalidInputError] },
    args: { input: t.arg({ type: LinkTelegramUserInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.customers.linkTelegramUser(
        ctx.scope,
        String(input.shopId),
        input.phone,
        String(input.telegramUserId),
      ),
  }),
);
