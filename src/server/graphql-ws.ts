import type { Server } from "node:http";
import type { ExecutionArgs } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { GatewayYoga } from "../yoga.ts";

type EnvelopedArgs = ExecutionArgs & {
  rootValue: { execute: (a: ExecutionArgs) => unknown; subscribe: (a: ExecutionArgs) => unknown };
};

/**
 * GraphQL over WebSocket (graphql-ws) on the same path as HTTP, running through Yoga's envelope, so
 * auth, context, error masking and the schema are the ones queries use. The Authorization value comes
 * from `connectionParams.authorization` (browsers cannot set headers on a WebSocket) or the upgrade
 * request's header.
 */
export function attachGraphQLWs(server: Server, yoga: GatewayYoga): { close(): Promise<void> } {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const disposable = useServer<Record<string, unknown>>(
    {
      execute: (args) => (args as EnvelopedArgs).rootValue.execute(args) as never,
      subscribe: (args) => (args as EnvelopedArgs).rootValue.subscribe(args) as never,
      onSubscribe: async (ctx, _id, payload) => {
        const auth =
          (ctx.connectionParams?.authorization as string | undefined) ?? ctx.extra.request.headers.authorization;
        const request = new Request(`http://localhost${yoga.graphqlEndpoint}`, {
          headers: auth ? { authorization: auth } : {},
        });
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          request,
          params: payload,
        });
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length) return errors;
        try {
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
          return [error as never];
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
