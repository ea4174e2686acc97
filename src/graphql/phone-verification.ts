import { z } from "zod";
import { InvalidInputError, ProviderError, VerificationError } from "../domain/errors.ts";
import { builder } from "./builder.ts";
import { CustomerRef } from "./customer.ts";

const LinkMyPhoneInput = builder.inputType("LinkMyPhoneInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    contact: t.string({
      required: true,
      description: "The signed result of Telegram's WebApp.requestContact(), as the Mini App received it.",
      validate: z.string().min(1).max(4096),
    }),
  }),
});

builder.mutationField("linkMyPhone", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "For a Mini App user: prove your phone with the contact Telegram signed for you (requestContact); it is linked to you. Fresh (10 minutes) and used once.",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError, VerificationError] },
    args: { input: t.arg({ type: LinkMyPhoneInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.phoneVerification.linkByContact(ctx.scope, String(input.shopId), input.contact),
  }),
);

const phoneArg = z.string().trim().min(5, "a phone number").max(32);

const SendPhoneCodeInput = builder.inputType("SendPhoneCodeInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    phone: t.string({ required: true, validate: phoneArg }),
    providerId: t.id({
      description: "The provider that sends it; the shop's first with phoneVerification by default.",
    }),
  }),
});

const CheckPhoneCodeInput = builder.inputType("CheckPhoneCodeInput", {
  fields: (t) => ({
    shopId: t.id({ required: true }),
    phone: t.string({ required: true, validate: phoneArg }),
    code: t.string({ required: true, validate: z.string().regex(/^\d{3,8}$/, "the code is 3 to 8 digits") }),
    providerId: t.id(),
  }),
});

const PhoneCodeSent = builder
  .objectRef<{ phone: string; providerId: string; resendAfterSeconds: number; expiresInSeconds: number }>(
    "PhoneCodeSent",
  )
  .implement({
    fields: (t) => ({
      phone: t.exposeString("phone", { description: "E.164 digits, no plus sign" }),
      providerId: t.exposeID("providerId"),
      resendAfterSeconds: t.exposeInt("resendAfterSeconds"),
      expiresInSeconds: t.exposeInt("expiresInSeconds"),
    }),
  });

builder.mutationField("sendPhoneCode", (t) =>
  t.field({
    type: PhoneCodeSent,
    description:
      "For a Mini App user: the provider sends a code to the phone by SMS (BonusPlus sendCode). One a minute per phone and per user (RATE_LIMITED).",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError, VerificationError, ProviderError] },
    args: { input: t.arg({ type: SendPhoneCodeInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.phoneVerification.sendCode(
        ctx.scope,
        String(input.shopId),
        input.phone,
        input.providerId == null ? null : String(input.providerId),
      ),
  }),
);

builder.mutationField("checkPhoneCode", (t) =>
  t.field({
    type: CustomerRef,
    description:
      "For a Mini App user: checks the code sendPhoneCode sent; a right one links the phone to you. 5 tries a code, 10 minutes' life.",
    authScopes: { miniApp: true },
    errors: { types: [InvalidInputError, VerificationError, ProviderError] },
    args: { input: t.arg({ type: CheckPhoneCodeInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      ctx.services.phoneVerification.checkCode(
        ctx.scope,
        String(input.shopId),
        input.phone,
        input.code,
        input.providerId == null ? null : String(input.providerId),
      ),
  }),
);
