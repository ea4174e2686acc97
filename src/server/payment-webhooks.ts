import { BlockList, isIP } from "node:net";
import type { Plugin } from "graphql-yoga";
import type { Payment, PaymentProvider, PaymentRefund } from "../domain/ports/payment-provider.port.ts";
import { clientIpOf } from "./client-ip.ts";
import { BodyTooLargeError, readBodyLimited } from "./http-guards.ts";
import type { Logger } from "./logger.ts";

/**
 * What the domain does with a payment or refund as the PSP has it now. It compares the status with the
 * one it stored (compare-and-set), so a duplicate or a late notification changes nothing. A throw means
 * "not taken in": the PSP is answered non-200 and delivers again.
 */
export interface PaymentStatusSink {
  paymentChanged(instanceId: string, payment: Payment): Promise<void>;
  refundChanged(instanceId: string, refund: PaymentRefund): Promise<void>;
}

export interface PaymentWebhookInstance {
  provider: PaymentProvider;
  /** Addresses and CIDR ranges the PSP sends notifications from. */
  allowList: (ip: string) => boolean;
}

export interface PaymentWebhookDeps {
  instances: Record<string, PaymentWebhookInstance>;
  sink: PaymentStatusSink;
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * One notification to `POST /webhooks/payments/:instance`. Notifications are not signed, so the sender's
 * address is checked against the instance's allow-list, and the body is used for nothing but the object's
 * id: the object is read from the PSP and only what that read says reaches the domain.
 */
export async function handlePaymentNotification(
  request: Request,
  instanceId: string,
  ip: string | null,
  deps: PaymentWebhookDeps,
): Promise<Response> {
  const reply = (status: number, body: object) => Response.json(body, { status });
  if (request.method !== "POST") return reply(405, { error: "POST only" });
  const instance = Object.hasOwn(deps.instances, instanceId) ? deps.instances[instanceId] : undefined;
  if (!instance) return reply(404, { error: "unknown payment instance" });
  if (!ip || !instance.allowList(ip)) {
    deps.logger.warn("payment notification from an address not allowed", { instance: instanceId, ip });
    return reply(403, { error: "sender not allowed" });
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBodyLimited(request, deps.maxBodyBytes));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return reply(413, { error: `body larger than ${error.limit} bytes` });
    return reply(400, { error: "not JSON" });
  }
  const notification = instance.provider.parseNotification(body);
  if (!notification) return reply(400, { error: "not a notification of this provider" });
  try {
    if (notification.kind === "PAYMENT") {
      const payment = await instance.provider.get(notification.objectId);
      if (!payment) return reply(404, { error: "the provider does not know this payment" });
      await deps.sink.paymentChanged(instanceId, payment);
      return reply(200, { id: payment.id, status: payment.status });
    }
    const refund = await instance.provider.getRefund(notification.objectId);
    if (!refund) return reply(404, { error: "the provider does not know this refund" });
    await deps.sink.refundChanged(instanceId, refund);
    return reply(200, { id: refund.id, status: refund.status });
  } catch (error) {
    deps.logger.warn("payment notification failed", { instance: instanceId, event: notification.event, err: error });
    return reply(503, { error: "try again later" });
  }
}

/** The Yoga plugin serving `POST /webhooks/payments/:instance` with `handlePaymentNotification`. */
export function usePaymentWebhooks(deps: PaymentWebhookDeps): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const m = /^\/webhooks\/payments\/([\w-]+)$/.exec(url.pathname);
      if (!m) return;
      endResponse(await handlePaymentNotification(request, m[1]!, clientIpOf(request), deps));
    },
  };
}

/** An allow-list of addresses ("77.75.156.11") and CIDR ranges ("185.71.76.0/27", "2a02:5180::/32"). */
export function ipAllowList(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split("/") as [string, string | undefined];
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (ip) => {
    const plain = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? "ipv6" : "ipv4");
  };
}
