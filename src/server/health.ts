import { type Plugin, useReadinessCheck } from "graphql-yoga";
import type { Logger } from "./logger.ts";

/**
 * `/readyz`: Yoga's readiness check, on the database. `/healthz`: the process answers, as JSON; Yoga's own
 * health check answers an empty 200 at `/health`, which probes that read a body cannot tell from a proxy's.
 */
export function useHealth(ready: () => Promise<void>, logger: Logger, timeoutMs = 2_000): Plugin[] {
  return [
    {
      onRequest({ url, endResponse }) {
        if (url.pathname === "/healthz") endResponse(Response.json({ status: "ok" }));
      },
    },
    useReadinessCheck({
      endpoint: "/readyz",
      // A refusal is logged, not answered: the error's text stays out of the response.
      // A database that hangs instead of refusing must not hang the probe: past timeoutMs it is not ready.
      check: () =>
        withTimeout(ready(), timeoutMs).then(
          () => Response.json({ status: "ready" }),
          (error: unknown) => {
            logger.warn("readiness check failed", { err: error });
            return Response.json({ status: "not ready" }, { status: 503 });
          },
        ),
    }),
  ];
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the readiness check took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
