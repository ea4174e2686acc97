import { z } from "zod";

/**
 * The simulators' own money arithmetic. It is written apart from the gateway's src/domain/money.ts on
 * purpose: a fake vendor that rounded with the adapter's code could not catch the adapter's mistakes.
 *
 * Amounts are integers of minor units (kopecks). Vendor decimals are read digit by digit from their
 * text and scaled with BigInt; a float is never multiplied by 100.
 */

/** A vendor decimal on the wire: a JSON number or a numeric string such as "5142.50". */
export const decimal = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * "5142.5" (or 5142.5) -> 514250 with the default `scale` of 2. Digits beyond `scale` round half up,
 * away from zero: "1.005" -> 101, "-1.005" -> -101, "0.30000000000000004" -> 30.
 * Throws a RangeError for text that is not a plain decimal, for numbers JavaScript prints with an
 * exponent (1e21, 1e-7), and for results outside the safe integer range.
 */
export function decimalToMinor(value: string | number, scale = 2): number {
  const text = typeof value === "number" ? numberText(value) : value.trim();
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const minus = match[1] === "-";
  const whole = match[2]!;
  const fraction = match[3] ?? "";
  // The digits of |value| * 10^scale, with the rest of the fraction cut off.
  let units = BigInt(whole + fraction.slice(0, scale).padEnd(scale, "0"));
  // Half up: only the first digit cut off decides.
  const firstCut = fraction.charAt(scale);
  if (firstCut !== "" && firstCut >= "5") units += 1n;
  return safeNumber(minus ? -units : units);
}

/** 514250 -> "5142.50"; -5 -> "-0.05"; with `scale` 0 the plain integer. */
export function minorToDecimal(minor: number, scale = 2): string {
  requireInteger(minor);
  const sign = minor < 0 ? "-" : "";
  let digits = String(Math.abs(minor));
  if (scale === 0) return sign + digits;
  if (digits.length <= scale) digits = "0".repeat(scale + 1 - digits.length) + digits;
  return `${sign}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** A JSON number for vendors that send decimals as numbers: 514250 -> 5142.5, read back from the decimal text. */
export function minorToJsonNumber(minor: number, scale = 2): number {
  return Number(minorToDecimal(minor, scale));
}

/** floor(amount * numerator / denominator) in exact integer arithmetic, toward minus infinity for negatives. */
export function mulDivFloor(amount: number, numerator: number, denominator: number): number {
  requireInteger(amount);
  requireInteger(numerator);
  requireInteger(denominator);
  if (denominator === 0) throw new RangeError("division by zero");
  const product = BigInt(amount) * BigInt(numerator);
  const divisor = BigInt(denominator);
  const rest = product % divisor;
  const truncated = (product - rest) / divisor;
  // BigInt division truncates toward zero; a remainder whose sign differs from the divisor's means one lower.
  return safeNumber(rest !== 0n && rest < 0n !== divisor < 0n ? truncated - 1n : truncated);
}

/**
 * Splits `total` over `weights` in proportion by the largest-remainder method, so the parts add up to
 * `total` exactly. Each part starts at floor(total * w / sum); the units left over go one each to the
 * parts with the largest remainder of total * w / sum (the remainder as BigInt `%` gives it, so taken
 * toward zero), earlier parts first on a tie. When the weights sum to zero or less the first part takes all.
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((acc, w) => acc + w, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const parts = weights.map((w) => mulDivFloor(total, w, sum));
  let leftover = total - parts.reduce((acc, p) => acc + p, 0);
  const ranked = weights
    .map((w, index) => ({ index, remainder: (BigInt(total) * BigInt(w)) % BigInt(sum) }))
    .sort((a, b) => {
      if (a.remainder !== b.remainder) return a.remainder > b.remainder ? -1 : 1;
      return a.index - b.index;
    });
  for (let k = 0; k < ranked.length && leftover > 0; k++) {
    parts[ranked[k]!.index]! += 1;
    leftover -= 1;
  }
  return parts;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  const text = String(n);
  if (text.includes("e")) throw new RangeError(`amount out of range: ${text}`);
  return text;
}

function requireInteger(n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer amount: ${n}`);
}

function safeNumber(v: bigint): number {
  if (v > MAX || v < -MAX) throw new RangeError(`amount out of range: ${v}`);
  return Number(v);
}
