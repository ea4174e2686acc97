import { describe, expect, it } from "vitest";
import {
  CalculateCartDocument,
  CustomerByQrTokenDocument,
  OrderByIdDocument,
} from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";
import { expectNoViolations } from "../support/violations.ts";

/**
 * The vendors' documents, end to end through GraphQL: each flow below used to send something the
 * documents do not allow (and the simulators now refuse and record), or to decide by an error code no
 * document defines.
 */
const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0", RECOVERY_INTERVAL_SECONDS: "0" });
const sims = () => gw.t.gateway.simulators!;

describe("vendor documents through GraphQL", () => {
  it("BonusPlus: two orders with the same positions both complete, each line sold under `<order id>_<line no>`", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const order = c.ok(await c.create([line("rose-15", 1), line("card", 2)]));
      c.ok(await c.apply(order.id, 20));
      c.ok(await c.confirm(order.id));
      expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED", pointsRedeemed: 20 } });
      ids.push(order.id);
    }
    const state = sims().bonusplus.handler.state;
    expect(state.retail.map((r) => r.items.map((i) => i.ext))).toEqual(ids.map((id) => [`${id}_1`, `${id}_2`]));
    expectNoViolations(sims().bonusplus.handler);
  });

  it("r_keeper: an order that redeems nothing is calculated, confirmed and closed, and earns the vendor's accrual", async () => {
    const c = await miniAppCustomer(gw.t, "demo-rkeeper", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    const done = await c.complete(order.id);
    expect(done).toMatchObject({ __typename: "MutationCompleteOrderSuccess", data: { status: "COMPLETED" } });
    expect(done.data.pointsEarned).toBeGreaterThan(0);
    const state = sims().rkeeper.handler.state;
    expect(state.operations.map((o) => o.kind)).toEqual(["confirm", "close"]);
    expect(state.orders.get(order.id)).toMatchObject({ status: "CLOSED", payment: 0, accrual: done.data.pointsEarned });
    expectNoViolations(sims().rkeeper.handler);
  });

  it("r_keeper: a phone the vendor has no guest for is CUSTOMER_NOT_FOUND", async () => {
    const res = await gw.t.run(
      CalculateCartDocument,
      {
        input: {
          shopId: "demo-rkeeper",
          phone: "+79990000000",
          lines: [{ productId: "drink-1", quantity: 1, unitPrice: { amount: 20_000, currency: "RUB" } }],
        },
      },
      asService(),
    );
    expect(res.data?.loyaltyCalculation).toMatchObject({ code: "CUSTOMER_NOT_FOUND" });
  });

  it("Integrations: a QR token no client has is CUSTOMER_NOT_FOUND", async () => {
    const res = await gw.t.run(
      CustomerByQrTokenDocument,
      { shopId: "demo-integrations", token: "qr-nobody" },
      asService(),
    );
    expect(res.data?.customerByQrToken).toMatchObject({ code: "CUSTOMER_NOT_FOUND" });
    expectNoViolations(sims().integrations.handler);
  });

  it("Posiflora: the status sync reads changed orders with the declared filter only, and moves the order", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    sims().posiflora.handler.state.setStatus(order.id, "assembled");
    await gw.t.gateway.statusSync.runOnce();
    const read = await gw.t.run(OrderByIdDocument, { id: order.id }, c.headers);
    expect(read.data?.order).toMatchObject({ data: { status: "READY", vendorStatus: "assembled" } });
    expectNoViolations(sims().posiflora.handler);
  });

  it("Posiflora: an order whose create answer was lost is read back on the next confirm (409 Conflict): one order, one payment", async () => {
    const posiflora = sims().posiflora.handler;
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 30));
    posiflora.faults.add({ kind: "lostResponse", path: "/api/v1/orders", times: 3 });
    expect(await c.confirm(order.id)).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
    posiflora.faults.clear();
    const placed = c.ok(await c.confirm(order.id));
    expect(placed).toMatchObject({ status: "PLACED", pointsRedeemed: 30 });
    const state = posiflora.state;
    expect(state.orders.get(order.id)!.payments).toHaveLength(1);
    expect(placed.providerRefs.orderReference).toBe(state.orders.get(order.id)!.docNo);
    expectNoViolations(posiflora);
  });
});
