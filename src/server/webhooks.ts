import type { Plugin } from "graphql-yoga";
import { z } from "zod";
import { verifyWebhook } from "../auth/webhook-signature.ts";
import { POSIFLORA_STATUS, type OrderStatus } from "../domain/order-state.ts";
import type { OrderService } from "../domain/order.service.ts";
import type { WebhookEventRepository } from "../persistence/webhook-event.repository.ts";
import type { Logger } from "./logger.ts";

const eventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.literal("order.status"),
  orderId: z.string().uuid(),
  status: z.string().min(1).max(50),
});

/** How each provider's statuses map onto the lifecycle. */
const STATUS_MAPS: Record<string, Record<string, OrderStatus>> = { posiflora: POSIFLORA_STATUS };

/**
 * `POST /webhooks/:provider`: a signed order-status event (HMAC over timestamp and body, replay window,
 * deduplicated by event id) fed to the same pipeline as the status sync.
 */
export function useWebhooks(deps: { secrets: Record<string, string>; windowSeconds: number; orders: OrderService; events: WebhookEventRepository; logger: Logger }): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const m = /^\/webhooks\/([\w-]+)$/.exec(url.pathname);
      if (!m) return;
      const provider = m[1]!;
      const reply = (status: number, body: object) => endResponse(Response.json(body, { status }));
      if (request.method !== "POST") return reply(405, { error: "POST only" });
      const secret = deps.secrets[provider];
      if (!secret || !STATUS_MAPS[provider]) return reply(404, { error: "unknown provider" });
      const body = await request.text();
      const problem = verifyWebhook(secret, { signature: request.headers.get("x-webhook-signature"), timestamp: request.headers.get("x-webhook-timestamp") }, body, deps.windowSeconds);
      if (problem) return reply(401, { error: problem });
      let event: z.infer<typeof eventSchema>;
      try {
        event = eventSchema.parse(JSON.parse(body));
      } catch {
        return reply(400, { error: "not an order.status event" });
      }
      const key = `${provider}:${event.id}`;
      if (!(await deps.events.remember(key))) return reply(200, { duplicate: true });
      try {
        const order = await deps.orders.applyVendorStatus(event.orderId, event.status, STATUS_MAPS[provider]![event.status], `${provider}-webhook`);
        return reply(202, { accepted: true, order: order ? { id: order.id, status: order.status } : null });
      } catch (error) {
        // Not taken in: the sender may deliver it again.
        await deps.events.forget(key);
        deps.logger.warn("webhook event failed", { provider, event: event.id, err: error });
        return reply(503, { error: "try again later" });
      }
    },
  };
}
