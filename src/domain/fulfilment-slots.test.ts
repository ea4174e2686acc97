import { describe, expect, it } from "vitest";
import { InvalidInputError, SlotError } from "./errors.ts";
import { FulfilmentSlots } from "./fulfilment-slots.ts";
import type { Shop } from "./shop-directory.ts";
import type { SlotRules } from "./slots.ts";

const rules: SlotRules = {
  opens: "10:00",
  closes: "14:00",
  slotMinutes: 60,
  leadMinutes: 0,
  cutoff: null,
  closedDates: [],
  capacity: 2,
  daysAhead: 2,
};
const shop = (required: boolean) =>
  ({
    id: "s",
    timeZone: "Europe/Moscow",
    slots: { pickup: rules, delivery: null, stores: { b: { capacity: 1 } }, required },
  }) as unknown as Shop;
const NOW = new Date("2026-12-08T05:00:00Z"); // 08:00 in Moscow
const SLOT = "2026-12-08T08:00:00.000Z"; // 11:00 in Moscow

describe("FulfilmentSlots.check", () => {
  it("refuses a full slot with SLOT_FULL, counting the store's own capacity, and takes the next", async () => {
    const booked = [SLOT, SLOT];
    const slots = new FulfilmentSlots(
      { booked: (_s, _k, storeId) => Promise.resolve(storeId === "a" ? booked : [SLOT]) },
      () => NOW,
    );
    await expect(slots.check(shop(true), { kind: "PICKUP", storeId: "a", windowFrom: SLOT })).rejects.toMatchObject({
      code: "SLOT_FULL",
    });
    await expect(slots.check(shop(true), { kind: "PICKUP", storeId: "b", windowFrom: SLOT })).rejects.toBeInstanceOf(
      SlotError,
    );
    const next = { kind: "PICKUP" as const, storeId: "a", windowFrom: "2026-12-08T12:00:00+03:00" };
    expect(await slots.check(shop(true), next)).toEqual(next);
    expect((await slots.days(shop(true), "PICKUP", "a"))[0]!.slots.map((s) => s.left)).toEqual([2, 0, 2, 2]);
  });

  it("asks for a slot where one is required, and lets an order without one through where it is not", async () => {
    const slots = new FulfilmentSlots({ booked: () => Promise.resolve([]) }, () => NOW);
    await expect(slots.check(shop(true), { kind: "PICKUP", storeId: "a" })).rejects.toBeInstanceOf(InvalidInputError);
    expect(await slots.check(shop(false), { kind: "PICKUP", storeId: "a" })).toEqual({ kind: "PICKUP", storeId: "a" });
    // No delivery rules: any window is the shop's business.
    const delivery = { kind: "DELIVERY" as const, windowFrom: "2026-12-08T10:17:00+03:00" };
    expect(await slots.check(shop(true), delivery)).toEqual(delivery);
  });

  it("moves with the clock: the slot that was open is past an hour later", async () => {
    let now = NOW;
    const slots = new FulfilmentSlots({ booked: () => Promise.resolve([]) }, () => now);
    const at = { kind: "PICKUP" as const, storeId: "a", windowFrom: SLOT };
    expect(await slots.check(shop(true), at)).toEqual(at);
    now = new Date("2026-12-08T08:30:00Z");
    await expect(slots.check(shop(true), at)).rejects.toMatchObject({ code: "SLOT_UNAVAILABLE" });
  });
});
