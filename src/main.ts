import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { ConfigError } from "./config/format-issues.ts";
import { createGateway, type Gateway } from "./gateway.ts";
import { RequestDrain } from "./server/drain.ts";
import { attachGraphQLWs } from "./server/graphql-ws.ts";
import { flushLogs } from "./server/logger.ts";

/** What a start-up failure says, on one line of stderr: a supervisor's log shows the reason, not a trace. */
class StartupError extends Error {}

async function main(): Promise<void> {
  // A `.env` in the working directory is read first; variables already set in the environment win.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const gateway = await createGateway();
  const { env, logger } = gateway;
  const server = createServer();
  const requests = new RequestDrain(server);
  server.on("request", requests.handler(gateway.yoga));
  server.keepAliveTimeout = 65_000;
  await listen(server, env.HOST, env.PORT, env.LISTEN_BACKLOG).catch(async (error: unknown) => {
    await gateway.close().catch(() => undefined);
    throw error;
  });
  // After listen: the WebSocket server re-emits the HTTP server's errors as its own.
  const ws = attachGraphQLWs(server, gateway.yoga);
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
    void drain(signal, gateway, requests, ws, env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/**
 * Stops taking connections, ends the open subscriptions with a last event, lets the queries and
 * mutations in flight finish, then closes the jobs, the database and Redis: exit 0. Past the bound the
 * process exits 1, saying how many requests were still open.
 */
async function drain(
  signal: string,
  gateway: Gateway,
  requests: RequestDrain,
  ws: { close(): Promise<void> },
  boundMs: number,
): Promise<void> {
  const { logger } = gateway;
  const started = Date.now();
  logger.info("shutting down", { signal, inFlight: requests.active, subscriptions: gateway.subscriptions.size });
  const force = setTimeout(() => {
    logger.error("shutdown timed out", { afterMs: boundMs, inFlight: requests.active });
    exit(1);
  }, boundMs);
  // Not unref'd: the drain keeps the process alive until it ends, or until the bound ends it.
  const step = (name: string) => logger.debug("drain step done", { step: name, afterMs: Date.now() - started });
  const ended = await gateway.subscriptions.endAll();
  step("subscriptions");
  await requests.start();
  step("requests");
  await ws.close();
  step("websockets");
  await gateway.close();
  clearTimeout(force);
  logger.info("stopped", { signal, drainMs: Date.now() - started, subscriptionsEnded: ended });
  await flushLogs();
  process.exit(0);
}

function listen(server: Server, host: string, port: number, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      const why =
        error.code === "EADDRINUSE"
          ? `${where} is already in use (another gateway still running?); set PORT or stop the other process`
          : error.code === "EACCES"
            ? `no permission to listen on ${where}; use a port above 1023 or a reverse proxy`
            : `cannot listen on ${where}: ${error.message}`;
      reject(new StartupError(why));
    };
    server.once("error", onError);
    server.listen({ port, host, backlog }, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** The first line of an error's message: Prisma's and the engine's go on for a screen. */
function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split("\n")[0] ?? message;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`loyalty-gateway: cannot start: ${reason(error)}\n`);
    if (process.env.LOG_LEVEL === "debug") process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  }
  exit(1);
});

/** Exits with `code` once the log lines that say why are written out. */
function exit(code: number): void {
  void flushLogs().finally(() => process.exit(code));
}
