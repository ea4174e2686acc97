import { describe, expect, it } from "vitest";
import { CustomerByQrTokenDocument, OrderByIdDocument } from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();
const TOKEN = "qr-ivan-502";

async function balance(): Promise<number> {
  const res = (await gw.t.run(CustomerByQrTokenDocument, { shopId: "demo-integrations", token: TOKEN }, asService()))
    .data?.customerByQrToken;
  const account = res && "data" in res ? res.data.loyalty[0] : undefined;
  if (account?.__typename !== "LoyaltyAccount") throw new Error(JSON.stringify(res));
  return account.balance;
}

describe("a refund never takes back more than the customer has (Integrations)", () => {
  it("refuses to refund a purchase whose earned points were spent since, and changes nothing", async () => {
    const c = await miniAppCustomer(gw.t, "demo-integrations", "+79007654321", TOKEN);
    const first = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(first.id));
    const earned = (await c.complete(first.id)).data.pointsEarned as number;
    expect(earned).toBeGreaterThan(0);
    // The customer spends everything they have, the earned points included, on a second order.
    const second = c.ok(await c.create([line("rose-15", 1)]));
    const all = Math.min(await balance(), second.maxRedeemablePoints);
    c.ok(await c.apply(second.id, all));
    c.ok(await c.confirm(second.id));
    expect(await c.complete(second.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const left = await balance();
    expect(left).toBeLessThan(earned);

    const refused = await c.refund(first.id);
    expect(refused).toMatchObject({
      __typename: "RefundShortfallError",
      code: "REFUND_SHORTFALL",
      pointsToRevoke: earned,
      balance: left,
      shortfallPoints: earned - left,
    });
    expect(gw.t.gateway.simulators!.integrations.handler.requests.count("POST", "/refund")).toBe(0);
    expect(await balance()).toBe(left);
    const read = await gw.t.run(OrderByIdDocument, { id: first.id }, c.headers);
    expect(read.data?.order).toMatchObject({ data: { status: "COMPLETED" } });
  });
});
