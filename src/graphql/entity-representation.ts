import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType, isUnionType } from "graphql";
import { InvalidInputError } from "../domain/errors.ts";

/** Each entity type of `_Entity` with its key fields (every key of ours is `id`). */
export function entityKeys(schema: GraphQLSchema): Map<string, string[]> {
  const entity = schema.getType("_Entity");
  const keys = new Map<string, string[]>();
  for (const type of isUnionType(entity) ? entity.getTypes() : []) {
    if (isObjectType(type))
      keys.set(
        type.name,
        Object.keys(type.getFields()).filter((f) => f === "id"),
      );
  }
  return keys;
}

/**
 * Why representation `i` cannot be resolved, or null. It must be an object naming an entity type
 * (`__typename`) with each key field a non-empty string; anything else would reach @apollo/subgraph's
 * resolver and fail as an unexpected error, or fail the whole list.
 */
export function representationError(r: unknown, i: number, keys: Map<string, string[]>): InvalidInputError | null {
  const path = `representations[${i}]`;
  const invalid = (at: string, message: string) => new InvalidInputError(`${at} ${message}`, [{ path: at, message }]);
  if (!r || typeof r !== "object" || Array.isArray(r)) return invalid(path, "must be an object");
  const { __typename } = r as Record<string, unknown>;
  const fields = typeof __typename === "string" ? keys.get(__typename) : undefined;
  if (!fields) return invalid(`${path}.__typename`, `must be one of ${[...keys.keys()].join(", ")}`);
  for (const f of fields) {
    const value = (r as Record<string, unknown>)[f];
    if (value === undefined || value === null)
      return invalid(`${path}.${f}`, `is missing: a ${String(__typename)} representation needs its key field "${f}"`);
    if (typeof value !== "string" || value.length === 0 || value.length > 200)
      return invalid(`${path}.${f}`, "must be a non-empty string of at most 200 characters");
  }
  return null;
}

/**
 * Resolves the valid representations and puts an INVALID_INPUT error in place of each invalid one:
 * graphql-js makes an Error in a list that item's error, so one bad representation nulls its own
 * entry (with the error's path) and the others still resolve.
 */
export function perRepresentation<C>(
  resolve: GraphQLFieldResolver<unknown, C, object>,
  keys: Map<string, string[]>,
): GraphQLFieldResolver<unknown, C, object> {
  return (parent, args, context, info) => {
    const all = (args as { representations?: unknown }).representations;
    const representations = Array.isArray(all) ? all : [];
    const errors = representations.map((r, i) => representationError(r, i, keys));
    if (errors.every((e) => e === null)) return resolve(parent, args, context, info);
    const valid = representations.filter((_, i) => errors[i] === null);
    const merge = (resolved: unknown) => {
      const items: unknown[] = Array.isArray(resolved) ? (resolved as unknown[]) : [];
      let next = 0;
      return errors.map((e) => e ?? items[next++]);
    };
    const resolved: unknown = valid.length ? resolve(parent, { ...args, representations: valid }, context, info) : [];
    return resolved instanceof Promise ? resolved.then(merge) : merge(resolved);
  };
}
