import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import {
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  isObjectType,
  isUnionType,
} from "graphql";
import { InvalidInputError } from "../domain/errors.ts";
import { isVendorRootField } from "./vendor-fields.ts";

/**
 * Admits or refuses one call of a vendor-reaching root field, before its resolver runs. It throws a
 * gateway error (RATE_LIMITED as a ProviderError, or INVALID_INPUT) to refuse. Set on the GraphQL
 * context by Yoga's context factory as `vendorGuard`; without one, every call is admitted.
 */
export interface VendorGuard {
  admit(coordinate: string, args: Record<string, unknown>, context: object): void | Promise<void>;
}

export interface VendorGuardContext {
  vendorGuard?: VendorGuard;
}

const pluginName = "vendorGuard";

/**
 * Runs the context's guard before each vendor-reaching root field. Listed after the errors plugin in
 * builder.ts, so what the guard throws becomes the field's union member where it has one (RATE_LIMITED
 * is a ProviderError), and after scope-auth, so a caller who may not call the field spends no budget.
 */
export class PothosVendorGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types["Context"], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types["Context"], object> {
    const coordinate = `${fieldConfig.parentType}.${fieldConfig.name}`;
    if (fieldConfig.kind === "Subscription" || !isVendorRootField(coordinate)) return resolver;
    return guarded(coordinate, resolver);
  }
}

function guarded<C>(
  coordinate: string,
  resolver: GraphQLFieldResolver<unknown, C, object>,
): GraphQLFieldResolver<unknown, C, object> {
  return (parent, args, context, info) => {
    const guard = (context as VendorGuardContext | undefined)?.vendorGuard;
    if (!guard) return resolver(parent, args, context, info);
    const admitted = guard.admit(coordinate, args as Record<string, unknown>, context as object);
    return admitted instanceof Promise
      ? admitted.then(() => resolver(parent, args, context, info))
      : resolver(parent, args, context, info);
  };
}

const guardedSchemas = new WeakSet<GraphQLSchema>();

/**
 * `_entities` is added by the federation plugin after Pothos built the fields, so no Pothos plugin wraps
 * it: its resolver is wrapped here, once per schema. What the guard throws is a top-level error.
 */
export function guardFederationEntities(schema: GraphQLSchema): void {
  if (guardedSchemas.has(schema)) return;
  guardedSchemas.add(schema);
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field) return;
  const entity = schema.getType("_Entity");
  const keys = new Map<string, string[]>();
  for (const type of isUnionType(entity) ? entity.getTypes() : []) {
    if (isObjectType(type))
      keys.set(
        type.name,
        Object.keys(type.getFields()).filter((f) => f === "id"),
      );
  }
  const resolve = guarded("Query._entities", field.resolve ?? defaultFieldResolver);
  field.resolve = (parent, args, context, info) => {
    checkRepresentations((args as { representations?: unknown }).representations, keys);
    return resolve(parent, args, context, info);
  };
}

/**
 * A representation must be an object naming an entity type (`__typename`) with its key (`id`, a string);
 * anything else would reach @apollo/subgraph's resolver and fail as an unexpected error.
 */
function checkRepresentations(representations: unknown, keys: Map<string, string[]>): void {
  const issues: Array<{ path: string; message: string }> = [];
  (Array.isArray(representations) ? representations : []).forEach((r, i) => {
    const path = `representations[${i}]`;
    if (!r || typeof r !== "object" || Array.isArray(r)) return issues.push({ path, message: "must be an object" });
    const { __typename } = r as Record<string, unknown>;
    const fields = typeof __typename === "string" ? keys.get(__typename) : undefined;
    if (!fields)
      return issues.push({ path: `${path}.__typename`, message: `must be one of ${[...keys.keys()].join(", ")}` });
    for (const f of fields) {
      const value = (r as Record<string, unknown>)[f];
      if (typeof value !== "string" || value.length === 0 || value.length > 200) {
        issues.push({ path: `${path}.${f}`, message: "must be a non-empty string of at most 200 characters" });
      }
    }
  });
  if (issues.length)
    throw new InvalidInputError(issues.map((i) => `${i.path} ${i.message}`).join("; "), issues.slice(0, 20));
}

SchemaBuilder.registerPlugin(pluginName, PothosVendorGuardPlugin);

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      vendorGuard: PothosVendorGuardPlugin<Types>;
    }
  }
}

export default pluginName;
