import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { rssMb, rssSampler } from "../kit/proc.ts";
import { table, verdict } from "../kit/table.ts";
import { SERVICE_KEY } from "./queries.ts";
import { orderInput, serviceClient } from "./checkout.ts";

const SUBSCRIBE = `subscription ($id: ID!) { orderStatusChanged(orderId: $id) { id status } }`;

interface Subscriber {
  order: string;
  ready: boolean;
  readyAt: number;
  changedAt: number | null;
  close(): void;
}

/** One SSE subscriber on its own connection; `data:` lines are read as they come. */
function subscribe(base: URL, order: string, onReady: () => void): Subscriber {
  const sub: Subscriber = { order, ready: false, readyAt: 0, changedAt: null, close: () => req.destroy() };
  const path = `/graphql?query=${encodeURIComponent(SUBSCRIBE)}&variables=${encodeURIComponent(JSON.stringify({ id: order }))}`;
  const req = request(
    {
      host: base.hostname,
      port: base.port,
      path,
      agent: false,
      headers: { accept: "text/event-stream", authorization: `Bearer ${SERVICE_KEY}` },
    },
    (res) => {
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        let i: number;
        while ((i = buffer.indexOf("\n\n")) >= 0) {
          const event = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = /^data: (.*)$/m.exec(event)?.[1];
          if (!data) continue;
          const status = JSON.parse(data).data?.orderStatusChanged?.status;
          if (!sub.ready) {
            sub.ready = true;
            sub.readyAt = performance.now();
            onReady();
          } else if (status === "READY" && sub.changedAt === null) sub.changedAt = performance.now();
        }
      });
    },
  );
  req.on("error", () => {});
  req.end();
  return sub;
}

/**
 * `n` subscribers over the orders, opened with at most BENCH_SSE_OPENING (500) waiting for their first
 * event at a time, so that the accept queue never overflows (a dropped handshake would hang its
 * client for minutes, on a slow machine several hundred of them); then waited for: until every one has its
 * first event or 180 s have passed, and a second more for the memory to settle.
 */
async function openStreams(url: string, n: number, orders: string[]) {
  const base = new URL(url);
  const opening = Number(process.env.BENCH_SSE_OPENING ?? 500);
  let ready = 0;
  let wake: (() => void) | null = null;
  const subs: Subscriber[] = [];
  const started = performance.now();
  const deadline = Date.now() + 180_000;
  const onReady = () => {
    ready += 1;
    wake?.();
  };
  for (let i = 0; i < n; i++) {
    // A stream that never answers would hold its place: the wait ends at the deadline all the same.
    while (subs.length - ready >= opening && Date.now() < deadline)
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 1000);
      });
    subs.push(subscribe(base, orders[i % orders.length]!, onReady));
  }
  while (ready < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const connectSeconds = ((performance.now() - started) / 1000).toFixed(1);
  await new Promise((r) => setTimeout(r, 1000));
  return { subs, ready, connectSeconds };
}

/**
 * The same streams held open on the bare-yoga reference, for what an SSE stream costs in Yoga itself:
 * RSS before and after `n` streams, in KB per stream.
 */
async function referenceStreams(url: string, pid: number, n: number, orders: string[]) {
  const before = rssMb(pid);
  const { subs, ready } = await openStreams(url, n, orders);
  const held = rssMb(pid);
  for (const s of subs) s.close();
  return { ready, before, held, kbPerStream: ((held - before) * 1024) / Math.max(1, ready) };
}

