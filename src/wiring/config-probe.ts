import { Redis } from "ioredis";
import { ProviderError } from "../domain/errors.ts";
import { createDb } from "../persistence/db.ts";
import type { LoyaltyProvider } from "../domain/ports/loyalty-provider.port.ts";
import type { Fetch } from "../providers/http/provider-http.ts";
import { createLogger } from "../server/logger.ts";
import type { Env } from "../config/env.ts";
import { createLoyaltyProvider, createOrderSystem } from "../config/providers.ts";
import type { ShopsConfig } from "../config/shops.ts";

/** One row of `npm run config:check`'s table. */
export interface ProbeRow {
  shop: string;
  provider: string;
  reachable: boolean;
  /** null where there is nothing to authenticate, or the answer did not tell. */
  credentialsAccepted: boolean | null;
  latencyMs: number;
  note: string;
}

/** A phone nobody has: looking it up reads and changes nothing at any vendor. */
const NOBODY = "79990000000";
const NOBODY_TOKEN = "config-check-no-such-token";

/**
 * Reaches the database, Redis and every configured provider once, with a call that only reads: a
 * customer lookup of a phone nobody has (loyalty), the pickup stores or an unknown order (order systems).
 * An answer of any kind means reachable; a 401 or 403 means the credentials were refused.
 */
export async function probeAll(env: Env, config: ShopsConfig, fetch: Fetch = globalThis.fetch): Promise<ProbeRow[]> {
  const rows: ProbeRow[] = [await probeDatabase(env.DATABASE_URL)];
  if (env.REDIS_URL) rows.push(await probeRedis(env.REDIS_URL));
  const deps = { fetch, logger: createLogger("silent") };
  for (const [s, shop] of config.shops.entries()) {
    for (const [i, p] of shop.loyalty.entries()) {
      const provider = createLoyaltyProvider(p, `shops[${s}].loyalty[${i}]`, process.env, deps);
      rows.push(await timed(shop.id, p.id, () => lookUpNobody(provider)));
    }
    if (shop.orders) {
      const system = createOrderSystem(shop.orders, `shops[${s}].orders`, process.env, deps);
      rows.push(
        await timed(shop.id, shop.orders.id, () =>
          system.catalog ? system.catalog.stores() : system.orders.getOrder("config-check-no-such-order"),
        ),
      );
    }
  }
  return rows;
}

/** A customer lookup that finds nobody: by phone, or by QR token where the provider looks up by token only. */
async function lookUpNobody(provider: LoyaltyProvider): Promise<unknown> {
  try {
    return await provider.findCustomer({ phone: NOBODY });
  } catch (error) {
    if (
      error instanceof ProviderError &&
      error.code === "UNSUPPORTED_BY_PROVIDER" &&
      provider.capabilities.lookupBy.includes("QR")
    )
      return provider.findCustomerByToken(NOBODY_TOKEN);
    throw error;
  }
}

async function timed(shop: string, provider: string, call: () => Promise<unknown>): Promise<ProbeRow> {
  const started = performance.now();
  try {
    await call();
    return { shop, provider, reachable: true, credentialsAccepted: true, latencyMs: since(started), note: "" };
  } catch (error) {
    return { shop, provider, latencyMs: since(started), ...classify(error) };
  }
}

/** What a failed probe says about the network and the credentials. */
export function classify(error: unknown): Pick<ProbeRow, "reachable" | "credentialsAccepted" | "note"> {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof ProviderError)) return { reachable: false, credentialsAccepted: null, note: message };
  // Every adapter's mapper answers a 401 or 403 with this sentence (src/providers/*/mapper.ts).
  const refused = /refused the gateway's credentials/.test(message) || ["401", "403"].includes(error.vendorCode ?? "");
  if (refused) return { reachable: true, credentialsAccepted: false, note: message };
  const note = `${error.code}: ${message}`;
  if (error.vendorCode === "NETWORK" || error.vendorCode === "TIMEOUT" || error.vendorCode === null)
    return { reachable: false, credentialsAccepted: null, note };
  // A 5xx or a 429 tells nothing of the credentials.
  if (error.code === "PROVIDER_UNAVAILABLE" || error.code === "RATE_LIMITED")
    return { reachable: true, credentialsAccepted: null, note };
  // An answer past the vendor's authentication (an unknown order, a refused phone).
  return { reachable: true, credentialsAccepted: true, note };
}

async function probeDatabase(url: string): Promise<ProbeRow> {
  const started = performance.now();
  const row = { shop: "-", provider: `database (${url.split(":")[0]})` };
  const db = await createDb(url);
  try {
    await db.$queryRawUnsafe("SELECT 1");
    return { ...row, reachable: true, credentialsAccepted: true, latencyMs: since(started), note: "" };
  } catch (error) {
    const message = (error as Error).message.trim().split("\n").at(-1) ?? "";
    const refused = /authentication|password/i.test(message);
    return {
      ...row,
      reachable: refused,
      credentialsAccepted: refused ? false : null,
      latencyMs: since(started),
      note: message,
    };
  } finally {
    await db.$disconnect().catch(() => undefined);
  }
}

async function probeRedis(url: string): Promise<ProbeRow> {
  const started = performance.now();
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return {
      shop: "-",
      provider: "redis",
      reachable: true,
      credentialsAccepted: true,
      latencyMs: since(started),
      note: "",
    };
  } catch (error) {
    const message = (error as Error).message;
    const refused = /NOAUTH|WRONGPASS|invalid password/i.test(message);
    return {
      shop: "-",
      provider: "redis",
      reachable: refused,
      credentialsAccepted: refused ? false : null,
      latencyMs: since(started),
      note: message,
    };
  } finally {
    redis.disconnect();
  }
}

const since = (started: number) => Math.round(performance.now() - started);

/** The table, as `npm run config:check` prints it. */
export function formatTable(rows: ProbeRow[]): string {
  const yesNo = (v: boolean | null) => (v === null ? "?" : v ? "yes" : "NO");
  const cells = [
    ["shop", "provider", "reachable", "credentials accepted", "latency ms", "note"],
    ...rows.map((r) => [
      r.shop,
      r.provider,
      yesNo(r.reachable),
      yesNo(r.credentialsAccepted),
      String(r.latencyMs),
      r.note,
    ]),
  ];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
