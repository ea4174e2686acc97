import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CreateOrderDocument, FulfilmentSlotsDocument } from "../../generated/graphql/graphql.ts";
import { calendarDate } from "../../src/domain/shop-calendar.ts";
import { line, pickup } from "../support/orders.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const SHOP = "demo-rkeeper";
const gw = useDemoGateway();

async function days(kind: "PICKUP" | "DELIVERY", storeId: string | null) {
  const res = await gw.t.run(FulfilmentSlotsDocument, { shopId: SHOP, kind, storeId }, asService());
  if (res.data?.fulfilmentSlots.__typename !== "QueryFulfilmentSlotsSuccess") throw new Error(JSON.stringify(res));
  return res.data.fulfilmentSlots.data;
}
const create = async (fulfilment: Record<string, unknown>) =>
  (
    await gw.t.run(
      CreateOrderDocument,
      {
        input: { ...pickup(SHOP, [line("hot-1", 1, 500, "Горячее")]), fulfilment: fulfilment as never },
        key: randomUUID(),
      },
      asService(),
    )
  ).data?.createOrder;

describe("pickup and delivery slots from the shops file", () => {
  it("offers days from today in the shop's zone, each store with its own hours", async () => {
    const sadovaya = await days("PICKUP", "store-1");
    const today = calendarDate(new Date(), "Europe/Moscow");
    expect(sadovaya[0]!.date).toBe(today);
    const tomorrow = sadovaya[1]!;
    // 09:00-21:00 by the half hour at store-1; 10:00-20:00 at store-2 (its own hours).
    expect(tomorrow.slots).toHaveLength(24);
    expect(tomorrow.slots[0]!.from).toBe(new Date(`${tomorrow.date}T09:00:00+03:00`).toISOString());
    expect(tomorrow.slots.every((s) => s.left > 0)).toBe(true);
    const park = await days("PICKUP", "store-2");
    expect(park[1]!.slots).toHaveLength(20);
    expect(park[1]!.slots[0]!.from).toBe(new Date(`${tomorrow.date}T10:00:00+03:00`).toISOString());
    const delivery = await days("DELIVERY", null);
    expect(delivery[1]!.slots.map((s) => [s.from, s.to])[0]).toEqual([
      new Date(`${tomorrow.date}T09:00:00+03:00`).toISOString(),
      new Date(`${tomorrow.date}T12:00:00+03:00`).toISOString(),
    ]);
    // Every offered slot starts at least the lead time (an hour for pickup) from now.
    for (const s of sadovaya[0]!.slots) expect(new Date(s.from).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
  });

  it("takes a free slot, counts it, and fills in a delivery's window end", async () => {
    const slot = (await days("PICKUP", "store-1"))[1]!.slots[4]!;
    const before = slot.left;
    const made = await create({ kind: "PICKUP", storeId: "store-1", windowFrom: slot.from });
    expect(made?.__typename).toBe("MutationCreateOrderSuccess");
    const after = (await days("PICKUP", "store-1"))[1]!.slots[4]!;
    expect(after.left).toBe(before - 1);
    const window = (await days("DELIVERY", null))[1]!.slots[1]!;
    const delivered = await create({
      kind: "DELIVERY",
      address: { city: "Москва", street: "Тверская", house: "1" },
      windowFrom: window.from,
      recipientName: "Вера",
      recipientPhone: "+79005550101",
    });
    if (delivered?.__typename !== "MutationCreateOrderSuccess") throw new Error(JSON.stringify(delivered));
    expect(delivered.data.fulfilment).toMatchObject({ windowFrom: window.from, windowTo: window.to });
  });

  it("refuses a past slot, a time off the grid and a window that is not the slot's, as SLOT_UNAVAILABLE", async () => {
    const tomorrow = (await days("PICKUP", "store-1"))[1]!.date;
    const yesterday = new Date(Date.now() - 86_400_000);
    const past = await create({
      kind: "PICKUP",
      storeId: "store-1",
      windowFrom: `${calendarDate(yesterday, "Europe/Moscow")}T12:00:00+03:00`,
    });
    expect(past).toMatchObject({ __typename: "SlotError", code: "SLOT_UNAVAILABLE" });
    const offGrid = await create({ kind: "PICKUP", storeId: "store-1", windowFrom: `${tomorrow}T12:10:00+03:00` });
    expect(offGrid).toMatchObject({ __typename: "SlotError", code: "SLOT_UNAVAILABLE" });
    const closed = await create({ kind: "PICKUP", storeId: "store-2", windowFrom: `${tomorrow}T09:00:00+03:00` });
    expect(closed).toMatchObject({ __typename: "SlotError", code: "SLOT_UNAVAILABLE" });
    const wrongEnd = await create({
      kind: "DELIVERY",
      address: { city: "Москва", street: "Тверская", house: "1" },
      windowFrom: `${tomorrow}T12:00:00+03:00`,
      windowTo: `${tomorrow}T13:00:00+03:00`,
      recipientName: "Вера",
      recipientPhone: "+79005550101",
    });
    expect(wrongEnd).toMatchObject({ __typename: "SlotError", code: "SLOT_UNAVAILABLE" });
  });
});
