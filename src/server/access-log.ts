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
        path: pathOf(request.url),
        status: response.status,
        ms: t0 === undefined ? undefined : Math.round((performance.now() - t0) * 10) / 10,
      });
    },
  };
}

/** The path of an absolute request URL as sent, without the query; cheaper than parsing a URL per line. */
export function pathOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = url.indexOf("/", scheme < 0 ? 0 : scheme + 3);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = Math.min(query < 0 ? url.length : query, hash < 0 ? url.length : hash);
  return url.slice(start, end);
}
