/**
 * Money and points are integers: amounts in minor units (kopecks), points as whole points.
 * Vendor decimals are converted here, from their text form, never by float arithmetic.
 */
export type MinorUnits = number;
export type Rounding = "floor" | "halfUp";

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal such as "5142.5" (or a JSON number) into minor units with `scale` digits. */
export function decimalToMinor(value: string | number, scale = 2, rounding: Rounding = "halfUp"): MinorUnits {
  const text = typeof value === "number" ? numberToPlainString(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, whole = "0", frac = ""] = m;
  const kept = frac.slice(0, scale).padEnd(scale, "0");
  const dropped = /[1-9]/.test(frac.slice(scale));
  // Up to 15 digits, whole and kept fraction are exact integers in a double; the BigInt path is for
  // the rest. Both read the digits as text: no float ever holds a fraction.
  if (whole.length + scale <= 15 && !dropped) {
    const minor = Number(whole) * 10 ** scale + (scale ? Number(kept) : 0);
    return sign && minor !== 0 ? -minor : minor;
  }
  let minor = BigInt(whole) * 10n ** BigInt(scale) + BigInt(kept || "0");
  if (dropped) {
    const roundUp = rounding === "halfUp" ? frac[scale]! >= "5" : false;
    // floor rounds toward minus infinity: a negative with a dropped remainder moves one down
    if (sign && rounding === "floor") minor += 1n;
    else if (roundUp) minor += 1n;
  }
  const signed = sign ? -minor : minor;
  return toSafe(signed);
}

/** Formats minor units as a plain decimal string: 514250 -> "5142.50". */
export function minorToDecimal(minor: MinorUnits, scale = 2): string {
  assertInteger(minor);
  const neg = minor < 0;
  const digits = Math.abs(minor)
    .toString()
    .padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${text}` : text;
}

/** A JSON number for vendors that take decimals as numbers; built from the decimal text. */
export function minorToJsonNumber(minor: MinorUnits, scale = 2): number {
  return Number(minorToDecimal(minor, scale));
}

/** Whole points from a vendor decimal, rounded down so that a customer is never shown more than they have. */
export function decimalToPoints(value: string | number): number {
  return decimalToMinor(value, 0, "floor");
}

/** `amount * numerator / denominator`, rounded down, in exact integer arithmetic. */
export function mulDivFloor(amount: MinorUnits, numerator: number, denominator: number): MinorUnits {
  assertInteger(amount);
  assertInteger(numerator);
  assertInteger(denominator);
  const n = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  let q = n / d;
  if (n % d !== 0n && n < 0n !== d < 0n) q -= 1n;
  return toSafe(q);
}

/** Splits `total` across `weights` in proportion, by largest remainder; the parts sum to `total` exactly. */
export function allocate(total: MinorUnits, weights: MinorUnits[]): MinorUnits[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const shares = weights.map((w) => mulDivFloor(total, w, sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => ({ i, rem: (BigInt(total) * BigInt(w)) % BigInt(sum) }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  const s = String(n);
  if (/e/i.test(s)) throw new RangeError(`amount out of range: ${s}`);
  return s;
}

function assertInteger(n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer amount: ${n}`);
}

function toSafe(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`amount out of range: ${v}`);
  }
  return Number(v);
}
