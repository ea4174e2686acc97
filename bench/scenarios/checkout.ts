import { randomUUID } from "node:crypto";
import { Pool } from "undici";
import { cpuMicros } from "../kit/proc.ts";
import { table } from "../kit/table.ts";
import { SERVICE_KEY, tenLines } from "./queries.ts";

const CREATE = `mutation ($input: CreateOrderInput!, $key: String!) { createOrder(input: $input, idempotencyKey: $key) { __typename ... on MutationCreateOrderSuccess { data { id } } ... on Error { message } } }`;
const APPLY = `mutation ($id: ID!, $key: String!) { applyBonuses(orderId: $id, points: 5, idempotencyKey: $key) { __typename ... on Error { message } } }`;
const CONFIRM = `mutation ($id: ID!, $key: String!) { confirmOrder(orderId: $id, idempotencyKey: $key) { __typename ... on Error { message } } }`;
const CANCEL = `mutation ($id: ID!, $key: String!) { cancelOrder(orderId: $id, reason: "bench", idempotencyKey: $key) { __typename ... on Error { message } } }`;

/** A GraphQL client on a keep-alive pool, as a service with orders:write. */
export function serviceClient(gatewayUrl: string, connections = 64) {
  const pool = new Pool(gatewayUrl, { connections });
  const run = async (query: string, variables: Record<string, unknown>) => {
    const res = await pool.request({
      path: "/graphql",
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${SERVICE_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.body.json()) as { data?: Record<string, any>; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return Object.values(body.data ?? {})[0] as { __typename: string; data?: any; message?: string };
  };
  return { run, close: () => pool.close() };
}

export function orderInput(shopId: string, phone: string) {
  return {
    shopId,
    phone,
    lines: tenLines().slice(0, 3),
    fulfilment: { kind: "PICKUP", storeId: "store-1" },
    contact: { name: "Bench", phone },
  };
}

/** create → apply → confirm, timed; then a cancel (not timed) gives the points back so the balance lasts. */
export async function checkoutScenario(ctx: {
  gatewayUrl: string;
  pid: number;
  seconds: number;
  vendorCalls: () => Promise<number>;
}): Promise<string> {
  const client = serviceClient(ctx.gatewayUrl);
  const concurrency = 10;
  const times: number[] = [];
  let failures = 0;
  let firstFailure = "";
  const calls0 = await ctx.vendorCalls();
  const cpu0 = cpuMicros(ctx.pid);
  const end = Date.now() + ctx.seconds * 1000;
  const must = (r: { __typename: string; data?: any; message?: string }) => {
    if (!r.__typename.endsWith("Success")) throw new Error(`${r.__typename}: ${r.message}`);
    return r;
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          const created = must(
            await client.run(CREATE, { input: orderInput("demo-bonusplus", "+79001234567"), key: randomUUID() }),
          );
          const id = created.data.id as string;
          must(await client.run(APPLY, { id, key: randomUUID() }));
          must(await client.run(CONFIRM, { id, key: randomUUID() }));
          times.push(performance.now() - t0);
          must(await client.run(CANCEL, { id, key: randomUUID() }));
        } catch (error) {
          failures += 1;
          firstFailure ||= String(error).slice(0, 300);
        }
      }
    }),
  );
  const cpu = cpuMicros(ctx.pid) - cpu0;
  const calls = (await ctx.vendorCalls()) - calls0;
  await client.close();
  times.sort((a, b) => a - b);
  const pct = (p: number) => (times.length ? times[Math.floor((times.length - 1) * p)]!.toFixed(1) : "—");
  const n = Math.max(1, times.length);
  return [
    `### Checkout: createOrder → applyBonuses → confirmOrder (BonusPlus + Posiflora, ${concurrency} at a time)`,
    "",
    table(
      [
        "checkouts/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "CPU µs/checkout (cancel included)",
        "vendor calls/checkout (cancel included)",
        "failed",
      ],
      [
        [
          Math.round(times.length / ctx.seconds),
          pct(0.5),
          pct(0.95),
          pct(0.99),
          Math.round(cpu / n),
          (calls / n).toFixed(1),
          failures,
        ],
      ],
    ),
    firstFailure ? `\nFirst failure: ${firstFailure}` : "",
  ].join("\n");
}
