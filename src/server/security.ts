import type { Env } from "../config/env.ts";

/** Every limit and access rule of the HTTP and GraphQL edge, from env.ts (README "Security"). */
export interface SecuritySettings {
  production: boolean;
  maxBodyBytes: number;
  maxUrlBytes: number;
  maxTokens: number;
  maxNesting: number;
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  costMax: number;
  costVendorField: number;
  costVendorNestedField: number;
  costFields: Record<string, number>;
  parseCacheMaxBytes: number;
  maxEntities: number;
  requestTimeoutMs: number;
  maxSubscriptionsPerViewer: number;
  rateLimit: { windowSeconds: number; telegramUser: number; apiKey: number; ip: number };
  trustProxy: boolean;
  corsOrigins: string[];
  publicIntrospection: boolean;
  trustedDocuments: boolean;
  persistedDocumentsPath: string;
  /** Shared rate-limit counters when set; otherwise they are per process. */
  redisUrl?: string;
  redisPrefix: string;
}

export function securitySettings(env: Env): SecuritySettings {
  return {
    production: env.NODE_ENV === "production",
    maxBodyBytes: env.MAX_BODY_BYTES,
    maxUrlBytes: env.MAX_URL_BYTES,
    maxTokens: env.MAX_TOKENS,
    maxNesting: env.MAX_NESTING,
    maxDepth: env.MAX_DEPTH,
    maxAliases: env.MAX_ALIASES,
    maxDirectives: env.MAX_DIRECTIVES,
    costMax: env.COST_MAX,
    costVendorField: env.COST_VENDOR_FIELD,
    costVendorNestedField: env.COST_VENDOR_NESTED_FIELD,
    costFields: env.COST_FIELDS,
    parseCacheMaxBytes: env.PARSE_CACHE_MAX_BYTES,
    maxEntities: env.MAX_ENTITIES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    maxSubscriptionsPerViewer: env.MAX_SUBSCRIPTIONS_PER_VIEWER,
    rateLimit: {
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      telegramUser: env.RATE_LIMIT_TELEGRAM_USER,
      apiKey: env.RATE_LIMIT_API_KEY,
      ip: env.RATE_LIMIT_IP,
    },
    trustProxy: env.TRUST_PROXY,
    corsOrigins: env.CORS_ORIGINS,
    publicIntrospection: env.PUBLIC_INTROSPECTION,
    trustedDocuments: env.TRUSTED_DOCUMENTS,
    persistedDocumentsPath: env.PERSISTED_DOCUMENTS_PATH,
    redisUrl: env.REDIS_URL,
    redisPrefix: `${env.CACHE_PREFIX}rl:`,
  };
}
