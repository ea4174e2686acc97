import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from "@pothos/core";
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { entityKeys, perRepresentation } from "./entity-representation.ts";
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
 * it: its resolver is wrapped here, once per schema. What the guard throws is a top-level error; an
 * invalid representation is an error of its own item only (entity-representation.ts).
 */
export function guardFederationEntities(schema: GraphQLSchema): void {
  if (guardedSchemas.has(schema)) return;
  guardedSchemas.add(schema);
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field) return;
  field.resolve = guarded(
    "Query._entities",
    perRepresentation(field.resolve ?? defaultFieldResolver, entityKeys(schema)),
  );
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
