/** Slot times as the shop's clock shows them: "8 дек., 18:00–18:30". */
export function formatWindow(from: string, to: string | null, timeZone: string, language: string): string {
  const day = new Intl.DateTimeFormat(language, { timeZone, day: "numeric", month: "short", weekday: "short" });
  const time = new Intl.DateTimeFormat(language, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const start = new Date(from);
  return `${day.format(start)}, ${time.format(start)}${to ? `–${time.format(new Date(to))}` : ""}`;
}

export function formatTimes(from: string, to: string, timeZone: string, language: string): string {
  const time = new Intl.DateTimeFormat(language, { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return `${time.format(new Date(from))}–${time.format(new Date(to))}`;
}

export function formatDay(date: string, language: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(language, { timeZone: "UTC", weekday: "short", day: "numeric", month: "long" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}
