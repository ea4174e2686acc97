import { z } from "zod";
import { InvalidInputError, NotFoundError, ProviderError, VerificationError } from "../domain/errors.ts";
import { builder } from "./builder.ts";
import { CustomerRef } from "./customer.ts";

const name = z.string().trim().min(1, "a name is required").max(100);

const RegisterCustomerInput = builder.inputType("RegisterCustomerInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    name: t.string({ required: true, validate: name }),
    consent: t.boolean({
      required: true,
      description: "The customer agrees to join the loyalty programme; must be true",
    }),
    providerId: t.id({ description: "One provider; by default every provider of the shop that creates customers" }),
  }),
});

const UpdateMyProfileInput = builder.inputType("UpdateMyProfileInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    name: t.string({ required: true, validate: name }),
    providerId: t.id({ description: "One provider; by default every provider of the shop that edits profiles" }),
  }),
});

const LinkMyLoyaltyTokenInput = builder.inputType("LinkMyLoyaltyTokenInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    token: t.string({
      required: true,
      description: "The token of your loyalty QR code or app",
      validate: z.string().trim().min(1).max(256),
    }),
  }),
});

const idOrNull = (v: string | number | null | undefined) => (v == null ? null : String(v));

builder.mutationField("registerCustomer", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "For a Mini App user with a proved phone: joins the shop's loyalty programme (BonusPlus POST /customer, Posiflora POST /v1/customers). Providers that create no customers answer UNSUPPORTED_BY_PROVIDER.",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError, ProviderError] },
    args: { input: t.arg({ type: RegisterCustomerInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.registration.register(ctx.scope, String(input.shopId), {
        name: input.name,
        consent: input.consent,
        providerId: idOrNull(input.providerId),
      }),
  }),
);

builder.mutationField("updateMyProfile", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "For a Mini App user with a proved phone: changes your name at the providers that edit profiles (BonusPlus PUT /customer, Posiflora PATCH /v1/customers/{id}).",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError, NotFoundError, ProviderError] },
    args: { input: t.arg({ type: UpdateMyProfileInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.registration.updateProfile(ctx.scope, String(input.shopId), {
        name: input.name,
        providerId: idOrNull(input.providerId),
      }),
  }),
);

builder.mutationField("linkMyLoyaltyToken", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "For a Mini App user with a proved phone: links the QR or app token of your own loyalty account (providers with lookupBy QR), so purchases that need the provider's customer id work from the Mini App.",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError, NotFoundError, VerificationError, ProviderError] },
    args: { input: t.arg({ type: LinkMyLoyaltyTokenInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.registration.linkToken(ctx.scope, String(input.shopId), input.token),
  }),
);
