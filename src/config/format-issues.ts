import { z } from "zod";

/** `shops[0].loyalty[1].baseUrl: Invalid URL` — the bad key named in full. */
export function formatIssues(issues: z.core.$ZodIssue[], root = ""): string {
  return issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
        root,
      );
      return `${path || "(root)"}: ${issue.message}`;
    })
    .join("\n");
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** The known name nearest to a typo (`timeoutMS` → `timeoutMs`), or null when none is close. */
export function nearest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance && d <= Math.max(2, Math.ceil(Math.max(word.length, candidate.length) / 3)))
      [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** `unknown key "timeoutMS" (did you mean timeoutMs?)`, one clause per key. */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const near = nearest(key, known);
      return `unknown key "${key}" (${near ? `did you mean ${near}?` : `known: ${known.join(", ")}`})`;
    })
    .join("; ");
}

/** An object schema that refuses keys it does not know, naming the nearest known one: a typo is never ignored. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeysMessage(issue.keys, known) : undefined),
  });
}
