import type { Plugin } from "graphql-yoga";
import type { FetchHandler } from "../simulators/kit/router.ts";
import { BodyTooLargeError, readBodyLimited } from "./http-guards.ts";

/**
 * Demo mode only: the in-process simulators' control APIs at `/__sim/<provider>/...`, so that a
 * developer can move an order in the Posiflora simulator (and watch a subscription) from curl:
 * `POST /__sim/posiflora/orders/<id>/status {"status":"assembled"}`.
 */
export function useDemoSimulators(
  simulators: Record<string, { host: string; handler: FetchHandler }>,
  maxBodyBytes: number,
): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const m = /^\/__sim\/([\w-]+)(\/.*)$/.exec(url.pathname);
      if (!m) return;
      const sim = Object.hasOwn(simulators, m[1]!) ? simulators[m[1]!] : undefined;
      if (!sim) return endResponse(Response.json({ error: "no such simulator" }, { status: 404 }));
      // An exception here would escape the server adapter, so every failure is an answer.
      try {
        const body =
          request.method === "GET" || request.method === "HEAD"
            ? undefined
            : await readBodyLimited(request, maxBodyBytes);
        endResponse(
          await sim.handler(
            new Request(`http://${sim.host}/__sim${m[2]}${url.search}`, { method: request.method, body }),
          ),
        );
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          return endResponse(Response.json({ error: `body larger than ${error.limit} bytes` }, { status: 413 }));
        }
        endResponse(Response.json({ error: "the simulator could not handle this request" }, { status: 400 }));
      }
    },
  };
}
