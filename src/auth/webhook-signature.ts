import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures: `x-webhook-signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` with
 * the provider's shared secret, and `x-webhook-timestamp` (Unix seconds) inside the replay window.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export function verifyWebhook(
  secret: string,
  headers: { signature: string | null; timestamp: string | null },
  body: string,
  windowSeconds: number,
  now = Date.now() / 1000,
): string | null {
  const ts = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(ts)) return "missing signature or timestamp";
  if (Math.abs(now - ts) > windowSeconds) return "timestamp outside the replay window";
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(headers.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "signature does not match";
  return null;
}
