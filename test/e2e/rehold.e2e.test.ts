import { describe, expect, it } from "vitest";
import { line, miniAppCustomer } from "../support/orders.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();

describe("a changed cart holds again what the customer asked, capped at the new maximum (r_keeper)", () => {
  it("caps the hold on a smaller cart, says so, and holds the whole again on a bigger one", async () => {
    const c = await miniAppCustomer(gw.t, "demo-rkeeper", "+79001234567");
    const hot = line("hot-1", 1, 500, "Горячее");
    const drink = line("drink-1", 1, 200, "Напиток"); // a gift (seed 004): nothing to pay, so no points
    const order = c.ok(await c.create([hot]));
    expect(c.ok(await c.apply(order.id, 100))).toMatchObject({ pointsHeld: 100 });
    const read = async () =>
      (
        await (
          await gw.t.post(
            `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { requestedPoints pointsHeld } } } }`,
            { id: order.id },
            c.headers,
          )
        ).json()
      ).data.order.data;

    const smaller = c.ok(await c.update(order.id, [drink]));
    expect(smaller.pointsHeld).toBeLessThan(100);
    expect(await read()).toEqual({ requestedPoints: 100, pointsHeld: smaller.pointsHeld });

    const bigger = c.ok(await c.update(order.id, [hot, drink]));
    expect(bigger).toMatchObject({ status: "BONUSES_HELD", pointsHeld: 100 });
    expect(await read()).toEqual({ requestedPoints: 100, pointsHeld: 100 });
  });
});
