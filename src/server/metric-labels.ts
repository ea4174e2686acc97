/**
 * Label values a caller chooses (operation names, error paths, which carry aliases) must not grow the
 * metric series without bound: each new value is a new series in memory and in every scrape. A label
 * keeps the first `max` distinct values it sees and counts every later newcomer as `other`.
 */
export const OTHER = "other";

/** A GraphQL name, as the spec defines it, no longer than a label is worth keeping. */
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  of(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.max) return OTHER;
    this.seen.add(value);
    return value;
  }
}

/**
 * An operation's name: the request's `operationName` (any string a caller sends) or the document's.
 * Only GraphQL names are kept, and at most `max` of them.
 */
export function operationNameLabel(max: number): (name: string | undefined) => string {
  const names = new BoundedLabel(max);
  return (name) => (!name || name === "Anonymous" ? "Anonymous" : NAME.test(name) ? names.of(name) : OTHER);
}

/**
 * An error's path, list indexes folded to `[]` (`orders.[].status`); aliases stay, so the distinct
 * paths are bounded too.
 */
export function errorPathLabel(max: number): (path: ReadonlyArray<string | number> | undefined) => string {
  const paths = new BoundedLabel(max);
  return (path) => {
    if (!path?.length) return "";
    const text = path.map((segment) => (typeof segment === "number" ? "[]" : segment)).join(".");
    return text.length > 300 ? OTHER : paths.of(text);
  };
}
