import SchemaBuilder from "@pothos/core";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import DirectivePlugin from "@pothos/plugin-directives";
import ErrorsPlugin from "@pothos/plugin-errors";
import FederationPlugin from "@pothos/plugin-federation";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import ValidationPlugin from "@pothos/plugin-validation";
import VendorGuardPlugin from "./vendor-guard.ts";
import { hasScope } from "../domain/viewer.ts";
import { AccessError, InvalidInputError } from "../domain/errors.ts";
import type { GraphQLContext } from "./context.ts";

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  AuthScopes: { authenticated: boolean; miniApp: boolean; service: string };
  Scalars: { MinorUnits: { Input: number; Output: number } };
}>({
  // Order matters: each plugin wraps the resolvers of the ones after it. Scope-auth checks first; the vendor
  // guard (rate limits) runs inside the errors plugin, so what it refuses becomes the field's union member.
  plugins: [
    ScopeAuthPlugin,
    ErrorsPlugin,
    VendorGuardPlugin,
    ValidationPlugin,
    DataloaderPlugin,
    DirectivePlugin,
    FederationPlugin,
  ],
  defaultFieldNullability: false,
  scopeAuth: {
    // Subscriptions are checked when they start, not per event: an anonymous subscriber is refused with
    // UNAUTHENTICATED at once instead of getting a stream that never sends anything.
    authorizeOnSubscribe: true,
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
