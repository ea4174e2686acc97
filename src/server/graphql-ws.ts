import type { Server } from "node:http";
import { type DocumentNode, type ExecutionArgs, GraphQLError, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { edgeOf, type GatewayYoga } from "../yoga.ts";
import { setClientIp } from "./client-ip.ts";
import { trustedDocumentFor } from "./trusted-documents.ts";

/** What Yoga's envelope hands over, typed as graphql-js's own functions (envelop leaves them untyped). */
interface Enveloped {
  schema: GraphQLSchema;
  execute: (a: ExecutionArgs) => unknown;
  subscribe: (a: ExecutionArgs) => unknown;
  contextFactory: () => Promise<Record<string, unknown>>;
  parse: (source: string) => DocumentNode;
  validate: (schema: GraphQLSchema, document: DocumentNode) => readonly GraphQLError[];
}

type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (a: ExecutionArgs) => unknown; subscribe: (a: ExecutionArgs) => unknown };
};

/**
 * GraphQL over WebSocket (graphql-ws) on the same path as HTTP, running through Yoga's envelope, so
 * auth, context, error masking, the document limits, the subscription cap and the schema are the ones
 * queries use. The Authorization value comes from `connectionParams.authorization` (browsers cannot set
 * headers on a WebSocket) or the upgrade request's header. What Yoga's HTTP hooks do is done here: the
 * message size limit (MAX_BODY_BYTES), the client IP, a 401 for a bad credential, and trusted documents.
 */
export function attachGraphQLWs(server: Server, yoga: GatewayYoga): { close(): Promise<void> } {
  const edge = edgeOf(yoga);
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: edge.security.maxBodyBytes });
  const disposable = useServer<Record<string, unknown>>(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const auth = ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization;
        const request = new Request(`http://localhost${yoga.graphqlEndpoint}`, {
          headers: typeof auth === "string" && auth ? { authorization: auth } : {},
        });
        const socketIp = ctx.extra.request.socket.remoteAddress ?? null;
        const forwarded = String(ctx.extra.request.headers["x-forwarded-for"] ?? "")
          .split(",")[0]
          ?.trim();
        setClientIp(request, edge.security.trustProxy && forwarded ? forwarded : socketIp);
        try {
          const viewer = edge.viewers.of(request);
          const query = trustedDocumentFor(payload, {
            documents: edge.documents,
            enforce: edge.security.trustedDocuments,
            isService: viewer.kind === "service",
          });
          const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            request,
            params: { ...payload, query },
          }) as Enveloped;
          const document = parse(query);
          const errors = validate(schema, document);
          if (errors.length) return errors;
          const contextValue = await contextFactory();
          return {
            schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue,
            rootValue: { execute, subscribe },
          };
        } catch (error) {
          // A GraphQL error (401, a refused document) goes to the client; anything else is masked.
          if (error instanceof Error && error.name === "GraphQLError") return [error as never];
          return [new GraphQLError("Unexpected error.")];
        }
      },
    },
    wss,
  );
  return {
    close: async () => {
      await disposable.dispose();
      wss.close();
    },
  };
}
