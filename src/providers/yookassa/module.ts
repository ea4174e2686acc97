import { z } from "zod";
import { ProviderHttp } from "../http/provider-http.ts";
import { definePaymentModule, httpSettings } from "../module.ts";
import { options, YookassaAdapter } from "./adapter.ts";
import { mapYookassaError } from "./mapper.ts";

/** ЮKassa API v3 (yookassa.ru/developers): two-stage card payments, partial capture and refunds, 54-FZ receipts. */
export const yookassaModule = definePaymentModule({
  id: "yookassa",
  options,
  credentials: z.object({ shopId: z.string().min(1), secretKey: z.string().min(1) }),
  behaviour: {
    twoStage: true,
    partialCapture: true,
    partialRefund: true,
    receipts: true,
    unpaidExpiresAfterSeconds: 3600,
    holdExpiresAfterSeconds: 7 * 24 * 3600,
    reason:
      "`capture: false` holds a card payment as waiting_for_capture for up to 7 days; capture takes all or a smaller `amount`; " +
      "refunds are full or partial up to what was paid; a payment not paid within an hour becomes canceled; " +
      "`receipt` makes the 54-FZ receipt",
  },
  create: (instance, deps) => {
    const basic = Buffer.from(`${instance.credentials.shopId}:${instance.credentials.secretKey}`).toString("base64");
    return new YookassaAdapter(
      instance.id,
      new ProviderHttp({
        ...httpSettings(instance, deps),
        headers: () => ({ authorization: `Basic ${basic}` }),
        mapError: (failure) => mapYookassaError(instance.id, failure),
      }),
      { ...instance.options, maxRetries: instance.maxRetries },
    );
  },
});
