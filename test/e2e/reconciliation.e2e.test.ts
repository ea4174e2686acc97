import { describe, expect, it } from "vitest";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway({ RECOVERY_INTERVAL_SECONDS: "0", STATUS_SYNC_SECONDS: "0" });

const QUEUE = `query Q($s: ID) { reconciliationQueue(shopId: $s) { id orderId kind state note } }`;
const SETTLE = `mutation S($i: SettleReconciliationInput!) {
  settleReconciliation(input: $i) { __typename ... on MutationSettleReconciliationSuccess { data { id state settledApplied settledBy settledNote } } ... on Error { code } }
}`;

const bonusplus = () => gw.t.gateway.simulators!.bonusplus.handler;
const sales = (orderId: string) => bonusplus().state.retail.filter((r) => r.externalId === orderId).length;
const queue = async () =>
  (await (await gw.t.post(QUEUE, { s: "demo-bonusplus" }, asService())).json()).data.reconciliationQueue;

/** A BonusPlus order whose sale (`POST /retail`, not deduplicated by the vendor) ended with no answer. */
async function saleWithNoAnswer(fault: "lostResponse" | "timeout") {
  const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
  const order = c.ok(await c.create([line("rose-15", 1)]));
  c.ok(await c.apply(order.id, 20));
  c.ok(await c.confirm(order.id));
  bonusplus().faults.add({
    kind: fault,
    path: "/api/retail",
    times: 1,
    ...(fault === "timeout" ? { latencyMs: 10_000 } : {}),
  });
  expect(await c.complete(order.id)).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
  await gw.t.gateway.recovery.runOnce(0);
  const entry = (await queue()).find((e: { orderId: string }) => e.orderId === order.id);
  expect(entry).toMatchObject({ kind: "COMMIT", state: "NEEDS_ATTENTION" });
  // Until a person settles it, the order says so and sends nothing.
  const sent = sales(order.id);
  const waiting = await c.complete(order.id);
  expect(waiting).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
  expect(waiting.message).toMatch(/reconciled/);
  expect(sales(order.id)).toBe(sent);
  return { c, order, entry };
}

describe("reconciliation of a write the vendor gives no way to know", () => {
  it("applied at the vendor: staff settle it, and the order completes with one sale", async () => {
    const { c, order, entry } = await saleWithNoAnswer("lostResponse");
    expect(sales(order.id)).toBe(1);
    const settled = await (
      await gw.t.post(
        SETTLE,
        { i: { entryId: entry.id, applied: true, note: "sale 1 seen in the cabinet" } },
        asService(),
      )
    ).json();
    expect(settled.data.settleReconciliation).toMatchObject({
      data: {
        state: "SETTLED",
        settledApplied: true,
        settledBy: "demo-developer",
        settledNote: "sale 1 seen in the cabinet",
      },
    });
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    expect(sales(order.id)).toBe(1);
    expect((await queue()).some((e: { id: string }) => e.id === entry.id)).toBe(false);
  });

  it("not applied: staff settle it, and the next completion sends the sale once", async () => {
    const { c, order, entry } = await saleWithNoAnswer("timeout");
    const before = sales(order.id);
    const settled = await (
      await gw.t.post(SETTLE, { i: { entryId: entry.id, applied: before > 0, note: "checked" } }, asService())
    ).json();
    expect(settled.data.settleReconciliation.__typename).toBe("MutationSettleReconciliationSuccess");
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    expect(sales(order.id)).toBe(1);
  });

  it("is the shop's alone, and refuses an entry that needs nothing", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const asUser = await (await gw.t.post(QUEUE, {}, c.headers)).json();
    expect(asUser.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|UNAUTHENTICATED/);
    const bogus = await (
      await gw.t.post(SETTLE, { i: { entryId: "nope", applied: true, note: "x" } }, asService())
    ).json();
    expect(bogus.data.settleReconciliation).toMatchObject({ code: "NOT_FOUND" });
  });
});
