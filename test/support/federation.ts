import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { composeServices } from "@apollo/composition";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import { parse } from "graphql";
import { createYoga } from "graphql-yoga";

/** Listens on a free loopback port; `close` also drops kept-alive connections. */
export async function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface RecordedRequest {
  authorization: string | undefined;
  body: { query?: string; variables?: Record<string, unknown> };
}

/**
 * Serves a fetch handler (our gateway's `yoga.fetch`) on a real port, keeping every request it gets,
 * so a test can count what a router sent to the subgraph and with which headers.
 */
export async function serveRecorded(handler: (request: Request) => Response | Promise<Response>) {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const headers = flatHeaders(req.headers);
    if (req.method === "POST") requests.push({ authorization: headers.authorization, body: JSON.parse(raw || "{}") });
    const answer = await handler(
      new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        ...(req.method === "POST" ? { body: raw } : {}),
      }),
    );
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  return { ...(await listen(server)), requests };
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, Array.isArray(v) ? v.join(", ") : v]])),
  );
}

/** What the CRM subgraph knows; a test fills it in once it has our customers' and orders' ids. */
export interface CrmData {
  notes: Map<string, string>;
  photos: Map<string, string>;
  tasks: Array<{ id: string; title: string; customerId: string | null; orderId: string | null }>;
  audience: string[];
}

const CRM_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Customer @key(fields: "id") {
    id: ID!
    crmNote: String
  }

  type Order @key(fields: "id") {
    id: ID!
    deliveryPhotoUrl: String
  }

  type CrmTask {
    id: ID!
    title: String!
    customer: Customer
    order: Order
  }

  type Query {
    crmTasks: [CrmTask!]!
    "The customers of a mailing: one entry per recipient, duplicates kept."
    crmAudience: [Customer!]!
  }
`;

/** A subgraph built with @apollo/subgraph and served by graphql-yoga; it keeps the Authorization it got. */
export async function startSubgraph(sdl: string, resolvers: GraphQLResolverMap<unknown>) {
  const authorizations: Array<string | null> = [];
  const yoga = createYoga({
    schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers }),
    logging: false,
    context: ({ request }) => {
      authorizations.push(request.headers.get("authorization"));
      return {};
    },
  });
  return { ...(await listen(createServer(yoga))), authorizations, sdl };
}

type Task = CrmData["tasks"][number];

/** A second, small subgraph that extends our Customer and Order, and refers back to them. */
export function startCrmSubgraph(data: CrmData) {
  return startSubgraph(CRM_SDL, {
    Query: {
      crmTasks: () => data.tasks,
      crmAudience: () => data.audience.map((id) => ({ id })),
    },
    CrmTask: {
      customer: (task: Task) => (task.customerId === null ? null : { id: task.customerId }),
      order: (task: Task) => (task.orderId === null ? null : { id: task.orderId }),
    },
    Customer: {
      __resolveReference: (ref: { id: string }) => ref,
      crmNote: (c: { id: string }) => data.notes.get(c.id) ?? null,
    },
    Order: {
      __resolveReference: (ref: { id: string }) => ref,
      deliveryPhotoUrl: (o: { id: string }) => data.photos.get(o.id) ?? null,
    },
  });
}

/** Composes the subgraphs with @apollo/composition; composition errors fail the caller, all of them. */
export function compose(subgraphs: Array<{ name: string; url: string; sdl: string }>): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join("\n")}`);
  return result.supergraphSdl;
}

/**
 * Hive Gateway serving the supergraph: the caller's Authorization goes to our subgraph only, so a
 * service's API key or a Mini App's initData never reaches another team's subgraph.
 */
export async function startRouter(supergraph: string, authorizedSubgraph: string) {
  const router = createGatewayRuntime({
    supergraph,
    logging: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === authorizedSubgraph ? { authorization: request.headers.get("authorization") } : {},
    },
  });
  const http = await listen(createServer(router));
  return {
    url: http.url,
    close: async () => {
      await http.close();
      await router.dispose();
    },
  };
}
