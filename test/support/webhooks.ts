import { signWebhook } from "../../src/auth/webhook-signature.ts";
import type { TestGateway } from "./test-gateway.ts";

/** The demo's shared secret for Posiflora's webhooks. */
export const DEMO_WEBHOOK_SECRET = "demo-webhook-secret-000";

/** `POST /webhooks/:provider` with the event signed as a provider signs it (or as told: a wrong secret, an old time). */
export function sendWebhook(
  t: TestGateway,
  provider: string,
  event: object,
  opts: { secret?: string; timestamp?: number } = {},
): Promise<Response> {
  const body = JSON.stringify(event);
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return Promise.resolve(
    t.gateway.yoga.fetch(`http://gateway.test/webhooks/${provider}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-webhook-timestamp": String(ts),
        "x-webhook-signature": signWebhook(opts.secret ?? DEMO_WEBHOOK_SECRET, ts, body),
      },
      body,
    }),
  );
}
