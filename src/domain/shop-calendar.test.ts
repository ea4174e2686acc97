import { describe, expect, it } from "vitest";
import { calendarDate, isTimeZone } from "./shop-calendar.ts";

describe("the shop's calendar", () => {
  it("dates an instant in the shop's time zone, not in UTC", () => {
    const lateUtc = new Date("2026-12-06T22:00:00Z");
    expect(calendarDate(lateUtc, "Europe/Moscow")).toBe("2026-12-07");
    expect(calendarDate(lateUtc, "UTC")).toBe("2026-12-06");
    expect(calendarDate(new Date("2026-12-06T14:59:59Z"), "Asia/Vladivostok")).toBe("2026-12-07");
    expect(calendarDate(new Date("2026-12-06T13:59:59Z"), "Asia/Vladivostok")).toBe("2026-12-06");
    expect(calendarDate(new Date("2026-12-07T04:00:00Z"), "America/New_York")).toBe("2026-12-06");
  });

  it("knows IANA zones and refuses offsets and made-up names", () => {
    expect(isTimeZone("Europe/Moscow")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    expect(isTimeZone("+03:00")).toBe(false);
    expect(isTimeZone("Europe/Atlantis")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });
});
