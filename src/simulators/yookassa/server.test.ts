import { afterEach, describe, expect, it } from "vitest";
import { expectViolations } from "../../../test/support/violations.ts";
import { createYookassaSimulator } from "./server.ts";
import { YookassaState } from "./state.ts";

const AUTH = `Basic ${Buffer.from("shop:secret").toString("base64")}`;
const sims: Array<ReturnType<typeof createYookassaSimulator>> = [];
const sim = () => {
  const s = createYookassaSimulator({ shopId: "shop", secretKey: "secret", receiptsRequired: false });
  sims.push(s);
  return s;
};
afterEach(() => sims.splice(0).forEach((s) => s.violations.dispose()));

const payment = {
  amount: { value: "100.50", currency: "RUB" },
  confirmation: { type: "redirect", return_url: "https://r.example" },
};

function post(s: ReturnType<typeof sim>, path: string, body: unknown, headers: Record<string, string> = {}) {
  return s(
    new Request(`http://yookassa.sim${path}`, {
      method: "POST",
      headers: { authorization: AUTH, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
}

describe("ЮKassa simulator", () => {
  it("refuses a POST without an Idempotence-Key, and counts it", async () => {
    const s = sim();
    const res = await post(s, "/v3/payments", payment);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "error", code: "invalid_request", parameter: "Idempotence-Key" });
    expectViolations(s, { kind: "body", detail: /Idempotence-Key/ });
    expect(s.state.payments.size).toBe(0);
  });

  it("refuses wrong Basic credentials with 401 invalid_credentials", async () => {
    const s = sim();
    const res = await post(s, "/v3/payments", payment, {
      authorization: "Basic d3Jvbmc6d3Jvbmc=",
      "idempotence-key": "k",
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: "error", code: "invalid_credentials" });
  });

  it.each([
    ["a number", 100.5],
    ["one decimal", "100.5"],
    ["no decimals", "100"],
  ])("refuses an amount as %s", async (_, value) => {
    const s = sim();
    const res = await post(
      s,
      "/v3/payments",
      { ...payment, amount: { value, currency: "RUB" } },
      { "idempotence-key": "k" },
    );
    expect(res.status).toBe(400);
    expectViolations(s, { kind: "body", path: "/v3/payments" });
  });

  it("answers the same key and body with the same payment, whatever the order of the body's keys", async () => {
    const s = sim();
    const first = (await (await post(s, "/v3/payments", payment, { "idempotence-key": "k1" })).json()) as {
      id: string;
    };
    const reordered = { confirmation: payment.confirmation, amount: { currency: "RUB", value: "100.50" } };
    const again = (await (await post(s, "/v3/payments", reordered, { "idempotence-key": "k1" })).json()) as {
      id: string;
    };
    expect(again.id).toBe(first.id);
    expect(s.state.payments.size).toBe(1);
  });

  it("forgets a key after 24 hours on its clock", async () => {
    const s = sim();
    await post(s, "/v3/payments", payment, { "idempotence-key": "k1" });
    s.state.advance(24 * 3600);
    await post(s, "/v3/payments", payment, { "idempotence-key": "k1" });
    expect(s.state.payments.size).toBe(2);
  });

  it("keeps the money exact: 100.50 is 10050 kopecks, and comes back as the same string", async () => {
    const s = sim();
    const body = (await (await post(s, "/v3/payments", payment, { "idempotence-key": "k" })).json()) as {
      id: string;
      amount: { value: string };
    };
    expect(s.state.payments.get(body.id)!.authorised).toBe(10_050);
    expect(body.amount.value).toBe("100.50");
  });

  it("retries an unanswered notification and stops once answered 200", async () => {
    let answers = [500, 200];
    const calls: string[] = [];
    const s = createYookassaSimulator({
      shopId: "shop",
      secretKey: "secret",
      receiptsRequired: false,
      notificationUrl: "http://shop.example/hook",
      deliver: async (_url, init) => {
        calls.push((JSON.parse(init.body as string) as { event: string }).event);
        return new Response(null, { status: answers.shift() ?? 200 });
      },
    });
    sims.push(s);
    const p = (await (await post(s, "/v3/payments", payment, { "idempotence-key": "k" })).json()) as { id: string };
    s.state.decline(p.id);
    expect(await s.deliverNotifications()).toBe(0);
    expect(await s.deliverNotifications()).toBe(1);
    expect(await s.deliverNotifications()).toBe(0);
    expect(calls).toEqual(["payment.canceled", "payment.canceled"]);
    answers = [];
  });

  it("delivers what was notified after a pass that found the queue empty", async () => {
    const s = createYookassaSimulator({
      shopId: "shop",
      secretKey: "secret",
      receiptsRequired: false,
      notificationUrl: "http://shop.example/hook",
      deliver: async () => new Response(null, { status: 200 }),
    });
    sims.push(s);
    expect(await s.deliverNotifications()).toBe(0);
    const p = (await (await post(s, "/v3/payments", payment, { "idempotence-key": "k" })).json()) as { id: string };
    s.state.decline(p.id);
    expect(await s.deliverNotifications()).toBe(1);
    expect(s.state.outbox).toHaveLength(0);
  });

  it("stops delivering after 24 hours unanswered", async () => {
    const s = createYookassaSimulator({
      shopId: "shop",
      secretKey: "secret",
      receiptsRequired: false,
      notificationUrl: "http://shop.example/hook",
      deliver: async () => new Response(null, { status: 500 }),
    });
    sims.push(s);
    const p = (await (await post(s, "/v3/payments", payment, { "idempotence-key": "k" })).json()) as { id: string };
    s.state.decline(p.id);
    expect(s.state.outbox).toHaveLength(1);
    s.state.advance(24 * 3600);
    expect(s.state.dueNotifications()).toHaveLength(0);
  });
});

describe("ЮKassa simulator's clock and notifications", () => {
  it("an unpaid payment whose hour passed is canceled and notified without another request", async () => {
    let now = Date.parse("2026-12-07T05:00:00Z");
    const events: string[] = [];
    const s = createYookassaSimulator({
      shopId: "shop",
      secretKey: "secret",
      receiptsRequired: false,
      notificationUrl: "http://shop.example/hook",
      state: new YookassaState(() => now),
      deliver: async (_url, init) => {
        events.push((JSON.parse(init.body as string) as { event: string }).event);
        return new Response(null, { status: 200 });
      },
    });
    sims.push(s);
    await post(s, "/v3/payments", payment, { "idempotence-key": "k" });
    now += 3600_000;
    expect(await s.deliverNotifications()).toBe(1);
    expect(events).toEqual(["payment.canceled"]);
    expect([...s.state.payments.values()][0]!.cancellation).toEqual({
      party: "yoo_money",
      reason: "expired_on_confirmation",
    });
  });

  it("a discarded queue is never delivered: the notifications are lost", async () => {
    const events: string[] = [];
    const s = createYookassaSimulator({
      shopId: "shop",
      secretKey: "secret",
      receiptsRequired: false,
      notificationUrl: "http://shop.example/hook",
      deliver: async (_url, init) => {
        events.push((JSON.parse(init.body as string) as { event: string }).event);
        return new Response(null, { status: 200 });
      },
    });
    sims.push(s);
    const created = await (await post(s, "/v3/payments", payment, { "idempotence-key": "k" })).json();
    await s(new Request(`http://yookassa.sim/__sim/payments/${created.id}/pay`, { method: "POST" }));
    const discarded = await s(new Request("http://yookassa.sim/__sim/notifications/discard", { method: "POST" }));
    expect(await discarded.json()).toEqual({ discarded: 1 });
    expect(await s.deliverNotifications()).toBe(0);
    expect(events).toEqual([]);
    expect(s.state.payment(created.id).status).toBe("waiting_for_capture");
  });
});
