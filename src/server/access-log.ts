import type { Plugin } from "graphql-yoga";
import type { Logger } from "./logger.ts";
import { requestIdOf } from "./request-id.ts";

const started = new WeakMap<Request, number>();

/** One line per request: method, path, status, duration and request id. Never bodies. */
export function useAccessLog(logger: Logger): Plugin {
  return {
    onRequest({ request }) {
      started.set(request, performance.now());
    },
    onResponse({ request, response }) {
      const t0 = started.get(request);
      logger.info("request", {
        requestId: requestIdOf(request),
        method: request.method,
        path: new URL(request.url).pathname,
        status: response.status,
        ms: t0 === undefined ? undefined : Math.round((performance.now() - t0) * 10) / 10,
      });
    },
  };
}
