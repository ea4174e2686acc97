import { describe, expect, it } from "vitest";
import { addDays, gridSlot, localInstant, offeredDates, type SlotRules, slotsOfDay } from "./slots.ts";

const rules: SlotRules = {
  opens: "09:00",
  closes: "21:00",
  slotMinutes: 120,
  leadMinutes: 60,
  cutoff: "19:00",
  closedDates: ["2026-12-31"],
  capacity: 3,
  daysAhead: 3,
};
const MSK = "Europe/Moscow";
const none = () => 0;

describe("fulfilment slots in the shop's time zone", () => {
  it("converts local times to instants, DST included", () => {
    expect(localInstant("2026-12-08", 9 * 60, MSK).toISOString()).toBe("2026-12-08T06:00:00.000Z");
    expect(localInstant("2026-07-01", 9 * 60, "Europe/Berlin").toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(localInstant("2026-12-01", 9 * 60, "Europe/Berlin").toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  it("cuts a day into slots between opening and closing, the lead time after now", () => {
    const now = new Date("2026-12-08T08:30:00Z"); // 11:30 in Moscow: 13:00 is the earliest start, 13-15 the first slot
    const today = slotsOfDay(rules, "2026-12-08", MSK, now, none);
    expect(today.map((s) => s.from)).toEqual([
      "2026-12-08T10:00:00.000Z",
      "2026-12-08T12:00:00.000Z",
      "2026-12-08T14:00:00.000Z",
      "2026-12-08T16:00:00.000Z",
    ]);
    expect(today[0]!.to).toBe("2026-12-08T12:00:00.000Z");
    expect(slotsOfDay(rules, "2026-12-09", MSK, now, none)).toHaveLength(6);
    expect(slotsOfDay(rules, "2026-12-07", MSK, now, none)).toEqual([]);
    expect(offeredDates(rules, MSK, now)).toEqual(["2026-12-08", "2026-12-09", "2026-12-10"]);
  });

  it("sells no slot of today after the cut-off, none on a closed date, and counts what is taken", () => {
    const late = new Date("2026-12-08T16:05:00Z"); // 19:05 in Moscow
    expect(slotsOfDay(rules, "2026-12-08", MSK, late, none)).toEqual([]);
    expect(slotsOfDay(rules, "2026-12-31", MSK, late, none)).toEqual([]);
    const taken = (from: string) =>
      from === "2026-12-09T06:00:00.000Z" ? 3 : from === "2026-12-09T08:00:00.000Z" ? 1 : 0;
    const day = slotsOfDay(rules, "2026-12-09", MSK, late, taken);
    expect(day.slice(0, 3).map((s) => s.left)).toEqual([0, 2, 3]);
  });

  it("finds a time on the grid, whatever offset it was written with", () => {
    expect(gridSlot(rules, new Date("2026-12-09T11:00:00+03:00"), MSK)).toEqual({
      from: "2026-12-09T08:00:00.000Z",
      to: "2026-12-09T10:00:00.000Z",
    });
    expect(gridSlot(rules, new Date("2026-12-09T12:00:00+03:00"), MSK)).toBeNull();
    expect(gridSlot(rules, new Date("2026-12-09T21:00:00+03:00"), MSK)).toBeNull();
  });
});
