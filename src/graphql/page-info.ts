import { InvalidInputError } from "../domain/errors.ts";
import { builder } from "./builder.ts";

export interface PageInfoShape {
  hasNextPage: boolean;
  endCursor: string | null;
}

export const PageInfo = builder.objectRef<PageInfoShape>("PageInfo").implement({
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    endCursor: t.exposeString("endCursor", { nullable: true }),
  }),
});

/** A page of an in-memory list, with opaque offset cursors (`after` is the last cursor seen). */
export function offsetPage<T>(
  all: T[],
  first: number,
  after: string | null | undefined,
): { edges: Array<{ cursor: string; node: T }>; pageInfo: PageInfoShape; totalCount: number } {
  let start = 0;
  if (after) {
    const n = Number(Buffer.from(after, "base64url").toString().replace(/^o:/, ""));
    if (!Number.isInteger(n) || n < 0)
      throw new InvalidInputError("not a cursor from this API", [{ path: "after", message: "invalid cursor" }]);
    start = n + 1;
  }
  const edges = all
    .slice(start, start + first)
    .map((node, i) => ({ cursor: Buffer.from(`o:${start + i}`).toString("base64url"), node }));
  return {
    edges,
    pageInfo: { hasNextPage: start + first < all.length, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: all.length,
  };
}
