import { isIP } from "node:net";
import { z } from "zod";
import { PAYMENT_MODULES } from "../providers/registry.ts";
import { providerInstanceSchema } from "./provider-instance.ts";

/** "77.75.156.11", "185.71.76.0/27", "2a02:5180::/32". */
const ipOrRange = z.string().refine((entry) => {
  const [address, prefix, extra] = entry.split("/");
  const family = isIP(address ?? "");
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}, "an IP address or a CIDR range");

/**
 * A shop's payment settings: the PSP instance (credentials by environment variable name, like every
 * provider), whether the buyer pays ahead (PREPAY) or in the shop (ON_PICKUP), when a hold is captured,
 * where the PSP sends the buyer back, the addresses its notifications may come from, and the shop's
 * 54-FZ receipt settings. (docs/payments.md).
 */
export const paymentSettingsSchema = z
  .object({
    provider: providerInstanceSchema,
    mode: z.enum(["PREPAY", "ON_PICKUP"]),
    capture: z.enum(["AT_PLACEMENT", "AT_READY", "AT_COMPLETION"]),
    returnUrl: z.string().url(),
    notificationIps: z.array(ipOrRange).min(1),
    receipt: z
      .object({
        vatCode: z.number().int().min(1).max(12),
        taxSystemCode: z.number().int().min(1).max(6).optional(),
        paymentSubject: z.enum(["commodity", "service", "payment", "another"]).default("commodity"),
        /**
         * The settlement receipt at handover of goods paid ahead (54-FZ: a `full_prepayment` receipt at
         * payment, a `full_payment` one settling it when the goods are handed over). Off only where the
         * shop's own till makes that receipt.
         */
        settlement: z.boolean().default(true),
        /**
         * Where the receipt goes: PHONE (by SMS, where the shop's fiscal service sends them) or EMAIL
         * (ЮKassa's own receipts go by e-mail only). With EMAIL the buyer gives an e-mail at checkout.
         */
        contact: z.enum(["PHONE", "EMAIL"]).default("PHONE"),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const module = PAYMENT_MODULES[settings.provider.adapter];
    if (!module) {
      ctx.addIssue({
        code: "custom",
        path: ["provider", "adapter"],
        message: `unknown payment adapter "${settings.provider.adapter}" (known: ${Object.keys(PAYMENT_MODULES).join(", ")})`,
      });
      return;
    }
    if (settings.capture !== "AT_PLACEMENT" && !module.behaviour.twoStage) {
      ctx.addIssue({
        code: "custom",
        path: ["capture"],
        message: `${settings.capture}: ${module.id} takes the money at once (no two-stage payments)`,
      });
    }
    if (module.behaviour.receipts && !settings.receipt) {
      ctx.addIssue({
        code: "custom",
        path: ["receipt"],
        message: `${module.id} makes the 54-FZ receipts: the shop's VAT code is needed`,
      });
    }
  });
export type PaymentSettings = z.infer<typeof paymentSettingsSchema>;
