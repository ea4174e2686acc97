/**
 * The reference the gateway is measured against: a bare graphql-yoga whose only resolver makes the
 * vendor calls of a customer lookup over one keep-alive `node:http` agent, with no limits, no auth,
 * no cache, no metrics; and an `orderStatusChanged` subscription that sends one event and then waits,
 * the floor of what an SSE stream costs in Yoga. It prints `{"url": ...}` once listening.
 *
 *   REF_VENDOR=bonusplus|rkeeper REF_BASE=http://127.0.0.1:port REF_AUTH=... tsx bench/reference-yoga.ts
 */
import { Agent, createServer, request } from "node:http";
import { createPubSub, createSchema, createYoga } from "graphql-yoga";

const vendor = process.env.REF_VENDOR ?? "bonusplus";
const base = new URL(process.env.REF_BASE!);
const auth = JSON.parse(process.env.REF_HEADERS ?? "{}") as Record<string, string>;
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

function call(method: "GET" | "POST", path: string, body?: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: base.pathname.replace(/\/$/, "") + path,
        agent,
        headers: { accept: "application/json", ...auth, ...(payload ? { "content-type": "application/json" } : {}) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => (res.statusCode! < 300 ? resolve(JSON.parse(text)) : reject(new Error(text))));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const lookups: Record<string, (phone: string) => Promise<{ id: string; balance: number; tier: string | null }>> = {
  bonusplus: async (phone) => {
    const c = await call("GET", `/customer?phone=${phone.replace(/^\+/, "")}`);
    return {
      id: String(c.id ?? phone),
      balance: Math.round(Number(c.availableBonuses ?? 0)),
      tier: c.discountCardName ?? null,
    };
  },
  rkeeper: async (phone) => {
    const guest = { type: "phone", phone };
    const organization = { type: "rkObjectId", id: "4174244" };
    const [found, calc] = await Promise.all([
      call("POST", "/guests/get", { guest, organization }),
      call("POST", "/orders/calculate", {
        order: { openedAt: new Date().toISOString(), items: [] },
        organization,
        guest,
      }),
    ]);
    return {
      id: String(found.guest?.id ?? phone),
      balance: Number(calc.guest?.balance ?? calc.balance ?? 0),
      tier: null,
    };
  },
};

/** Never published to: the reference's streams only hold, for the memory an open SSE stream costs. */
const idle = createPubSub<{ status: [string, { id: string; status: string }] }>();
let streams = 0;

const yoga = createYoga({
  graphiql: false,
  logging: false,
  schema: createSchema({
    typeDefs: /* GraphQL */ `
      type Customer {
        id: ID!
        balance: Int!
        tier: String
      }
      type Query {
        customer(phone: String!): Customer
      }
      type Order {
        id: ID!
        status: String!
      }
      type Subscription {
        orderStatusChanged(orderId: ID!): Order!
      }
    `,
    resolvers: {
      Query: { customer: (_: unknown, args: { phone: string }) => lookups[vendor]!(args.phone) },
      Subscription: {
        orderStatusChanged: {
          subscribe: async function* (_: unknown, args: { orderId: string }) {
            yield { id: args.orderId, status: "PLACED" };
            // A topic of its own: a hundred listeners on one EventTarget type would only warn.
            yield* idle.subscribe("status", `${args.orderId}:${++streams}`);
          },
          resolve: (order: unknown) => order,
        },
      },
    },
  }),
});
const server = createServer(yoga);
server.keepAliveTimeout = 60_000;
// The same accept queue as the gateway (LISTEN_BACKLOG), so that both hold the same SSE connect burst.
server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, () => {
  const address = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}/graphql` })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
