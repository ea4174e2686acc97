import { InvalidInputError } from "./errors.ts";

/**
 * Normalises a phone to E.164 digits without "+". Russian 8XXXXXXXXXX and 10-digit local forms
 * become 7XXXXXXXXXX; anything else must already be a full international number.
 */
export function normalizePhone(input: string, path = "phone"): string {
  const trimmed = input.trim();
  if (!/^\+?[\d\s()-]+$/.test(trimmed)) throw badPhone(input, path);
  let digits = trimmed.replace(/\D/g, "");
  if (digits.length === 11 && digits.startsWith("8")) digits = `7${digits.slice(1)}`;
  else if (digits.length === 10 && digits.startsWith("9")) digits = `7${digits}`;
  if (digits.length < 11 || digits.length > 15 || digits.startsWith("0")) throw badPhone(input, path);
  return digits;
}

function badPhone(input: string, path: string): InvalidInputError {
  return new InvalidInputError(`"${input}" is not a phone number`, [
    { path, message: "expected an international phone number, e.g. +7 900 123-45-67" },
  ]);
}
