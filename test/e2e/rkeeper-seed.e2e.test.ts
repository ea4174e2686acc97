import { describe, expect, it } from "vitest";
import { CalculateCartDocument, CustomerByPhoneDocument, OrderByIdDocument } from "../../generated/graphql/graphql.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();
const SHOP = "demo-rkeeper";
const PHONE = "+79001234567";

/**
 * Seed 004's scenario through GraphQL: a guest with 100 bonuses, at most 50% of an order payable in
 * bonuses, a gift on the drink; a hot dish and a drink are confirmed with bonuses, a dessert is added
 * (reset, recalculate, confirm again), and the order is closed.
 */
describe("r_keeper seed scenario (004)", () => {
  it("runs guest → calculate → confirm → reset → calculate → confirm → close", async () => {
    const rkeeper = () => gw.t.gateway.simulators!.rkeeper.handler.state;
    const balance = async () => {
      const res = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: PHONE }, asService());
      const account =
        res.data?.customer.__typename === "QueryCustomerSuccess" ? res.data.customer.data.loyalty[0] : undefined;
      return account?.__typename === "LoyaltyAccount" ? account.balance : NaN;
    };

    // 1. The guest exists, with 100 bonuses.
    expect(await balance()).toBe(100);

    // 2. A hot dish and a drink: the drink is a gift, and the hot dish may be half paid in bonuses.
    const hot = line("hot-1", 1, 500, "Горячее");
    const drink = line("drink-1", 1, 200, "Напиток");
    const priced = await gw.t.run(
      CalculateCartDocument,
      { input: { shopId: SHOP, phone: PHONE, lines: [hot, drink] } },
      asService(),
    );
    if (priced.data?.loyaltyCalculation.__typename !== "QueryLoyaltyCalculationSuccess")
      throw new Error(JSON.stringify(priced));
    const calc = priced.data.loyaltyCalculation.data;
    expect(calc.lines.map((l) => l.discount.amount)).toEqual([0, 20_000]);
    expect(calc.lines[1]!.messages).toContain("Подарок на напиток");
    expect(calc.maxRedeemablePoints).toBe(100);

    // 3. Confirm the bonus payment (the loyalty confirmation holds the 100 bonuses).
    const c = await miniAppCustomer(gw.t, SHOP, PHONE);
    const order = c.ok(await c.create([hot, drink]));
    const held = c.ok(await c.apply(order.id, 100));
    expect(held).toMatchObject({ status: "BONUSES_HELD", pointsHeld: 100 });
    expect(await balance()).toBe(0);

    // 4–6. A dessert is added: reset, recalculate, confirm again.
    const dessert = line("dessert-1", 1, 300, "Десерт");
    const changed = c.ok(await c.update(order.id, [hot, drink, dessert]));
    expect(changed).toMatchObject({ status: "BONUSES_HELD", pointsHeld: 100, maxRedeemablePoints: 100 });
    expect(changed.subtotal.amount).toBe(100_000);
    expect(changed.total.amount).toBe(100_000 - 20_000 - 10_000);

    // 7. The order is placed and, when done, closed: 100 spent, 5% of the 700 paid accrued.
    c.ok(await c.confirm(order.id));
    const done = await c.complete(order.id);
    expect(done).toMatchObject({ data: { status: "COMPLETED", pointsRedeemed: 100 } });
    expect(
      rkeeper()
        .operations.filter((o) => o.id === order.id)
        .map((o) => o.kind),
    ).toEqual(["confirm", "reset", "confirm", "close"]);
    expect(await balance()).toBe(35);

    const read = await gw.t.run(OrderByIdDocument, { id: order.id }, c.headers);
    if (read.data?.order.__typename !== "QueryOrderSuccess") throw new Error(JSON.stringify(read));
    expect(read.data.order.data.history.map((h) => h.cause)).toEqual(
      expect.arrayContaining(["applyBonuses", "updateOrderItems", "confirmOrder", "completeOrder"]),
    );
  });
});
