import type { Plugin } from "graphql-yoga";
import type { FetchHandler } from "../simulators/kit/router.ts";

/**
 * Demo mode only: the in-process simulators' control APIs at `/__sim/<provider>/...`, so that a
 * developer can move an order in the Posiflora simulator (and watch a subscription) from curl:
 * `POST /__sim/posiflora/orders/<id>/status {"status":"assembled"}`.
 */
export function useDemoSimulators(simulators: Record<string, { host: string; handler: FetchHandler }>): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      const m = /^\/__sim\/([\w-]+)(\/.*)$/.exec(url.pathname);
      if (!m) return;
      const sim = simulators[m[1]!];
      if (!sim) return endResponse(Response.json({ error: "no such simulator" }, { status: 404 }));
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
      endResponse(
        await sim.handler(
          new Request(`http://${sim.host}/__sim${m[2]}${url.search}`, { method: request.method, body }),
        ),
      );
    },
  };
}
