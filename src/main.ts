import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { ConfigError } from "./config/format-issues.ts";
import { createGateway } from "./gateway.ts";
import { attachGraphQLWs } from "./server/graphql-ws.ts";

async function main(): Promise<void> {
  // A `.env` in the working directory is read first; variables already set in the environment win.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const gateway = await createGateway();
  const { env, logger } = gateway;
  const server = createServer(gateway.yoga);
  server.keepAliveTimeout = 65_000;
  const ws = attachGraphQLWs(server, gateway.yoga);
  await new Promise<void>((resolve) =>
    server.listen({ port: env.PORT, host: env.HOST, backlog: env.LISTEN_BACKLOG }, resolve),
  );
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  if (env.demo) {
    logger.warn("DEMO MODE: no SHOPS_CONFIG, so every provider is an in-process simulator with demo data", {
      graphiql: `http://localhost:${port}/graphql`,
      apiKey: env.DEMO_API_KEY,
    });
  }
  logger.info("gateway listening", {
    url: `http://localhost:${port}/graphql`,
    database: env.DATABASE_URL.split(":")[0],
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal });
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    void ws.close();
    server.close(async () => {
      await gateway.close();
      clearTimeout(force);
      process.exit(0);
    });
    server.closeIdleConnections();
    // Open SSE streams never end by themselves: after a short grace for requests in flight they are
    // closed, so the process drains and exits 0 (a subscriber reconnects and gets the current state first).
    setTimeout(() => server.closeAllConnections(), 2_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `${JSON.stringify({ level: "error", msg: "start-up failed", err: String((error as Error)?.stack ?? error) })}\n`,
    );
  }
  process.exit(1);
});