export async function sseScenario(ctx: {
  gatewayUrl: string;
  pid: number;
  posiflora: string;
  pollSeconds: number;
  /** The bare-yoga reference, measured after the gateway with the same number of streams. */
  reference?: { url: string; pid: number };
}) {
  const subscribers = Number(process.env.BENCH_SSE_SUBSCRIBERS ?? 10_000);
  const orderCount = Math.min(100, subscribers);
  const client = serviceClient(ctx.gatewayUrl, 16);
  const orders: string[] = [];
  for (let i = 0; i < orderCount; i++) {
    const created = await client.run(
      `mutation ($input: CreateOrderInput!, $key: String!) { createOrder(input: $input, idempotencyKey: $key) { __typename ... on MutationCreateOrderSuccess { data { id } } } }`,
      { input: orderInput("demo-bonusplus", "+79007654321"), key: randomUUID() },
    );
    const id = created.data.id as string;
    await client.run(
      `mutation ($id: ID!, $key: String!) { confirmOrder(orderId: $id, idempotencyKey: $key) { __typename } }`,
      { id, key: randomUUID() },
    );
    orders.push(id);
  }
  await client.close();

  const rss0 = rssMb(ctx.pid);
  const peak = rssSampler(ctx.pid);
  const { subs, ready, connectSeconds } = await openStreams(ctx.gatewayUrl, subscribers, orders);
  const rssHeld = rssMb(ctx.pid);
  const connectPeak = peak.peak;
  peak.mark();

  // The storm: every order moves at once in Posiflora; the gateway's status poll finds them.
  const movedAt = new Map<string, number>();
  await Promise.all(
    orders.map(async (id) => {
      const res = await fetch(`${ctx.posiflora}/__sim/orders/${id}/status`, {
        method: "POST",
        body: JSON.stringify({ status: "assembled" }),
      });
      if (!res.ok) throw new Error(`posiflora control: ${res.status}`);
      movedAt.set(id, performance.now());
    }),
  );
  const until = Date.now() + 15_000;
  while (subs.some((s) => s.ready && s.changedAt === null) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  peak.stop();
  const latencies = subs
    .filter((s) => s.changedAt !== null)
    .map((s) => s.changedAt! - movedAt.get(s.order)!)
    .sort((a, b) => a - b);
  const missed = subs.filter((s) => s.ready && s.changedAt === null).length;
  for (const s of subs) s.close();
  const pct = (p: number) => (latencies.length ? latencies[Math.floor((latencies.length - 1) * p)]! : NaN);
  const gatewayKb = ((rssHeld - rss0) * 1024) / Math.max(1, ready);
  await new Promise((r) => setTimeout(r, 2000)); // the closed streams' sockets go before the next count
  const ref = ctx.reference ? await referenceStreams(ctx.reference.url, ctx.reference.pid, subscribers, orders) : null;
  const limit = ctx.pollSeconds * 1000 + 100;
  return {
    report: [
      `### ${subscribers} SSE subscribers, ${orderCount} orders moved at once (status poll every ${ctx.pollSeconds} s)`,
      "",
      table(
        [
          "subscribed",
          "connect time",
          "RSS before / held / peak",
          "change → first subscriber",
          "p50",
          "p99",
          "max",
          "missed",
        ],
        [
          [
            `${ready}/${subscribers}`,
            `${connectSeconds} s`,
            `${rss0} / ${rssHeld} / ${peak.peak} MB (${connectPeak}, ${peak.peakSinceMark})`,
            `${pct(0).toFixed(0)} ms`,
            `${pct(0.5).toFixed(0)} ms`,
            `${pct(0.99).toFixed(0)} ms`,
            `${pct(1).toFixed(0)} ms`,
            missed,
          ],
        ],
      ),
      "",
      table(
        ["", "streams held", "RSS before / held", "per stream"],
        [
          ["gateway", `${ready}/${subscribers}`, `${rss0} / ${rssHeld} MB`, `${gatewayKb.toFixed(1)} KB`],
          ...(ref
            ? [
                [
                  "bare graphql-yoga",
                  `${ref.ready}/${subscribers}`,
                  `${ref.before} / ${ref.held} MB`,
                  `${ref.kbPerStream.toFixed(1)} KB`,
                ],
              ]
            : []),
        ],
      ),
    ].join("\n"),
    budget: [
      [
        `${subscribers} SSE subscribers held under 500 MB RSS`,
        `${ready} held, peak ${peak.peak} MB`,
        verdict(ready === subscribers && peak.peak < 500),
      ],
      [
        `status change → subscriber p99 ≤ poll + 100 ms`,
        `${pct(0.99).toFixed(0)} ms (limit ${limit}), ${missed} missed`,
        verdict(pct(0.99) <= limit && missed === 0),
      ],
    ] as Array<[string, string, string]>,
  };
}
