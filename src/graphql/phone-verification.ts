import { z } from "zod";
import { InvalidInputError, VerificationError } from "../domain/errors.ts";
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
