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

  it("takes the demo ЮKassa's notifications only from the loopback address, and reads the object back", async () => {
    const notification = JSON.stringify({ type: "notification", event: "payment.succeeded", object: { id: "x" } });
    const post = (instance: string, ip?: string) =>
      demo.fetch(
        `/webhooks/payments/${instance}`,
        { method: "POST", headers: { "content-type": "application/json" }, body: notification },
        ip,
      );
    expect((await post("demo-yookassa", "203.0.113.7")).status).toBe(403);
    expect((await post("demo-yookassa")).status).toBe(403);
    // From loopback it is read back from ЮKassa, which does not know this payment.
    expect((await post("demo-yookassa", "127.0.0.1")).status).toBe(404);
    expect((await post("no-such-psp", "127.0.0.1")).status).toBe(404);
  });
});
