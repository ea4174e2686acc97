import { describe, expect, it } from "vitest";
import { CustomerByPhoneDocument } from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0" });
const posiflora = () => gw.t.gateway.simulators!.posiflora.handler.state;
const vendorOrder = (id: string) =>
  posiflora()
    .snapshot()
    .orders.find((o) => o.id === id)!;

async function balance(shopId: string, phone: string): Promise<number> {
  const res = (await gw.t.run(CustomerByPhoneDocument, { shopId, phone }, asService())).data?.customer;
  const account = res && "data" in res ? res.data.loyalty[0] : undefined;
  if (account?.__typename !== "LoyaltyAccount") throw new Error(JSON.stringify(res));
  return account.balance;
}

describe("the order system follows what the shop does through the gateway", () => {
  it("a BonusPlus shop's completion and refund reach the Posiflora order (done, then returned)", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    expect(vendorOrder(order.id).status).toBe("new");
    const done = await c.complete(order.id);
    expect(done).toMatchObject({ data: { status: "COMPLETED" } });
    expect(vendorOrder(order.id).status).toBe("done");
    const refunded = await c.refund(order.id);
    expect(refunded).toMatchObject({ data: { status: "REFUNDED" } });
    expect(vendorOrder(order.id).status).toBe("returned");
  });

  it("cancelling a placed Posiflora order paid with points gives the points back", async () => {
    const phone = "+79001234567";
    const c = await miniAppCustomer(gw.t, "demo-posiflora", phone);
    const before = await balance("demo-posiflora", phone);
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 40));
    c.ok(await c.confirm(order.id));
    expect(await balance("demo-posiflora", phone)).toBe(before - 40);
    const cancelled = await c.cancel(order.id);
    expect(cancelled).toMatchObject({ __typename: "MutationCancelOrderSuccess", data: { status: "CANCELLED" } });
    expect(vendorOrder(order.id).status).toBe("canceled");
    expect(await balance("demo-posiflora", phone)).toBe(before);
  });

  it("a done Posiflora order refunded by the shop is returned once: spent points back, accrued ones gone", async () => {
    const phone = "+79007654321";
    const c = await miniAppCustomer(gw.t, "demo-posiflora", phone);
    const before = await balance("demo-posiflora", phone);
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 10));
    c.ok(await c.confirm(order.id));
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    expect(vendorOrder(order.id).status).toBe("done");
    expect(await c.refund(order.id)).toMatchObject({ data: { status: "REFUNDED" } });
    expect(vendorOrder(order.id)).toMatchObject({ status: "returned", returned: true });
    expect(await balance("demo-posiflora", phone)).toBe(before);
  });
});
