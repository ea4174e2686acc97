import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Plugin } from "graphql-yoga";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { signWebhook } from "../auth/webhook-signature.ts";
import type { CatalogService } from "../domain/catalog.service.ts";
import type { ShopDirectory } from "../domain/shop-directory.ts";
import type { StatusFollowUp, StatusReport } from "../domain/status-follow-up.ts";
import { createDb, type Db } from "../persistence/db.ts";
import { WebhookEventRepository } from "../persistence/webhook-event.repository.ts";
import { createLogger } from "./logger.ts";
import { useWebhooks, WEBHOOK_CLAIM_LEASE_MS } from "./webhooks.ts";

const SECRET = "webhook-secret-for-tests";
type OnRequest = NonNullable<Plugin["onRequest"]>;

/**
 * The claim of a webhook event on a real (SQLite) database: the event counts as taken in only once it was
 * processed. The claims' clock is injected and moved; the signatures use the real one.
 */
describe("webhook event claims", () => {
  let db: Db;
  let clock: number;
  /** Each call of the order follow-up, and what the next ones do: finish, fail or never finish. */
  let taken: StatusReport[];
  let behaviour: "ok" | "fail" | "hang";
  /** While set, processing waits for it. */
  let gate: Promise<void> | null;
  let onRequest: OnRequest;

  beforeEach(async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-webhooks-")), "gateway.db");
    copyFileSync(inject("templateDb"), file);
    db = await createDb(`file:${file}`);
    clock = Date.UTC(2026, 11, 8, 9, 0, 0);
    taken = [];
    behaviour = "ok";
    gate = null;
    const followUp = {
      take: async (report: StatusReport) => {
        taken.push(report);
        if (behaviour === "fail") throw new Error("database busy");
        if (behaviour === "hang") return new Promise<never>(() => {});
        await gate;
        return { id: report.orderId, status: "IN_DELIVERY" };
      },
    } as unknown as StatusFollowUp;
    const plugin = useWebhooks({
      maxBodyBytes: 64 * 1024,
      secrets: { "order-system": SECRET },
      windowSeconds: 300,
      followUp,
      shops: { shops: [{ orders: { adapter: "order-system", statusMap: {} } }] } as unknown as ShopDirectory,
      catalog: { invalidate: async () => 0 } as unknown as CatalogService,
      events: new WebhookEventRepository(db),
      logger: createLogger("silent"),
      now: () => clock,
    });
    onRequest = plugin.onRequest!;
  });
  afterEach(() => db.$disconnect());

  const event = () => ({ id: randomUUID(), type: "order.status", orderId: randomUUID(), status: "courier" });

  /** One delivery of the event, signed now; resolves with the answer (or never, while processing hangs). */
  async function deliver(e: object): Promise<{ status: number; body: unknown }> {
    const body = JSON.stringify(e);
    const ts = Math.floor(Date.now() / 1000);
    const request = new Request("https://gateway.example/webhooks/order-system", {
      method: "POST",
      headers: { "x-webhook-timestamp": String(ts), "x-webhook-signature": signWebhook(SECRET, ts, body) },
      body,
    });
    let response: Response | undefined;
    await onRequest({
      request,
      url: new URL(request.url),
      endResponse: (r: Response) => {
        response = r;
      },
    } as unknown as Parameters<OnRequest>[0]);
    return { status: response!.status, body: await response!.json() };
  }

  /** Waits until the follow-up was called `n` times (a delivery whose processing hangs is not awaited). */
  async function takenTimes(n: number) {
    for (let i = 0; i < 2000 && taken.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    expect(taken).toHaveLength(n);
  }

  it("an event whose processing died is processed when it is delivered again after the lease", async () => {
    const e = event();
    behaviour = "hang";
    void deliver(e);
    await takenTimes(1);

    behaviour = "ok";
    clock += WEBHOOK_CLAIM_LEASE_MS + 1_000;
    expect(await deliver(e)).toEqual({
      status: 202,
      body: { accepted: true, order: { id: e.orderId, status: "IN_DELIVERY" } },
    });
    expect(taken).toHaveLength(2);
    expect(await deliver(e)).toEqual({ status: 200, body: { duplicate: true } });
    expect(taken).toHaveLength(2);
  });

  it("a claim in progress and fresh answers 503, and the event is processed once", async () => {
    const e = event();
    behaviour = "hang";
    void deliver(e);
    await takenTimes(1);

    clock += WEBHOOK_CLAIM_LEASE_MS - 1_000;
    const again = await deliver(e);
    expect(again.status).toBe(503);
    expect(taken).toHaveLength(1);
  });

  it("concurrent deliveries of one event: one processes it, the others answer 503", async () => {
    const e = event();
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    const answered: number[] = [];
    const all = [deliver(e), deliver(e), deliver(e)].map(async (p) => {
      const answer = await p;
      answered.push(answer.status);
      return answer;
    });
    // Whichever won the claim is held by the gate, processing; the other two answer meanwhile.
    for (let i = 0; i < 2000 && answered.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(answered).toEqual([503, 503]);
    open();
    expect((await Promise.all(all)).map((a) => a.status).sort()).toEqual([202, 503, 503]);
    expect(taken).toHaveLength(1);
  });

  it("a done event answers 200 duplicate and is not processed again, even after the lease", async () => {
    const e = event();
    expect((await deliver(e)).status).toBe(202);
    expect(await deliver(e)).toEqual({ status: 200, body: { duplicate: true } });
    clock += 24 * 3600_000;
    expect(await deliver(e)).toEqual({ status: 200, body: { duplicate: true } });
    expect(taken).toHaveLength(1);
  });

  it("a processing failure gives the claim up: the next delivery processes the event at once", async () => {
    const e = event();
    behaviour = "fail";
    expect((await deliver(e)).status).toBe(503);
    behaviour = "ok";
    expect((await deliver(e)).status).toBe(202);
    expect(taken).toHaveLength(2);
    expect((await deliver(e)).status).toBe(200);
  });

  it("of two deliveries that find a claim past its lease, one takes it over", async () => {
    const events = new WebhookEventRepository(db);
    const t0 = new Date(clock);
    expect(await events.claim("order-system:e1", WEBHOOK_CLAIM_LEASE_MS, t0)).toEqual({ kind: "taken", at: t0 });
    const later = new Date(clock + WEBHOOK_CLAIM_LEASE_MS + 1);
    const claims = await Promise.all([
      events.claim("order-system:e1", WEBHOOK_CLAIM_LEASE_MS, later),
      events.claim("order-system:e1", WEBHOOK_CLAIM_LEASE_MS, later),
    ]);
    expect(claims.map((c) => c.kind).sort()).toEqual(["busy", "taken"]);
    // The dead process's claim is gone: giving it up now leaves the new one in place.
    await events.release("order-system:e1", t0);
    expect(await events.claim("order-system:e1", WEBHOOK_CLAIM_LEASE_MS, later)).toEqual({ kind: "busy" });
    await events.complete("order-system:e1", later);
    expect(await events.claim("order-system:e1", WEBHOOK_CLAIM_LEASE_MS, later)).toEqual({ kind: "done" });
  });

  it("a phone proof remembered is used at once", async () => {
    const events = new WebhookEventRepository(db);
    expect(await events.remember("contact:shop:p1")).toBe(true);
    expect(await events.remember("contact:shop:p1")).toBe(false);
    expect(await events.claim("contact:shop:p1", WEBHOOK_CLAIM_LEASE_MS, new Date(clock))).toEqual({ kind: "done" });
  });
});
