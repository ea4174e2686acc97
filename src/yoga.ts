import { createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { GraphQLSchema } from "graphql";
import type { ApiKeyRing } from "./auth/api-keys.ts";
import type { InitDataVerifier } from "./auth/telegram-init-data.ts";
import { createRequestScope } from "./domain/request-scope.ts";
import type { GraphQLContext, Services } from "./graphql/context.ts";
import { schema as defaultSchema } from "./graphql/index.ts";
import { guardFederationEntities, type VendorGuardContext } from "./graphql/vendor-guard.ts";
import { useAccessLog } from "./server/access-log.ts";
import { clientIpOf, rememberClientIp } from "./server/client-ip.ts";
import { maskError, useUnexpectedErrorLog, yogaLogger } from "./server/error-masking.ts";
import { useHealth } from "./server/health.ts";
import { CSRF_HEADERS, useHttpGuards } from "./server/http-guards.ts";
import { useIntrospectionPolicy } from "./server/introspection.ts";
import { boundedParserCache, useDocumentLimits, useRequestDeadline } from "./server/limits.ts";
import type { Logger } from "./server/logger.ts";
import { type CounterStore, MemoryCounterStore, RedisCounterStore, VendorCallGuard } from "./server/rate-limit.ts";
import { requestIdOf, useRequestId } from "./server/request-id.ts";
import { RequestViewers, useRequestViewer } from "./server/request-viewer.ts";
import type { SecuritySettings } from "./server/security.ts";
import { useBodyLimit } from "./server/body-limit.ts";
import { useCompression } from "./server/compression.ts";
import { useGraphiQLOffPage } from "./server/graphiql-off.ts";
import { useSubscriptionCap } from "./server/subscription-cap.ts";
import { PersistedDocuments, useTrustedDocuments } from "./server/trusted-documents.ts";

export interface YogaDeps {
  services: Services;
  logger: Logger;
  auth: { initData: InitDataVerifier; apiKeys: ApiKeyRing };
  ready: () => Promise<void>;
  /** false, or GraphiQL's settings (demo mode pre-fills the development key). */
  graphiql: false | { headers?: Record<string, string>; defaultQuery?: string };
  /** Limits and access rules (README "Security"), from env.ts through securitySettings(). */
  security: SecuritySettings;
  /** Extra plugins, such as the webhook endpoint. */
  plugins?: Plugin[];
  schema?: GraphQLSchema;
}

export type GatewayContext = GraphQLContext & VendorGuardContext & { clientIp: string | null };
export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GatewayContext>;

/** What graphql-ws needs of the gateway's rules, which no Yoga HTTP hook applies to a WebSocket. */
export interface GatewayEdge {
  security: SecuritySettings;
  viewers: RequestViewers;
  documents: PersistedDocuments;
}
const edges = new WeakMap<object, GatewayEdge>();
export function edgeOf(yoga: GatewayYoga): GatewayEdge {
  const edge = edges.get(yoga);
  if (!edge) throw new Error("not a gateway Yoga instance");
  return edge;
}

/**
 * GraphiQL with its scripts and styles inlined, not fetched from a CDN: it works offline and behind
 * strict networks. The bundle (about 9 MB) is loaded on the first GraphiQL request, not at start-up,
 * and the page is rendered once.
 */
const graphiqlPages = new Map<string, Promise<string>>();
function renderLocalGraphiQL(
  options: Parameters<typeof import("@graphql-yoga/render-graphiql").renderGraphiQL>[0],
): Promise<string> {
  const key = JSON.stringify(options ?? {});
  let page = graphiqlPages.get(key);
  if (!page)
    graphiqlPages.set(key, (page = import("@graphql-yoga/render-graphiql").then((m) => m.renderGraphiQL(options))));
  return page;
}

/** CORS from CORS_ORIGINS: none at all (no headers, so other origins cannot read answers), any, or a list. */
function corsOption(origins: string[]) {
  if (origins.length === 0) return false as const;
  return {
    origin: origins.includes("*") ? "*" : origins,
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["authorization", "content-type", "x-request-id", ...CSRF_HEADERS],
    exposedHeaders: ["x-request-id"],
    credentials: false,
    maxAge: 600,
  };
}

export function createGatewayYoga(deps: YogaDeps): GatewayYoga {
  const { security } = deps;
  const schema = deps.schema ?? defaultSchema;
  guardFederationEntities(schema);
  const viewers = new RequestViewers(deps.auth, deps.logger);
  const documents = PersistedDocuments.load(security.persistedDocumentsPath, security.trustedDocuments);
  const counters: CounterStore = security.redisUrl
    ? new RedisCounterStore(security.redisUrl)
    : new MemoryCounterStore();
  const vendorGuard = new VendorCallGuard(
    security.rateLimit,
    security.maxEntities,
    counters,
    security.redisPrefix,
    deps.logger,
  );
  const graphqlEndpoint = "/graphql";
  const yoga = createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint,
    landingPage: false,
    graphiql: deps.graphiql && {
      title: "loyalty-gateway",
      headers: deps.graphiql.headers ? JSON.stringify(deps.graphiql.headers) : undefined,
      defaultQuery: deps.graphiql.defaultQuery,
    },
    renderGraphiQL: renderLocalGraphiQL,
    logging: yogaLogger(deps.logger),
    // isDev off everywhere: an unexpected error's text and stack go to the log, never to the caller.
    maskedErrors: { maskError, isDev: false },
    cors: corsOption(security.corsOrigins),
    // Refused before they are read in full by useBodyLimit (Content-Length first, then the bytes as they
    // stream in), which is cheaper than Yoga's own limit.
    maxRequestBodySize: false,
    // No uploads in the schema; multipart is also a CSRF vector.
    multipart: false,
    parserAndValidationCache: boundedParserCache(security.parseCacheMaxBytes),
    extraParamNames: ["documentId"],
    plugins: [
      useRequestId(),
      useCompression(),
      ...(deps.graphiql ? [] : [useGraphiQLOffPage(graphqlEndpoint)]),
      {
        onRequest: ({ request, serverContext }) => {
          rememberClientIp(request, serverContext, security.trustProxy);
        },
      },
      useAccessLog(deps.logger),
      ...useHealth(deps.ready, deps.logger),
      useHttpGuards({ graphqlEndpoint, maxUrlBytes: security.maxUrlBytes }),
      useRequestViewer(viewers),
      useTrustedDocuments({ documents, enforce: security.trustedDocuments, viewers }),
      ...useDocumentLimits(security),
      useIntrospectionPolicy({ publicIntrospection: security.publicIntrospection, viewers }),
      useRequestDeadline(security.requestTimeoutMs),
      useSubscriptionCap(security.maxSubscriptionsPerViewer),
      useUnexpectedErrorLog(),
      { onDispose: () => counters.close() },
      ...(deps.plugins ?? []),
      // Last: it wraps whichever request parser the plugins above settled on.
      useBodyLimit(security.maxBodyBytes),
    ],
    context: ({ request }): GatewayContext => {
      const requestId = requestIdOf(request);
      return {
        requestId,
        logger: deps.logger.child({ requestId }),
        scope: createRequestScope(viewers.of(request)),
        services: deps.services,
        clientIp: clientIpOf(request),
        vendorGuard,
      };
    },
  });
  edges.set(yoga, { security, viewers, documents });
  return yoga;
}
