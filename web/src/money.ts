/** Kopecks (MinorUnits, integers) as roubles, with integer arithmetic only: 350000 → "3 500,00 ₽". */
export function rub(minor: number, language = "ru"): string {
  const sign = minor < 0 ? "−" : "";
  const abs = Math.abs(Math.trunc(minor));
  const whole = Math.floor(abs / 100);
  const kop = String(abs % 100).padStart(2, "0");
  const grouped = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, language === "ru" ? "\u00a0" : ",");
  return language === "ru" ? `${sign}${grouped},${kop}\u00a0₽` : `${sign}₽${grouped}.${kop}`;
}
