import { z } from "zod";
import { CRASH_POINTS, type CrashPoint } from "../domain/crash-points.ts";
import { ALL_SCOPES } from "../domain/scopes.ts";
import { ConfigError, formatIssues } from "./format-issues.ts";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number) => z.coerce.number().int().min(min);
const jsonRecord = <T extends z.ZodType>(value: T, what: string) =>
  z
    .string()
    .default("{}")
    .transform((text, ctx) => {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: `must be ${what}: ${(error as Error).message}` });
        return z.NEVER;
      }
      const parsed = z.record(z.string(), value).safeParse(raw);
      if (parsed.success) return parsed.data;
      for (const issue of parsed.error.issues)
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
      return z.NEVER;
    });

export const apiKeySchema = z.object({
  name: z.string().min(1),
  key: z.string().min(16, "api keys must be at least 16 characters"),
  /** Checked against the known scopes at boot: a typo such as "customer:link" stops start-up, named. */
  scopes: z
    .array(
      z.string().refine((scope) => (ALL_SCOPES as readonly string[]).includes(scope), {
        error: (issue) => `unknown scope ${JSON.stringify(issue.input)} (known: ${ALL_SCOPES.join(", ")})`,
      }),
    )
    .min(1),
});
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

/** The one parse of the environment. Every key is listed, with a comment, in .env.example. */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  // The accept queue: node's own 511 overflowed when thousands of SSE clients reconnected at once (the
  // kernel drops the handshakes past it and the clients wait seconds to retry). Linux caps it at somaxconn.
  LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65_535).default(4096),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must be file:… (SQLite) or postgresql://…")
    .default("file:./data/gateway.db"),
  MIGRATE_ON_START: bool.default(true),
  /** How long a stopping process (SIGTERM) waits for requests in flight before it gives up and exits 1. */
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(25),
  SHOPS_CONFIG: z.string().min(1).optional(),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: z.coerce.number().int().positive().default(86_400),
  API_KEYS: z
    .string()
    .default("[]")
    .transform((text, ctx) => {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `must be a JSON array of {name, key, scopes}: ${(error as Error).message}`,
        });
        return z.NEVER;
      }
      const keys = z.array(apiKeySchema).safeParse(raw);
      if (keys.success) return keys.data;
      // Named in full, e.g. `API_KEYS[0].scopes[1]: unknown scope "customer:link"`; never the key itself.
      for (const issue of keys.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
      return z.NEVER;
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
  /** How often unplaced checkouts past their shop's checkoutTtlMinutes are expired; 0 turns the sweeper off. */
  CHECKOUT_EXPIRY_SECONDS: z.coerce.number().int().min(0).default(60),
  /**
   * How often payments that stay pending, held or unanswered are read from their PSP (and refunds not
   * answered sent again), so that a lost notification never leaves an order waiting; 0 turns it off.
   */
  PAYMENT_RECONCILE_SECONDS: z.coerce.number().int().min(0).default(60),
  /**
   * The gateway's origin as a browser reaches it ("https://shop.example"); demo mode builds the ЮKassa
   * simulator's confirmation page and the prepaid demo shop's return address on it. Default:
   * http://localhost:PORT.
   */
  PUBLIC_URL: z.url().optional(),
  /** Demo mode: more demo shops (ids, comma-separated) that take prepayment like demo-prepaid. */
  DEMO_PREPAY_SHOPS: z
    .string()
    .max(1_000)
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** How often providers with a balance feed (Posiflora) are asked for customers changed elsewhere; 0 turns it off. */
  BALANCE_FEED_SECONDS: z.coerce.number().int().min(0).default(60),
  /** How often other providers' balances are read for customers with an open loyaltyBalanceChanged; 0 turns it off. */
  BALANCE_READ_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Shared secrets of providers that push webhooks, as JSON: {"posiflora": "..."}. */
  WEBHOOK_SECRETS: jsonRecord(
    z.string().min(16, "a webhook secret is at least 16 characters"),
    "a JSON object of provider → secret",
  ),
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
  // ---- Limits (README "Security"). Every one has a default that suits the Mini App's own documents.
  /** Largest GraphQL POST body (and /__sim body) in bytes; refused with 413 before it is read in full. */
  MAX_BODY_BYTES: int(1024).default(102_400),
  /** Largest webhook body in bytes. */
  WEBHOOK_MAX_BODY_BYTES: int(256).default(65_536),
  /** Longest request URL (a GET query and its variables) in bytes; refused with 414. */
  MAX_URL_BYTES: int(256).default(8_192),
  /** Most lexical tokens in one document: checked while parsing, so a deep document never recurses far. */
  MAX_TOKENS: int(50).default(2_000),
  /** Deepest nesting of brackets, braces and parentheses, checked before the parser (which recurses) runs. */
  MAX_NESTING: int(4).default(64),
  /** Deepest selection (fragments followed; introspection's own depth is not counted). */
  MAX_DEPTH: int(2).default(12),
  /** Most aliases in one document. */
  MAX_ALIASES: int(0).default(15),
  /** Most directives in one document. */
  MAX_DIRECTIVES: int(0).default(20),
  /** Cost ceiling of one operation: every field costs 1, a field that reaches a vendor COST_VENDOR_FIELD. */
  COST_MAX: int(1).default(1_000),
  COST_VENDOR_FIELD: int(1).default(100),
  /** Nested fields that may reach a vendor for their parent (Customer.loyalty, Product.description, …). */
  COST_VENDOR_NESTED_FIELD: int(1).default(10),
  /** Per-field costs that replace those defaults, as JSON: {"Query.catalog": 50, "Product.description": 20}. */
  COST_FIELDS: jsonRecord(z.number().int().min(0), "a JSON object of Type.field → cost"),
  /** Parsed-document cache, bounded in bytes of source text (the AST is counted at about 12× its source). */
  PARSE_CACHE_MAX_BYTES: int(0).default(16 * 1024 * 1024),
  /** Most federation representations in one `_entities` call. */
  MAX_ENTITIES: int(1).default(100),
  /** Deadline of one query or mutation, in milliseconds (a subscription's events are not limited). */
  REQUEST_TIMEOUT_MS: int(100).default(30_000),
  /** Open subscriptions (SSE and WebSocket together) per viewer on one instance. */
  MAX_SUBSCRIPTIONS_PER_VIEWER: int(1).default(20),
  /** Calls of vendor-reaching fields per window: per Telegram user, per API key, per client IP (0: no limit). */
  RATE_LIMIT_WINDOW_SECONDS: int(1).default(60),
  RATE_LIMIT_TELEGRAM_USER: int(0).default(120),
  RATE_LIMIT_API_KEY: int(0).default(3_000),
  RATE_LIMIT_IP: int(0).default(300),
  /** Behind a reverse proxy: take the client IP from the first X-Forwarded-For entry. */
  TRUST_PROXY: bool.default(false),
  /** Browser origins allowed by CORS, comma-separated ("*" for any). Default: any outside production, none in it. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? undefined
        : v
            .split(",")
            .map((o) => o.trim())
            .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z.union([z.literal("*"), z.url().regex(/^https?:\/\/[^/]+$/, "an origin is scheme://host[:port], no path")]),
        )
        .optional(),
    ),
  /** Introspection, field suggestions and `_service { sdl }` for anonymous and Mini App callers. Default: off in production. */
  PUBLIC_INTROSPECTION: bool.optional(),
  /** Mini App and anonymous callers may run only persisted documents. Default: on in production. */
  TRUSTED_DOCUMENTS: z
    .enum(["on", "off", "true", "false"])
    .transform((v) => v === "on" || v === "true")
    .optional(),
  /** The persisted documents (codegen writes them): {"sha256:<hash>": "<document>"}. */
  PERSISTED_DOCUMENTS_PATH: z.string().min(1).default("generated/graphql/persisted-documents.json"),
  // ---- OpenTelemetry tracing (README "Operations"). Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  /** OTLP/HTTP collector base URL; spans go to `<endpoint>/v1/traces`. Set: tracing is on. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** Headers for the collector, `key=value` pairs separated by commas (an auth token, say). */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const headers: Record<string, string> = {};
      for (const pair of (v ?? "").split(",").filter((p) => p.trim())) {
        const at = pair.indexOf("=");
        if (at <= 0) {
          ctx.addIssue({ code: "custom", message: "must be key=value pairs separated by commas" });
          return z.NEVER;
        }
        headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
      }
      return headers;
    }),
  /** `service.name` of the spans. */
  OTEL_SERVICE_NAME: z.string().min(1).default("loyalty-gateway"),
  /** Share of new traces sampled (a caller's sampled `traceparent` is always followed), 0 to 1. */
  OTEL_TRACES_SAMPLER_RATIO: z.coerce.number().min(0).max(1).default(1),
  /** A span per resolver too; they carry the field's arguments (phones), so off unless asked. */
  OTEL_TRACE_RESOLVERS: bool.default(false),
  /** Crash test only: `<point>:<n>` kills the process the n-th time it reaches that point. */
  CRASH_AT: z
    .string()
    .regex(new RegExp(`^(${CRASH_POINTS.join("|")}):\\d+$`), `<point>:<n>, the point one of ${CRASH_POINTS.join(", ")}`)
    .optional()
    .transform((v) => (v ? { point: v.split(":")[0] as CrashPoint, nth: Number(v.split(":")[1]) } : null)),
});

