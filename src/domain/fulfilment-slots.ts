import { InvalidInputError, SlotError } from "./errors.ts";
import type { Fulfilment } from "./order.ts";
import type { SlotBookings } from "./ports/slot-bookings.port.ts";
import type { Shop } from "./shop-directory.ts";
import { calendarDate } from "./shop-calendar.ts";
import { gridSlot, offeredDates, type ShopSlots, type SlotDay, type SlotRules, slotsOfDay } from "./slots.ts";

export type { ShopSlots };

export type FulfilmentKind = "PICKUP" | "DELIVERY";

/**
 * Pickup and delivery times as the shop sells them: the days and slots still free, and the check at
 * createOrder that a chosen slot is one of them.
 */
export class FulfilmentSlots {
  constructor(
    private readonly bookings: SlotBookings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The rules for this kind (and store, for pickup); null where the shop sells no slots of it. */
  rules(shop: Shop, kind: FulfilmentKind, storeId: string | null): SlotRules | null {
    const base = kind === "PICKUP" ? shop.slots?.pickup : shop.slots?.delivery;
    if (!base) return null;
    const local = kind === "PICKUP" && storeId ? shop.slots?.stores[storeId] : undefined;
    return local ? { ...base, ...local } : base;
  }

  /** The days on offer with their slots and what each still takes; an empty list where no slots are sold. */
  async days(shop: Shop, kind: FulfilmentKind, storeId: string | null): Promise<SlotDay[]> {
    const rules = this.rules(shop, kind, storeId);
    if (!rules) return [];
    const now = this.now();
    const taken = await this.taken(shop, kind, storeId, now);
    return offeredDates(rules, shop.timeZone, now).map((date) => ({
      date,
      slots: slotsOfDay(rules, date, shop.timeZone, now, (from) => taken.get(from) ?? 0),
    }));
  }

  /**
   * The fulfilment as sent (a delivery's windowTo filled with the slot's end), or a typed
   * error: a missing slot where one is required, one the shop does not sell now, or one that is full.
   */
  async check<F extends Fulfilment>(shop: Shop, fulfilment: F): Promise<F> {
    const storeId = fulfilment.kind === "PICKUP" ? (fulfilment.storeId ?? null) : null;
    const rules = this.rules(shop, fulfilment.kind, storeId);
    if (!rules) return fulfilment;
    if (!fulfilment.windowFrom) {
      if (!shop.slots?.required) return fulfilment;
      throw new InvalidInputError(`shop ${shop.id} sells ${fulfilment.kind} by slot: choose one`, [
        { path: "input.fulfilment.windowFrom", message: "choose a slot (fulfilmentSlots)" },
      ]);
    }
    const at = new Date(fulfilment.windowFrom);
    const slot = gridSlot(rules, at, shop.timeZone);
    if (!slot)
      throw new SlotError(
        "SLOT_UNAVAILABLE",
        `${fulfilment.windowFrom} is not a slot of this shop`,
        fulfilment.windowFrom,
      );
    const now = this.now();
    const date = calendarDate(at, shop.timeZone);
    const taken = await this.taken(shop, fulfilment.kind, storeId, now);
    const offered = slotsOfDay(rules, date, shop.timeZone, now, (from) => taken.get(from) ?? 0);
    const open = offered.find((s) => s.from === slot.from);
    if (!open || !offeredDates(rules, shop.timeZone, now).includes(date))
      throw new SlotError(
        "SLOT_UNAVAILABLE",
        `the slot at ${slot.from} is not sold now (past, closed or after the cut-off)`,
        slot.from,
      );
    if (open.left <= 0) throw new SlotError("SLOT_FULL", `the slot at ${slot.from} is full`, slot.from);
    if (fulfilment.kind !== "DELIVERY") return fulfilment;
    if (fulfilment.windowTo && new Date(fulfilment.windowTo).getTime() !== new Date(slot.to).getTime())
      throw new SlotError("SLOT_UNAVAILABLE", `a slot starting at ${slot.from} ends at ${slot.to}`, slot.from);
    return { ...fulfilment, windowTo: fulfilment.windowTo ?? slot.to };
  }

  private async taken(
    shop: Shop,
    kind: FulfilmentKind,
    storeId: string | null,
    now: Date,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const from of await this.bookings.booked(shop.id, kind, storeId, now))
      counts.set(from, (counts.get(from) ?? 0) + 1);
    return counts;
  }
}
