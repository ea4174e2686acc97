import { sql } from "../support/db.ts";
import { describe, expect, it } from "vitest";
import { line, miniAppCustomer } from "../support/orders.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway({ RECOVERY_INTERVAL_SECONDS: "0" });

const ledger = (orderId: string) =>
  sql<{ kind: string; state: string; error: string | null }>(
    gw.t.databaseUrl,
    `select "kind", "state", "error" from "LedgerEntry" where "orderId" = ? order by "createdAt"`,
    orderId,
  );

describe("ledger recovery", () => {
  it("replays a purchase whose answer was lost, where the provider deduplicates it: one operation at the vendor", async () => {
    const sim = gw.t.gateway.simulators!.integrations.handler;
    const c = await miniAppCustomer(gw.t, "demo-integrations", "+79001234567", "qr-anna-501");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 50));
    // The purchase goes through at the vendor, but every answer is lost.
    c.ok(await c.confirm(order.id));
    // The purchase is recorded at completion (the sale is real then).
    sim.faults.add({ kind: "lostResponse", path: "/integrations/bonus", times: 3 });
    const failed = await c.complete(order.id);
    expect(failed).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
    expect((await ledger(order.id)).find((e) => e.kind === "COMMIT")?.state).toBe("UNKNOWN");
    const ops = () => sim.state.operations.filter((o) => o.invoice_num === order.id).length;
    expect(ops()).toBe(1);

    const report = await gw.t.gateway.recovery.runOnce(0);
    expect(report.resolved).toBeGreaterThanOrEqual(1);
    expect((await ledger(order.id)).find((e) => e.kind === "COMMIT")?.state).toBe("SUCCEEDED");
    expect(ops()).toBe(1);

    // The shop's retry completes the order without a second purchase.
    const done = await c.complete(order.id);
    expect(done).toMatchObject({ data: { status: "COMPLETED", pointsRedeemed: 50 } });
    expect(ops()).toBe(1);
  });

  it("compensates a hold whose outcome is unknown: the reserve is released and the order never shows it", async () => {
    const sim = gw.t.gateway.simulators!.bonusplus.handler;
    const state = sim.state;
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    sim.faults.add({ kind: "lostResponse", path: "/balance/reserve", times: 1 });
    expect(await c.apply(order.id, 70)).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
    expect(state.reserved("79001234567")).toBe(70);
    expect((await ledger(order.id)).find((e) => e.kind === "HOLD")?.state).toBe("UNKNOWN");

    await gw.t.gateway.recovery.runOnce(0);
    expect(state.reserved("79001234567")).toBe(0);
    expect((await ledger(order.id)).find((e) => e.kind === "HOLD")).toMatchObject({
      state: "FAILED",
      error: "compensated by recovery",
    });
    // A fresh attempt works.
    expect(c.ok(await c.apply(order.id, 70))).toMatchObject({ status: "BONUSES_HELD", pointsHeld: 70 });
    expect(state.reserved("79001234567")).toBe(70);
  });

  it("never replays a purchase the provider does not deduplicate: it is left for reconciliation", async () => {
    const sim = gw.t.gateway.simulators!.bonusplus.handler;
    const state = sim.state;
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 30));
    c.ok(await c.confirm(order.id));
    sim.faults.add({ kind: "lostResponse", path: "/api/retail", times: 1 });
    expect(await c.complete(order.id)).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
    const sales = () => state.retail.filter((r) => r.externalId === order.id).length;
    expect(sales()).toBe(1);
    const report = await gw.t.gateway.recovery.runOnce(0);
    expect(report.unresolved).toBeGreaterThanOrEqual(1);
    expect(sales()).toBe(1);
    expect((await ledger(order.id)).find((e) => e.kind === "COMMIT")).toMatchObject({
      state: "NEEDS_ATTENTION",
      error: expect.stringMatching(/does not deduplicate/),
    });
  });
});
