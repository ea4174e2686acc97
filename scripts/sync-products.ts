/**
 * `npm run sync:products -- --shop <id> [--batch-size 10] [--force] [--url http://localhost:4000/graphql] [--key <api key>]`
 * (`--force` sends every product again, for a provider that lost them.)
 *
 * Exports a shop's catalog to its loyalty providers through the running gateway (service mutation
 * `syncProducts`, scope catalog:sync), drawing a progress bar from the `productSyncProgress`
 * subscription (SSE). The key defaults to GATEWAY_API_KEY, then to the demo key.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    shop: { type: "string" },
    "batch-size": { type: "string", default: "10" },
    force: { type: "boolean", default: false },
    url: { type: "string", default: process.env.GATEWAY_URL ?? "http://localhost:4000/graphql" },
    key: { type: "string", default: process.env.GATEWAY_API_KEY ?? "demo-dev-key-0000000000" },
  },
});
if (!values.shop) {
  console.error("usage: npm run sync:products -- --shop <shop id> [--batch-size 10] [--url …/graphql] [--key …]");
  process.exit(2);
}

const FIELDS = "phase providerId total changed sent batch batches";
const headers = { "content-type": "application/json", authorization: `Bearer ${values.key}` };
type Progress = {
  phase: string;
  providerId: string;
  total: number;
  changed: number;
  sent: number;
  batch: number;
  batches: number;
};

function bar(p: Progress): string {
  const width = 30;
  const filled = p.changed === 0 ? width : Math.round((p.sent / p.changed) * width);
  return `${p.providerId.padEnd(18)} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.sent}/${p.changed} sent · ${p.total - p.changed} unchanged · batch ${p.batch}/${p.batches}`;
}

let finished = () => {};
const allDone = new Promise<void>((resolve) => (finished = resolve));
const draw = (p: Progress) => {
  if (p.phase === "DONE") finished();
  // The last batch already drew the full bar; a run with nothing to send draws it once here.
  if (p.phase === "DONE" && p.batches > 0) return;
  if (process.stdout.isTTY) process.stdout.write(`\r${bar(p)}${p.phase === "DONE" ? "\n" : ""}`);
  else console.log(bar(p));
};

async function listen(signal: AbortSignal, onReady: () => void): Promise<void> {
  const res = await fetch(values.url, {
    method: "POST",
    headers: { ...headers, accept: "text/event-stream" },
    body: JSON.stringify({
      query: `subscription P($s: ID!) { productSyncProgress(shopId: $s) { ${FIELDS} } }`,
      variables: { s: values.shop },
    }),
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`subscription refused: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = res.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = event
        .split("\n")
        .find((l) => l.startsWith("data:"))
        ?.slice(5)
        .trim();
      if (!data) continue;
      const p = (JSON.parse(data) as { data?: { productSyncProgress?: Progress }; errors?: unknown }).data
        ?.productSyncProgress;
      if (!p) throw new Error(`subscription error: ${data}`);
      if (p.phase === "LISTENING") onReady();
      else draw(p);
    }
  }
}

const stop = new AbortController();
let ready!: () => void;
const listening = new Promise<void>((resolve) => (ready = resolve));
const stream = listen(stop.signal, ready).catch((error: unknown) => {
  if (!stop.signal.aborted) console.error(`progress unavailable: ${(error as Error).message}`);
  ready();
});
await Promise.race([listening, new Promise((r) => setTimeout(r, 3000))]);

const res = await fetch(values.url, {
  method: "POST",
  headers,
  body: JSON.stringify({
    query: `mutation S($s: ID!, $b: Int, $f: Boolean, $k: String!) { syncProducts(shopId: $s, batchSize: $b, force: $f, idempotencyKey: $k) {
      __typename ... on MutationSyncProductsSuccess { data { ${FIELDS} } } ... on Error { code message } } }`,
    variables: { s: values.shop, b: Number(values["batch-size"]), f: values.force, k: `cli-${randomUUID()}` },
  }),
});
const body = (await res.json()) as {
  data?: { syncProducts: { __typename: string; data?: Progress[]; code?: string; message?: string } };
  errors?: Array<{ message: string }>;
};
// The last batch's event may trail the mutation's answer a little.
if (body.data?.syncProducts.data) await Promise.race([allDone, new Promise((r) => setTimeout(r, 1000))]);
stop.abort();
await stream;
const result = body.data?.syncProducts;
if (!result?.data) {
  console.error(`sync failed: ${result?.code ?? ""} ${result?.message ?? JSON.stringify(body.errors ?? body)}`);
  process.exit(1);
}
for (const p of result.data)
  console.log(
    `done: ${p.providerId}: ${p.sent} sent in ${p.batches} batches, ${p.total - p.changed} of ${p.total} unchanged`,
  );
