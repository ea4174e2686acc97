import { calendarDate } from "./shop-calendar.ts";

/** How a shop sells times for one kind of fulfilment (the shops file's `slots.pickup` or `slots.delivery`). */
export interface SlotRules {
  /** Opening hours, local "HH:MM"; slots start at `opens` and end by `closes`. */
  opens: string;
  closes: string;
  slotMinutes: number;
  /** The earliest slot starts at least this long after the order. */
  leadMinutes: number;
  /** Local "HH:MM" after which today's slots are no longer sold; none: only the lead time counts. */
  cutoff: string | null;
  /** Local dates (YYYY-MM-DD) with no slots. */
  closedDates: string[];
  /** Orders one slot takes on one day (per store for pickup). */
  capacity: number;
  /** How many days ahead, today included, slots are offered. */
  daysAhead: number;
}

/** A shop's slot rules, as the shops file gives them. */
export interface ShopSlots {
  pickup: SlotRules | null;
  delivery: SlotRules | null;
  /** Store id → what differs there for pickup. */
  stores: Record<string, Partial<SlotRules>>;
  /** An order of a kind with rules must name one of its slots. */
  required: boolean;
}

export interface Slot {
  /** UTC instants, ISO 8601. */
  from: string;
  to: string;
  /** Orders the slot still takes. */
  left: number;
}

export interface SlotDay {
  date: string;
  slots: Slot[];
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Milliseconds `timeZone` is ahead of UTC at `at`. */
function offsetAt(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  })
    .formatToParts(new Date(at))
    .reduce<Record<string, number>>(
      (acc, p) => (p.type === "literal" ? acc : { ...acc, [p.type]: Number(p.value) }),
      {},
    );
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute, parts.second);
  return local - (at - (at % 1000));
}

/** The instant of local `date` at `minutes` past midnight in `timeZone` (DST moves are followed). */
export function localInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  const first = guess - offsetAt(guess, timeZone);
  return new Date(guess - offsetAt(first, timeZone));
}

/** The local date `n` days after `date` (calendar arithmetic, no time zone involved). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * The slots of one local date, with what each still takes: none on a closed date, none that start
 * before now + lead time, none today after the cut-off.
 */
export function slotsOfDay(
  rules: SlotRules,
  date: string,
  timeZone: string,
  now: Date,
  taken: (from: string) => number,
): Slot[] {
  if (rules.closedDates.includes(date)) return [];
  const today = calendarDate(now, timeZone);
  if (date < today) return [];
  if (date === today && rules.cutoff && now >= localInstant(date, minutesOf(rules.cutoff), timeZone)) return [];
  const earliest = now.getTime() + rules.leadMinutes * 60_000;
  const slots: Slot[] = [];
  for (let m = minutesOf(rules.opens); m + rules.slotMinutes <= minutesOf(rules.closes); m += rules.slotMinutes) {
    const from = localInstant(date, m, timeZone);
    if (from.getTime() < earliest) continue;
    const iso = from.toISOString();
    const left = Math.max(0, rules.capacity - taken(iso));
    slots.push({ from: iso, to: localInstant(date, m + rules.slotMinutes, timeZone).toISOString(), left });
  }
  return slots;
}

/** The days slots are offered on, from today in the shop's zone. */
export function offeredDates(rules: SlotRules, timeZone: string, now: Date): string[] {
  const today = calendarDate(now, timeZone);
  return Array.from({ length: rules.daysAhead }, (_, i) => addDays(today, i));
}

/** The slot `from` names on the rules' grid (ignoring lead time and capacity), or null. */
export function gridSlot(rules: SlotRules, from: Date, timeZone: string): { from: string; to: string } | null {
  const date = calendarDate(from, timeZone);
  for (let m = minutesOf(rules.opens); m + rules.slotMinutes <= minutesOf(rules.closes); m += rules.slotMinutes) {
    const start = localInstant(date, m, timeZone);
    if (start.getTime() === from.getTime())
      return { from: start.toISOString(), to: localInstant(date, m + rules.slotMinutes, timeZone).toISOString() };
  }
  return null;
}
