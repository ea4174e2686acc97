import { GraphQLError } from "graphql";
import { maskError as yogaMaskError, type Plugin, type YogaServerOptions } from "graphql-yoga";
import { GatewayError, ProviderError } from "../domain/errors.ts";
import type { GraphQLContext } from "../graphql/context.ts";

/** A gateway error that escaped the result unions keeps its stable code; anything else is masked. */
export const maskError: NonNullable<
  Exclude<YogaServerOptions<object, object>["maskedErrors"], boolean | undefined>
>["maskError"] = (error, message, isDev) => {
  // Duck-typed: graphql's CJS and ESM builds may both be loaded, each with its own GraphQLError.
  const base = isGraphQLError(error) ? error : undefined;
  const original = base ? base.originalError : error;
  if (original instanceof GatewayError) {
    return new GraphQLError(original.message, {
      nodes: base?.nodes,
      path: base?.path,
      extensions: {
        code: original.code,
        ...(original.code === "UNAUTHENTICATED" ? { http: { status: 401 } } : {}),
        ...(original instanceof ProviderError ? { provider: original.provider, vendorCode: original.vendorCode } : {}),
      },
    });
  }
  return yogaMaskError(error, message, isDev);
};

/** Logs every unexpected error with the request id before it is masked, so support can find it. */
export function useUnexpectedErrorLog(): Plugin<GraphQLContext> {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, args }) {
          if (!("errors" in result) || !result.errors) return;
          const ctx = args.contextValue as GraphQLContext;
          for (const error of result.errors) {
            const original = error.originalError;
            if (!original || original instanceof GatewayError || isGraphQLError(original)) continue;
            ctx.logger.error("unexpected error", { err: original, path: error.path?.join(".") });
          }
        },
      };
    },
  };
}

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === "GraphQLError";
}
