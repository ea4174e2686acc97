import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { type ASTVisitor, GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { RequestViewers } from "./request-viewer.ts";

/** `_service { sdl }` is the whole schema in one field: refused with introspection. */
function NoServiceSdlRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      if (node.name.value !== "_service") return;
      const parent = context.getParentType();
      if (parent && parent === context.getSchema().getQueryType()) {
        context.reportError(
          new GraphQLError("_service is not available to this caller", {
            nodes: [node],
            extensions: { code: "INTROSPECTION_DISABLED" },
          }),
        );
      }
    },
  };
}

/**
 * Not Yoga's disable-introspection plugin alone: besides introspection, `_service { sdl }` (the whole schema
 * in one federation field) and field suggestions are refused to the same callers, by viewer, and the
 * plugin knows neither (test/e2e/security.e2e.test.ts, "introspection in production").
 *
 * Unless PUBLIC_INTROSPECTION is on (the default outside production), anonymous and Mini App callers get
 * no introspection, no `_service { sdl }`, and no "Did you mean …?" in validation errors. Services (API
 * keys) keep all three: tools and the federation router use them.
 */
export function useIntrospectionPolicy(options: { publicIntrospection: boolean; viewers: RequestViewers }): Plugin {
  const hideSuggestions = blockFieldSuggestionsPlugin({ mask: "" }) as Plugin;
  return {
    onValidate(payload) {
      if (options.publicIntrospection) return;
      const request = (payload.context as { request?: Request }).request;
      const viewer = request ? options.viewers.lenient(request) : { kind: "anonymous" as const };
      if (viewer.kind === "service") return;
      payload.addValidationRule(NoSchemaIntrospectionCustomRule);
      payload.addValidationRule(NoServiceSdlRule);
      return hideSuggestions.onValidate?.(payload);
    },
  };
}
