import { type Plugin, useReadinessCheck } from "graphql-yoga";
import type { Logger } from "./logger.ts";

/**
 * `/readyz`: Yoga's readiness check, on the database. `/healthz`: the process answers, as JSON; Yoga's own
 * health check answers an empty 200 at `/health`, which probes that read a body cannot tell from a proxy's.
 */
export function useHealth(ready: () => Promise<void>, logger: Logger): Plugin[] {
  return [
    {
      onRequest({ url, endResponse }) {
        if (url.pathname === "/healthz") endResponse(Response.json({ status: "ok" }));
      },
    },
    useReadinessCheck({
      endpoint: "/readyz",
      // A refusal is logged, not answered: the error's text stays out of the response.
      check: () =>
        ready().then(
          () => Response.json({ status: "ready" }),
          (error: unknown) => {
            logger.warn("readiness check failed", { err: error });
            return Response.json({ status: "not ready" }, { status: 503 });
          },
        ),
    }),
  ];
}
