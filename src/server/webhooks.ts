import type { Plugin } from "graphql-yoga";
import { z } from "zod";
import { verifyWebhook } from "../auth/webhook-signature.ts";
import type { CatalogService } from "../domain/catalog.service.ts";
import type { StatusFollowUp } from "../domain/status-follow-up.ts";
import type { ShopDirectory } from "../domain/shop-directory.ts";
import type { WebhookClaim, WebhookEventRepository } from "../persistence/webhook-event.repository.ts";
import { BodyTooLargeError, readBodyLimited } from "./http-guards.ts";
import type { Logger } from "./logger.ts";

const eventSchema = z.discriminatedUnion("type", [
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal("order.status"),
    orderId: z.string().uuid(),
    status: z.string().min(1).max(50),
  }),
  /** The shop window changed: drop the cached catalog (of one provider instance, or of every one of this adapter). */
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal("catalog.changed"),
    instanceId: z.string().min(1).max(200).nullish(),
  }),
]);

/**
 * How long a claimed event may stay unfinished before a redelivery takes it over: far longer than its
 * processing takes with the providers' usual timeouts (5 s a call), so that a live claim is seldom taken
 * over (and then the event is applied twice, which changes nothing), and short enough that the sender's
 * redelivery after a crash is taken in.
 */
export const WEBHOOK_CLAIM_LEASE_MS = 60_000;

/**
 * `POST /webhooks/:provider`: a signed event (HMAC over timestamp and body, replay window, deduplicated
 * by event id). An order status goes to the same follow-up as the status sync; a catalog change drops
 * the cached shop window.
 *
 * The event id is claimed before processing and marked done after it, so that a process killed in
 * between does not leave the event taken in: a redelivery while the claim is fresh answers 503 (the
 * sender tries again), and one after the lease takes the claim over and processes the event. A done
 * event answers 200 duplicate; a processing failure gives the claim up, so the redelivery processes it.
 */
export function useWebhooks(deps: {
  /** Bodies larger than this are refused with 413 before they are read in full. */
  maxBodyBytes: number;
  secrets: Record<string, string>;
  windowSeconds: number;
  followUp: StatusFollowUp;
  shops: ShopDirectory;
  catalog: CatalogService;
  events: WebhookEventRepository;
  logger: Logger;
  /** How long a claim may stay unfinished before a redelivery takes it over; WEBHOOK_CLAIM_LEASE_MS. */
  leaseMs?: number;
  /** The claims' clock, in ms. */
  now?: () => number;
}): Plugin {
  const leaseMs = deps.leaseMs ?? WEBHOOK_CLAIM_LEASE_MS;
  const now = deps.now ?? (() => Date.now());
  return {
    async onRequest({ request, url, endResponse }) {
      const m = /^\/webhooks\/([\w-]+)$/.exec(url.pathname);
      if (!m) return;
      const provider = m[1]!;
      const reply = (status: number, body: object) => endResponse(Response.json(body, { status }));
      if (request.method !== "POST") return reply(405, { error: "POST only" });
      const secret = deps.secrets[provider];
      const statusMap = statusMapOf(deps.shops, provider);
      if (!secret || !statusMap) return reply(404, { error: "unknown provider" });
      let body: string;
      try {
        body = await readBodyLimited(request, deps.maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return reply(413, { error: `body larger than ${error.limit} bytes` });
        return reply(400, { error: "the body could not be read" });
      }
      const problem = verifyWebhook(
        secret,
        {
          signature: request.headers.get("x-webhook-signature"),
          timestamp: request.headers.get("x-webhook-timestamp"),
        },
        body,
        deps.windowSeconds,
      );
      if (problem) return reply(401, { error: problem });
      let event: z.infer<typeof eventSchema>;
      try {
        event = eventSchema.parse(JSON.parse(body));
      } catch {
        return reply(400, { error: "not an order.status or catalog.changed event" });
      }
      const key = `${provider}:${event.id}`;
      let claim: WebhookClaim;
      try {
        claim = await deps.events.claim(key, leaseMs, new Date(now()));
      } catch (error) {
        deps.logger.warn("webhook event failed", { provider, event: event.id, err: error });
        return reply(503, { error: "try again later" });
      }
      if (claim.kind === "done") return reply(200, { duplicate: true });
      if (claim.kind === "busy") return reply(503, { error: "this event is being processed; try again later" });
      let answer: object;
      try {
        answer = await processEvent(deps, provider, event);
      } catch (error) {
        // Not taken in: the claim is given up so that the sender's next delivery processes it. Should that
        // fail too, the lease runs out and the delivery after it does.
        await deps.events.release(key, claim.at).catch(() => undefined);
        deps.logger.warn("webhook event failed", { provider, event: event.id, err: error });
        return reply(503, { error: "try again later" });
      }
      try {
        await deps.events.complete(key, new Date(now()));
      } catch (error) {
        // Processed, but not marked done: a redelivery after the lease processes it again, which the order's
        // follow-up and the cache's invalidation take as a no-op. The sender is told it was taken.
        deps.logger.warn("webhook event not marked done", { provider, event: event.id, err: error });
      }
      return reply(202, answer);
    },
  };
}

/** Applies one event; the answer's body for 202. */
async function processEvent(
  deps: { followUp: StatusFollowUp; catalog: CatalogService },
  provider: string,
  event: z.infer<typeof eventSchema>,
): Promise<object> {
  if (event.type === "catalog.changed") {
    const dropped = await deps.catalog.invalidate(
      (c) => c.adapter === provider && (!event.instanceId || c.instanceId === event.instanceId),
    );
    return { accepted: true, invalidated: dropped };
  }
  // A status the gateway cannot follow is taken in all the same: it waits in the attention queue with its
  // retries, so the sender does not resend it for ever.
  const order = await deps.followUp.take({
    orderId: event.orderId,
    vendorStatus: event.status,
    from: { adapter: provider },
    source: `${provider}-webhook`,
  });
  if (order === "isolated") return { accepted: true, attention: true };
  return { accepted: true, order: order ? { id: order.id, status: order.status } : null };
}

/** The status map declared by the order-system module of this id, if any shop uses one. */
function statusMapOf(shops: ShopDirectory, adapter: string) {
  return shops.shops.find((s) => s.orders?.adapter === adapter)?.orders?.statusMap;
}
