import { randomUUID } from "node:crypto";
import { createGateway } from "../../src/gateway.ts";
import { schema } from "../../src/graphql/index.ts";
import { createLogger } from "../../src/server/logger.ts";
import type { FuzzTarget } from "./engine.ts";

export const FUZZ_BOT_TOKEN = "123456:demo-bot-token";
export const FUZZ_SERVICE_KEY = "demo-dev-key-0000000000";

/**
 * A demo-mode gateway in-process for the fuzzer, on the given (migrated) SQLite file. Rate limits are
 * raised so the inputs reach the resolvers (test/e2e/security.e2e.test.ts covers the limits themselves);
 * every other limit is the default. FUZZ_TRUSTED_DOCUMENTS=on runs it with trusted documents enforced.
 */
export async function startFuzzTarget(
  databaseFile: string,
  extraEnv: Record<string, string> = {},
): Promise<FuzzTarget & { close(): Promise<void>; errorLines: () => string[] }> {
  const errors: string[] = [];
  const logger = createLogger("warn", { service: "fuzz" }, (line) => {
    if (line.includes('"level":"error"')) errors.push(line);
  });
  const gateway = await createGateway({
    env: {
      DATABASE_URL: `file:${databaseFile}`,
      MIGRATE_ON_START: "false",
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      CACHE_PREFIX: `lg-fuzz:${randomUUID()}:`,
      CATALOG_POLL_SECONDS: "0",
      STATUS_SYNC_SECONDS: "0",
      RECOVERY_INTERVAL_SECONDS: "0",
      RATE_LIMIT_TELEGRAM_USER: "0",
      RATE_LIMIT_API_KEY: "0",
      RATE_LIMIT_IP: "0",
      TRUSTED_DOCUMENTS: process.env.FUZZ_TRUSTED_DOCUMENTS ?? "off",
      ...extraEnv,
    },
    logger,
  });
  const sims = Object.entries(gateway.simulators ?? {});
  return {
    fetch: async (pathAndQuery, init, ip) =>
      fetchWithContext(gateway.yoga)(
        `http://gateway.test${pathAndQuery}`,
        init,
        ip ? { req: { socket: { remoteAddress: ip } } } : {},
      ),
    databaseFile,
    simulatorState: async () => JSON.stringify(sims.map(([id, sim]) => [id, sim.handler.state.snapshot()])),
    schema,
    botToken: FUZZ_BOT_TOKEN,
    serviceKey: FUZZ_SERVICE_KEY,
    errorLines: () => errors,
    close: () => gateway.close(),
  };
}

/** yoga.fetch with a server context, as the Node adapter passes one (the socket's peer address). */
function fetchWithContext(yoga: { fetch: unknown }) {
  return (yoga.fetch as (url: string, init: RequestInit | undefined, context: object) => Promise<Response>).bind(yoga);
}
