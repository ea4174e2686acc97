import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../domain/errors.ts";
import { perRepresentation, representationError } from "./entity-representation.ts";

const keys = new Map([
  ["Customer", ["id"]],
  ["Order", ["id"]],
]);

describe("entity representations", () => {
  it("names what is wrong with a representation, by its index", () => {
    expect(representationError({ __typename: "Customer", id: "cus_1" }, 0, keys)).toBeNull();
    const message = (r: unknown) => representationError(r, 3, keys)?.message;
    expect(message({ __typename: "Customer" })).toBe(
      'representations[3].id is missing: a Customer representation needs its key field "id"',
    );
    expect(message({ __typename: "Order", id: null })).toMatch(/^representations\[3\]\.id is missing/);
    expect(message({ __typename: "Order", id: 7 })).toBe(
      "representations[3].id must be a non-empty string of at most 200 characters",
    );
    expect(message({ __typename: "Nope", id: "x" })).toBe(
      "representations[3].__typename must be one of Customer, Order",
    );
    expect(message("Customer")).toBe("representations[3] must be an object");
    expect(representationError({}, 3, keys)).toMatchObject({
      code: "INVALID_INPUT",
      issues: [{ path: "representations[3].__typename", message: "must be one of Customer, Order" }],
    });
  });

  it("resolves the valid ones in one call and puts an error in place of each invalid one", async () => {
    const calls: unknown[][] = [];
    const resolve = perRepresentation<object>((_p, args) => {
      const { representations } = args as { representations: Array<{ id: string }> };
      calls.push(representations);
      return representations.map((r) => Promise.resolve({ id: r.id }));
    }, keys);
    const representations = [
      { __typename: "Customer", id: "a" },
      { __typename: "Customer" },
      { __typename: "Order", id: "b" },
    ];
    const out = resolve(null, { representations }, {}, {} as never) as unknown[];
    expect(calls).toEqual([[representations[0], representations[2]]]);
    expect(out).toHaveLength(3);
    expect(await out[0]).toEqual({ id: "a" });
    expect(out[1]).toBeInstanceOf(InvalidInputError);
    expect(await out[2]).toEqual({ id: "b" });
  });

  it("hands a list with nothing wrong to the resolver as it is", () => {
    const args = { representations: [{ __typename: "Customer", id: "a" }] };
    const resolve = perRepresentation<object>((_p, a) => a, keys);
    expect(resolve(null, args, {}, {} as never)).toBe(args);
  });
});
