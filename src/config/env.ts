import { z } from "zod";
import { ConfigError, formatIssues } from "./format-issues.ts";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export const apiKeySchema = z.object({
  name: z.string().min(1),
  key: z.string().min(16, "api keys must be at least 16 characters"),
  scopes: z.array(z.string().min(1)).min(1),
});
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

/** The one parse of the environment. Every key is listed, with a comment, in .env.example. */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must be file:… (SQLite) or postgresql://…")
    .default("file:./data/gateway.db"),
  MIGRATE_ON_START: bool.default(true),
  SHOPS_CONFIG: z.string().min(1).optional(),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: z.coerce.number().int().positive().default(86_400),
  API_KEYS: z
    .string()
    .default("[]")
    .transform((text, ctx) => {
      try {
        return z.array(apiKeySchema).parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `must be a JSON array of {name, key, scopes}: ${(error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  GRAPHIQL: bool.optional(),
  DEMO_API_KEY: z.string().min(16).default("demo-dev-key-0000000000"),
  DEMO_BOT_TOKEN: z.string().min(1).default("123456:demo-bot-token"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be redis://…")
    .optional(),
  RECOVERY_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(30),
  RECOVERY_STALE_SECONDS: z.coerce.number().int().min(0).default(30),
  IDEMPOTENCY_TAKEOVER_SECONDS: z.coerce.number().int().min(1).default(30),
  STATUS_SYNC_SECONDS: z.coerce.number().int().min(0).default(10),
  /** Shared secrets of providers that push webhooks, as JSON: {"posiflora": "..."}. */
  WEBHOOK_SECRETS: z
    .string()
    .default("{}")
    .transform((text, ctx) => {
      try {
        return z.record(z.string(), z.string().min(16)).parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `must be a JSON object of provider → secret (16+ characters): ${(error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  /** Catalog and stores: fresh for CATALOG_TTL_SECONDS, then served stale while one call refreshes them. */
  CATALOG_TTL_SECONDS: z.coerce.number().int().min(0).default(60),
  CATALOG_STALE_SECONDS: z.coerce.number().int().min(0).default(600),
  /** Stock counts shown in the catalog (orders always read stock live). */
  STOCK_TTL_SECONDS: z.coerce.number().int().min(0).default(15),
  /** How often the catalog revision is probed for changes; 0 turns the probe off. */
  /** Prefix of the cache's Redis keys: instances with the same prefix share one cache. */
  CACHE_PREFIX: z.string().min(1).max(64).default("lg:cache:"),
  CATALOG_POLL_SECONDS: z.coerce.number().int().min(0).default(30),
  WEBHOOK_WINDOW_SECONDS: z.coerce.number().int().min(1).default(300),
  DEMO_WEBHOOK_SECRET: z.string().min(16).default("demo-webhook-secret-000"),
  /** Crash test only: `<point>:<n>` kills the process the n-th time it reaches that point. */
  CRASH_AT: z
    .string()
    .regex(/^(ledger-written|provider-called|before-status):\d+$/)
    .optional()
    .transform((v) => (v ? { point: v.split(":")[0] as "ledger-written", nth: Number(v.split(":")[1]) } : null)),
});

export type Env = z.infer<typeof envSchema> & { demo: boolean };

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new ConfigError(`Invalid environment:\n${formatIssues(parsed.error.issues)}`);
  const env = parsed.data;
  const demo = !env.SHOPS_CONFIG;
  if (env.NODE_ENV === "production" && env.CRASH_AT)
    throw new ConfigError("Invalid environment:\nCRASH_AT: not allowed in production");
  if (!demo && env.NODE_ENV === "production" && !env.TELEGRAM_BOT_TOKEN) {
    throw new ConfigError("Invalid environment:\nTELEGRAM_BOT_TOKEN: required in production");
  }
  return { ...env, demo };
}
