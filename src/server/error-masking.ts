import { GraphQLError } from "graphql";
import { isAsyncIterable, maskError as yogaMaskError, type Plugin, type YogaServerOptions } from "graphql-yoga";
import { AccessError, GatewayError, ProviderError, ServiceUnavailableError } from "../domain/errors.ts";
import type { GraphQLContext } from "../graphql/context.ts";
import type { Logger } from "./logger.ts";
import { isInfrastructureOutage, outageError } from "./outage.ts";

/**
 * A gateway error that escaped the result unions keeps its stable code; the database or Redis out of
 * reach is SERVICE_UNAVAILABLE with HTTP 503 and Retry-After; anything else is masked.
 */
export const maskError: NonNullable<
  Exclude<YogaServerOptions<object, object>["maskedErrors"], boolean | undefined>
>["maskError"] = (error, message, isDev) => {
  // Duck-typed: graphql's CJS and ESM builds may both be loaded, each with its own GraphQLError.
  const base = isGraphQLError(error) ? error : undefined;
  const raw = base ? base.originalError : error;
  const original = !(raw instanceof GatewayError) && isInfrastructureOutage(raw) ? outageError() : raw;
  if (original instanceof GatewayError) {
    return new GraphQLError(original.message, {
      nodes: base?.nodes,
      path: base?.path,
      extensions: {
        code: original.code,
        ...(original.code === "UNAUTHENTICATED" ? { http: { status: 401 } } : {}),
        ...(original instanceof ServiceUnavailableError
          ? {
              retryAfterSeconds: original.retryAfterSeconds,
              http: { status: 503, headers: { "retry-after": String(original.retryAfterSeconds) } },
            }
          : {}),
        ...(original instanceof ProviderError
          ? {
              provider: original.provider,
              vendorCode: original.vendorCode,
              ...(original.retryAfterSeconds !== null ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
            }
          : {}),
      },
    });
  }
  // A variable that does not coerce (`Variable "$x" got invalid value …`) is the caller's mistake, even when a
  // scalar of ours explained it with a TypeError: keep graphql-js's message, drop the original.
  if (base && !base.path && /^Variable "\$[_A-Za-z][_0-9A-Za-z]*" got invalid value /.test(base.message)) {
    return new GraphQLError(base.message, {
      nodes: base.nodes,
      extensions: { code: "BAD_USER_INPUT", http: { status: 400 } },
    });
  }
  return yogaMaskError(error, message, isDev);
};

/**
 * Logs every unexpected error with the request id before it is masked, so support can find it; an
 * access refusal (UNAUTHENTICATED, FORBIDDEN) is logged at warn, with the request id, as the caller's
 * mistake it is.
 */
export function useUnexpectedErrorLog(): Plugin<GraphQLContext> {
  const log = (ctx: GraphQLContext, errors: readonly GraphQLError[]) => {
    for (const error of errors) {
      const original = error.originalError;
      if (original instanceof AccessError) {
        ctx.logger.warn("access refused", { code: original.code, path: error.path?.join(".") });
        continue;
      }
      if (!original || original instanceof GatewayError || isGraphQLError(original)) continue;
      if (isInfrastructureOutage(original)) {
        ctx.logger.warn("storage unavailable", { path: error.path?.join("."), error: original.message });
        continue;
      }
      ctx.logger.error("unexpected error", { err: original, path: error.path?.join(".") });
    }
  };
  return {
    onExecute() {
      return {
        onExecuteDone({ result, args }) {
          if (!("errors" in result) || !result.errors) return;
          log(args.contextValue, result.errors as readonly GraphQLError[]);
        },
      };
    },
    onSubscribe() {
      return {
        // A subscription refused when it starts (scope-auth on subscribe) answers one result with errors.
        onSubscribeResult({ result, args }) {
          if (!isAsyncIterable(result) && result.errors)
            log(args.contextValue, result.errors as readonly GraphQLError[]);
        },
      };
    },
  };
}

function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === "GraphQLError";
}

/**
 * The logger Yoga itself writes to. Yoga logs at error every error it hands to maskError. A gateway
 * error (a refusal, a rate limit, a provider failure) or a request error (HTTP 4xx: a bad variable, a
 * bad body) is not a server fault, and the first is already logged with its request id where it
 * happened, so both go to debug here; anything else stays an error.
 */
export function yogaLogger(logger: Logger): Logger {
  const callersFault = (msg: unknown) => {
    const original = isGraphQLError(msg) ? msg.originalError : msg;
    // An outage is logged once per request at warn, by useUnexpectedErrorLog.
    if (original instanceof GatewayError || isInfrastructureOutage(original)) return true;
    const status = isGraphQLError(msg) ? msg.extensions?.http?.status : undefined;
    return typeof status === "number" && status < 500;
  };
  return {
    ...logger,
    // Yoga passes the error itself as the message; createLogger reads it.
    error: (msg, fields) => (callersFault(msg) ? logger.debug(msg, fields) : logger.error(msg, fields)),
    child: (fields) => yogaLogger(logger.child(fields)),
  };
}
