import { createGraphQLError, createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import type { GraphQLSchema } from "graphql";
import type { ApiKeyRing } from "./auth/api-keys.ts";
import type { InitDataVerifier } from "./auth/telegram-init-data.ts";
import { resolveViewer } from "./auth/viewer.ts";
import { AccessError } from "./domain/errors.ts";
import { createRequestScope } from "./domain/request-scope.ts";
import type { GraphQLContext, Services } from "./graphql/context.ts";
import { schema as defaultSchema } from "./graphql/index.ts";
import { useAccessLog } from "./server/access-log.ts";
import { maskError, useUnexpectedErrorLog } from "./server/error-masking.ts";
import { useHealth } from "./server/health.ts";
import type { Logger } from "./server/logger.ts";
import { requestIdOf, useRequestId } from "./server/request-id.ts";

export interface YogaDeps {
  services: Services;
  logger: Logger;
  auth: { initData: InitDataVerifier; apiKeys: ApiKeyRing };
  ready: () => Promise<void>;
  /** false, or GraphiQL's settings (demo mode pre-fills the development key). */
  graphiql: false | { headers?: Record<string, string>; defaultQuery?: string };
  /** Extra plugins, such as the webhook endpoint. */
  plugins?: Plugin[];
  schema?: GraphQLSchema;
}

export type GatewayYoga = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

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

export function createGatewayYoga(deps: YogaDeps): GatewayYoga {
  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema: deps.schema ?? defaultSchema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: deps.graphiql && {
      title: "loyalty-gateway",
      headers: deps.graphiql.headers ? JSON.stringify(deps.graphiql.headers) : undefined,
      defaultQuery: deps.graphiql.defaultQuery,
    },
    renderGraphiQL: renderLocalGraphiQL,
    logging: deps.logger,
    maskedErrors: { maskError },
    plugins: [
      useRequestId(),
      useAccessLog(deps.logger),
      useHealth(deps.ready, deps.logger),
      useUnexpectedErrorLog(),
      ...(deps.plugins ?? []),
    ],
    context: ({ request }) => {
      const requestId = requestIdOf(request);
      let viewer;
      try {
        viewer = resolveViewer(request.headers.get("authorization"), deps.auth);
      } catch (error) {
        if (!(error instanceof AccessError)) throw error;
        throw createGraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
      }
      return {
        requestId,
        logger: deps.logger.child({ requestId }),
        scope: createRequestScope(viewer),
        services: deps.services,
      };
    },
  });
}
