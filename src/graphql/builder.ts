import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import DirectivePlugin from "@pothos/plugin-directives";
import ErrorsPlugin from "@pothos/plugin-errors";
import FederationPlugin from "@pothos/plugin-federation";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import { hasScope } from "../domain/viewer.ts";
import { AccessError, InvalidInputError } from "../domain/errors.ts";
import type { GraphQLContext } from "./context.ts";

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  AuthScopes: { authenticated: boolean; miniApp: boolean; service: string };
  Scalars: { MinorUnits: { Input: number; Output: number } };
}>({
  plugins: [ScopeAuthPlugin, ErrorsPlugin, ValidationPlugin, DataloaderPlugin, DirectivePlugin, FederationPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: ({ scope: { viewer } }) => ({
      authenticated: viewer.kind !== "anonymous",
      miniApp: viewer.kind === "telegram",
      service: (needed: string) => hasScope(viewer, needed),
    }),
    unauthorizedError: (_parent, ctx) =>
      ctx.scope.viewer.kind === "anonymous"
        ? new AccessError("UNAUTHENTICATED", "authentication required")
        : new AccessError("FORBIDDEN", "not allowed for this caller"),
  },
  errors: { defaultTypes: [], unsafelyHandleInputErrors: true },
  validation: {
    validationError: (result) =>
      new InvalidInputError(
        result.issues.map((i) => i.message).join("; "),
        result.issues.map((i) => ({
          path: (i.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join("."),
          message: i.message,
        })),
      ),
  },
});
