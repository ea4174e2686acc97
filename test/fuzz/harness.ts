import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { createGateway, type Gateway } from "../../src/gateway.ts";
import { createLogger } from "../../src/server/logger.ts";
import { createBonusPlusSimulator } from "../../src/simulators/bonusplus/server.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";

export const DEMO_KEY = "demo-dev-key-0000000000";
export const SERVICE_KEY = "hostile-world-service-key-0001";

export interface HarnessGateway {
  gateway: Gateway;
  databaseUrl: string;
  /** Every log line the gateway wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** One request through yoga.fetch; `ip` stands in for the socket's peer address. */
  fetch(pathAndQuery: string, init?: RequestInit, ip?: string): Promise<Response>;
  /** POSTs JSON to /graphql. */
  graphql(body: unknown, headers?: Record<string, string>, ip?: string): Promise<Response>;
  close(): Promise<void>;
}

/** A new SQLite database: a copy of the migrated template (global setup). */
export function freshDatabase(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-hostile-")), "gateway.db");
  copyFileSync(inject("templateDb"), file);
  return `file:${file}`;
}

/** A gateway in-process (demo mode unless SHOPS_CONFIG is given) whose log lines are kept. */
export async function startHarness(env: Record<string, string> = {}): Promise<HarnessGateway> {
  const databaseUrl = env.DATABASE_URL ?? freshDatabase();
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger("debug", { service: "hostile" }, (line) => logs.push(JSON.parse(line)));
  const gateway = await createGateway({
    env: {
      DATABASE_URL: databaseUrl,
      MIGRATE_ON_START: "false",
      NODE_ENV: "test",
      LOG_LEVEL: "debug",
      CACHE_PREFIX: `lg-hostile:${randomUUID()}:`,
      CATALOG_POLL_SECONDS: "0",
      STATUS_SYNC_SECONDS: "0",
      RECOVERY_INTERVAL_SECONDS: "0",
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
      ...env,
    },
    logger,
  });
  const fetch = async (pathAndQuery: string, init?: RequestInit, ip?: string) =>
    fetchWithContext(gateway.yoga)(
      `http://gateway.test${pathAndQuery}`,
      init,
      ip ? { req: { socket: { remoteAddress: ip } } } : {},
    );
  return {
    gateway,
    databaseUrl,
    logs,
    fetch,
    graphql: (body, headers = {}, ip) =>
      fetch(
        "/graphql",
        {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: typeof body === "string" ? body : JSON.stringify(body),
        },
        ip,
      ),
    close: () => gateway.close(),
  };
}

/**
 * A production gateway: a shops file with one BonusPlus shop, served by its simulator over real HTTP on
 * 127.0.0.1, a bot token and one service key. No demo mode, so no simulators in-process and no /__sim.
 */
export async function startProductionHarness(
  env: Record<string, string> = {},
): Promise<HarnessGateway & { botToken: string }> {
  const sim = createBonusPlusSimulator({ apiKey: "prod-bp-key", stores: ["Main"] });
  const server = await listen(sim);
  const dir = mkdtempSync(path.join(tmpdir(), "lg-prod-"));
  const shops = path.join(dir, "shops.json");
  writeFileSync(
    shops,
    JSON.stringify({
      shops: [
        {
          id: "prod-shop",
          name: "Production shop",
          currency: "RUB",
          prices: [{ productId: "rose", name: "Rose", price: "1000.00" }],
          loyalty: [
            {
              id: "prod-bonusplus",
              adapter: "bonusplus",
              baseUrl: `${server.url}/api`,
              timeoutMs: 2000,
              maxRetries: 0,
              options: { store: "Main" },
              credentials: { apiKey: "env:PROD_BP_KEY" },
            },
          ],
        },
      ],
    }),
  );
  const botToken = "777:production-bot-token";
  const harness = await startHarness({
    NODE_ENV: "production",
    SHOPS_CONFIG: shops,
    TELEGRAM_BOT_TOKEN: botToken,
    PROD_BP_KEY: "prod-bp-key",
    API_KEYS: JSON.stringify([{ name: "backoffice", key: SERVICE_KEY, scopes: ["customers:read"] }]),
    ...env,
  });
  return {
    ...harness,
    botToken,
    close: async () => {
      await harness.close();
      await server.close();
    },
  };
}

/** yoga.fetch with a server context, as the Node adapter passes one (the socket's peer address). */
function fetchWithContext(yoga: { fetch: unknown }) {
  return (yoga.fetch as (url: string, init: RequestInit | undefined, context: object) => Promise<Response>).bind(yoga);
}
