import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HarnessGateway, startHarness } from "../fuzz/harness.ts";

describe("payments in demo mode", () => {
  let demo: HarnessGateway;
  beforeAll(async () => {
    demo = await startHarness();
  });
  afterAll(() => demo.close());

  it("runs the ЮKassa simulator with its controls", async () => {
    const state = await demo.fetch("/__sim/yookassa/state");
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ payments: [], refunds: [], pendingNotifications: 0 });
    const clock = await demo.fetch("/__sim/yookassa/clock", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advanceSeconds: 60 }),
    });
    expect(await clock.json()).toEqual({ advanced: 60 });
  });

  it("serves no payment notification route until the order process takes payments in", async () => {
    const res = await demo.fetch("/webhooks/payments/demo-yookassa", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: "x" } }),
    });
    expect(res.status).toBe(404);
  });
});
