import { createGraphQLError, type Plugin } from "graphql-yoga";
import type { ApiKeyRing } from "../auth/api-keys.ts";
import type { InitDataVerifier } from "../auth/telegram-init-data.ts";
import { resolveViewer } from "../auth/viewer.ts";
import { AccessError } from "../domain/errors.ts";
import type { Viewer } from "../domain/viewer.ts";
import type { Logger } from "./logger.ts";
import { requestIdOf } from "./request-id.ts";

/**
 * Who is calling, resolved once per request from its Authorization header and remembered: the
 * introspection rule, trusted documents, rate limits and the context all ask. A bad credential is a
 * 401 UNAUTHENTICATED, logged at warn with the request id, and never anonymity.
 */
export class RequestViewers {
  private readonly viewers = new WeakMap<Request, Viewer | { refused: Error }>();

  constructor(
    private readonly auth: { initData: InitDataVerifier; apiKeys: ApiKeyRing },
    private readonly logger: Logger,
  ) {}

  of(request: Request): Viewer {
    let known = this.viewers.get(request);
    if (!known) {
      try {
        known = resolveViewer(request.headers.get("authorization"), this.auth);
      } catch (error) {
        if (!(error instanceof AccessError)) throw error;
        this.logger.warn("access refused", {
          requestId: requestIdOf(request),
          code: error.code,
          reason: error.message,
        });
        known = {
          refused: createGraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } }),
        };
      }
      this.viewers.set(request, known);
    }
    if ("refused" in known) throw known.refused;
    return known;
  }

  /** The viewer, or anonymous when the credential is bad (for checks that run where a 401 cannot be raised). */
  lenient(request: Request): Viewer {
    try {
      return this.of(request);
    } catch {
      return { kind: "anonymous" };
    }
  }
}

/** Resolves the viewer before the document is looked at, so a bad credential is a 401 before any other error. */
export function useRequestViewer(viewers: RequestViewers): Plugin {
  return {
    onParams({ request }) {
      viewers.of(request);
    },
  };
}
