import { randomUUID } from "node:crypto";
import type { Plugin } from "graphql-yoga";

const ids = new WeakMap<Request, string>();

/** The caller's `x-request-id` when sane, else a new one; echoed on the response. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const given = request.headers.get("x-request-id");
    id = given && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    ids.set(request, id);
  }
  return id;
}

export function useRequestId(): Plugin {
  return {
    onResponse({ request, response }) {
      response.headers.set("x-request-id", requestIdOf(request));
    },
  };
}
