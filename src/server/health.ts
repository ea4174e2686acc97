import type { Plugin } from "graphql-yoga";
import type { Logger } from "./logger.ts";

/** `/healthz`: the process answers. `/readyz`: its dependencies (the database) answer too. */
export function useHealth(ready: () => Promise<void>, logger: Logger): Plugin {
  return {
    async onRequest({ url, endResponse }) {
      if (url.pathname === "/healthz") return endResponse(Response.json({ status: "ok" }));
      if (url.pathname !== "/readyz") return;
      try {
        await ready();
        endResponse(Response.json({ status: "ready" }));
      } catch (error) {
        logger.warn("readiness check failed", { err: error });
        endResponse(Response.json({ status: "not ready" }, { status: 503 }));
      }
    },
  };
}