/** Every key the gateway reads; a test checks that .env.example documents each one. */
export const ENV_KEYS = Object.keys(envSchema.shape);

/** Each key's value when it is unset (undefined: none, or one that depends on other keys). */
export function envDefaults(): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(envSchema.shape).map(([key, schema]) => {
      const parsed = (schema as z.ZodType).safeParse(undefined);
      return [key, parsed.success ? parsed.data : undefined];
    }),
  );
}

type ParsedEnv = z.infer<typeof envSchema>;
type Resolved = "PUBLIC_INTROSPECTION" | "TRUSTED_DOCUMENTS" | "CORS_ORIGINS";
/** The parsed environment with the production-dependent defaults resolved. */
export type Env = Omit<ParsedEnv, Resolved> & {
  demo: boolean;
  PUBLIC_INTROSPECTION: boolean;
  TRUSTED_DOCUMENTS: boolean;
  /** Empty: no CORS headers at all, so browsers on other origins cannot read answers. */
  CORS_ORIGINS: string[];
};

/** The rules that depend on NODE_ENV and on other keys, each as `KEY: why`. */
function crossKeyIssues(env: ParsedEnv): string[] {
  const production = env.NODE_ENV === "production";
  const demo = !env.SHOPS_CONFIG;
  return [
    // Demo mode (in-process simulators, the development key, /__sim) never runs in production.
    ...(demo && production
      ? ["SHOPS_CONFIG: required in production (without it the gateway would start in demo mode)"]
      : []),
    ...(production && env.CRASH_AT ? ["CRASH_AT: not allowed in production"] : []),
    ...(!demo && production && !env.TELEGRAM_BOT_TOKEN ? ["TELEGRAM_BOT_TOKEN: required in production"] : []),
  ];
}

/** Every problem of the environment at once, each as `KEY: why` (src/config/check.ts gathers them all). */
export function envIssues(source: Record<string, string | undefined>): string[] {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) return formatIssues(parsed.error.issues).split("\n");
  return crossKeyIssues(parsed.data);
}

export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new ConfigError(`Invalid environment:\n${formatIssues(parsed.error.issues)}`);
  const env = parsed.data;
  const issues = crossKeyIssues(env);
  if (issues.length) throw new ConfigError(`Invalid environment:\n${issues.join("\n")}`);
  const demo = !env.SHOPS_CONFIG;
  const production = env.NODE_ENV === "production";
  return {
    ...env,
    demo,
    PUBLIC_INTROSPECTION: env.PUBLIC_INTROSPECTION ?? !production,
    TRUSTED_DOCUMENTS: env.TRUSTED_DOCUMENTS ?? production,
    CORS_ORIGINS: env.CORS_ORIGINS ?? (production ? [] : ["*"]),
  };
}
