import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import { DEMO_SHOPS, DEMO_SIMULATOR_ENV } from "../../src/config/demo.ts";
import { createGateway, type Gateway } from "../../src/gateway.ts";
import { createLogger } from "../../src/server/logger.ts";
import { inProcessFetch } from "../../src/simulators/kit/in-process-fetch.ts";
import { DEMO_ITEMS, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import type { PosifloraState } from "../../src/simulators/posiflora/state.ts";
import { createSimulators } from "../../src/simulators/registry.ts";
import { COMPLETE_ORDER, REFUND } from "../support/staff-operations.ts";

/**
 * A month in the life of the five demo shops, on the simulators' clocks (the process's Date, which the
 * caller fakes): orders across every provider and both fulfilments, abandoned and changed carts, florist
 * edits, cancellations, failed deliveries, partial and whole refunds, balance changes made in the shop,
 * vendor faults and lost answers, and gateway restarts. The simulators live outside the gateway, so a
 * restart finds the vendors' books as it left them.
 */
export interface MonthOptions {
  orders: number;
  days: number;
  seed: number;
  databaseUrl: string;
  migrate: boolean;
  /** Moves the process's clock (vi.setSystemTime). */
  setClock(at: number): void;
  /** Restarts the gateway every this many days. */
  restartEveryDays?: number;
}

export interface MonthReport {
  orders: number;
  byStatus: Record<string, number>;
  actions: Record<string, number>;
  attentionByReason: Record<string, number>;
  maxLagSeconds: number;
  endLagSeconds: number;
  rssMb: { day1: number; last: number };
  heapMb: { day1: number; last: number };
  /** RSS and heap after a full collection at the end of each day, in MB. */
  daily: Array<{ rss: number; heap: number; external: number; heapTotal: number }>;
  /** Ledger rows left for a person (NEEDS_ATTENTION), and orders still open at the end, by status. */
  ledgerNeedsAttention: number;
  openAtEnd: Record<string, number>;
  points: Record<string, { issued: number; spent: number; returned: number }>;
  shopBalanceChanges: number;
  /** Customers the Posiflora feed reported changed elsewhere (the gateway's own moves included). */
  balanceFeed: { told: number };
  faults: number;
  restarts: number;
  problems: string[];
  /** Wall-clock seconds the run took. */
  seconds: number;
}

const KEY = "soak-service-key-000000001";
const STEP_MS = 10 * 60_000;
const START = Date.UTC(2026, 11, 1, 5, 0, 0); // 08:00 in Moscow

interface Shop {
  id: string;
  provider: "posiflora" | "bonusplus" | "loyalclient" | "rkeeper" | "integrations";
  /** Orders go to Posiflora, where the florist moves them; elsewhere the shop's staff complete them. */
  florist: boolean;
  refund: "PARTIAL" | "FULL" | "NONE";
}
const SHOPS: Shop[] = [
  { id: "demo-posiflora", provider: "posiflora", florist: true, refund: "FULL" },
  { id: "demo-bonusplus", provider: "bonusplus", florist: true, refund: "PARTIAL" },
  { id: "demo-loyalclient", provider: "loyalclient", florist: false, refund: "NONE" },
  { id: "demo-rkeeper", provider: "rkeeper", florist: false, refund: "NONE" },
  { id: "demo-integrations", provider: "integrations", florist: false, refund: "FULL" },
];
/** Customers every demo programme knows, with their Integrations QR tokens. */
const KNOWN = [
  { phone: "+79001234567", qr: "qr-anna-501" },
  { phone: "+79007654321", qr: "qr-ivan-502" },
];
const BOUQUETS = DEMO_ITEMS.filter((i) => i.price >= 100_000 && i.price <= 600_000 && i.stock["store-1"] === null);

/** A full collection before a memory reading, where the process allows one. */
function collectGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

type Step = { at: number; order: number; run: () => Promise<void> };

interface SoakOrder {
  id: string;
  shopId: string;
  status: string;
  pointsHeld: number;
  pointsRedeemed: number;
  pointsEarned: number;
  updatedAt: string;
  ledger: Array<{ kind: string; points: number; state: string }>;
}

export async function runMonth(o: MonthOptions): Promise<MonthReport> {
  const began = performance.now();
  const random = rng(o.seed);
  const chance = (percent: number) => random(100) < percent;
  const sims = createSimulators();
  const books = {
    bonusplus: sims.bonusplus.handler.state,
    posiflora: sims.posiflora.handler.state,
    loyalclient: sims.loyalclient.handler.state,
    rkeeper: sims.rkeeper.handler.state,
    integrations: sims.integrations.handler.state,
  };
  const fetch = inProcessFetch(Object.fromEntries(Object.values(sims).map((s) => [s.host, s.handler])));
  const shopsFile = path.join(mkdtempSync(path.join(tmpdir(), "lg-soak-")), "shops.json");
  // The demo names each programme after its shop; a shops file keeps the two kinds of id apart.
  const shops = {
    shops: DEMO_SHOPS.shops.map((s) => ({ ...s, loyalty: s.loyalty.map((l) => ({ ...l, id: `${l.id}-loyalty` })) })),
  };
  writeFileSync(shopsFile, JSON.stringify(shops));
  const env = {
    ...DEMO_SIMULATOR_ENV,
    SHOPS_CONFIG: shopsFile,
    DATABASE_URL: o.databaseUrl,
    MIGRATE_ON_START: String(o.migrate),
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    API_KEYS: JSON.stringify([
      {
        name: "soak",
        key: KEY,
        scopes: ["customers:read", "customers:link", "orders:read", "orders:write", "orders:manage"],
      },
    ]),
    TELEGRAM_BOT_TOKEN: "123456:soak-bot-token",
    CACHE_PREFIX: `lg-soak:${randomUUID()}:`,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    // The month's clock drives the jobs: each step polls, sweeps and recovers once.
    STATUS_SYNC_SECONDS: "0",
    CHECKOUT_EXPIRY_SECONDS: "0",
    RECOVERY_INTERVAL_SECONDS: "0",
    RECOVERY_STALE_SECONDS: "0",
    CATALOG_POLL_SECONDS: "0",
    BALANCE_FEED_SECONDS: "0",
    BALANCE_READ_SECONDS: "0",
    IDEMPOTENCY_TAKEOVER_SECONDS: "1",
  };
  const start = () => createGateway({ env, logger: createLogger("silent"), fetch });
  let now = START;
  o.setClock(now);
  let gateway: Gateway = await start();
  const report: MonthReport = {
    orders: 0,
    byStatus: {},
    actions: {},
    attentionByReason: {},
    maxLagSeconds: 0,
    endLagSeconds: 0,
    rssMb: { day1: 0, last: 0 },
    heapMb: { day1: 0, last: 0 },
    daily: [],
    ledgerNeedsAttention: 0,
    openAtEnd: {},
    points: {},
    shopBalanceChanges: 0,
    balanceFeed: { told: 0 },
    faults: 0,
    restarts: 0,
    problems: [],
    seconds: 0,
  };
  const count = (name: string) => (report.actions[name] = (report.actions[name] ?? 0) + 1);

  async function gql(query: string, variables: Record<string, unknown>): Promise<any> {
    const res = await gateway.yoga.fetch("http://gateway.soak/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    if (res.status >= 500) report.problems.push(`HTTP ${res.status} for ${query.slice(0, 40)}`);
    return res.json();
  }
  /** Runs a mutation; a transient refusal is asked again at the next step, with the same key, up to 3 times. */
  const queue: Step[] = [];
  function later(order: number, afterMs: number, run: () => Promise<void>) {
    queue.push({ at: now + afterMs, order, run });
  }
  async function act(
    order: number,
    name: string,
    query: string,
    variables: Record<string, unknown>,
    then?: (data: any) => void,
    attempt = 1,
  ): Promise<void> {
    const body = await gql(query, variables);
    const result = Object.values(body.data ?? {})[0] as { __typename?: string; code?: string; data?: any } | undefined;
    const outcome = result?.__typename?.endsWith("Success") ? "ok" : (result?.code ?? "error");
    count(`${name}:${outcome}`);
    if (outcome === "ok") return then?.(result!.data);
    const transient = ["PROVIDER_UNAVAILABLE", "RATE_LIMITED", "IDEMPOTENCY_CONFLICT", "error"].includes(outcome);
    // Staff and buyers try again a while later, as people do, with the same key.
    if (transient && attempt < 6)
      later(order, attempt * 3 * STEP_MS, () => act(order, name, query, variables, then, attempt + 1));
  }

  // Integrations finds customers by QR token only: the shop links each one once.
  for (const c of KNOWN)
    await gql(`query Q($s: ID!, $t: String!) { customerByQrToken(shopId: $s, token: $t) { __typename } }`, {
      s: "demo-integrations",
      t: c.qr,
    });

  const ids: Array<{ id: string; shop: Shop }> = [];
  function placeOrder(n: number): Promise<void> {
    const shop = SHOPS[random(SHOPS.length)]!;
    const known = !chance(10);
    // A buyer no programme knows orders as a contact only, and buys without loyalty.
    const phone = known ? KNOWN[random(KNOWN.length)]!.phone : null;
    const contactPhone = phone ?? `+7999${String(1_000_000 + n).slice(-7)}`;
    const delivery = chance(40);
    const items = [BOUQUETS[random(BOUQUETS.length)]!, ...(chance(30) ? [BOUQUETS[random(BOUQUETS.length)]!] : [])];
    const lines = [...new Map(items.map((i) => [i.slug, i])).values()].map((i) => ({
      productId: demoItemId(i.slug),
      quantity: 1 + random(2),
    }));
    const path = {
      abandon: chance(8),
      changeCart: chance(10),
      buyerCancel: chance(5),
      floristCancel: shop.florist && chance(3),
      edit: shop.florist && chance(6),
      failedDelivery: delivery && shop.florist && chance(10),
      refund: chance(10) ? (shop.refund === "PARTIAL" && chance(50) ? "lines" : "whole") : null,
      points: known && chance(70) ? 1 + random(30) : 0,
    };
    const fulfilment = delivery
      ? {
          kind: "DELIVERY",
          address: { city: "Москва", street: "Тверская", house: String(1 + random(40)) },
          recipientName: "Получатель",
          recipientPhone: "+79005556677",
        }
      : { kind: "PICKUP", storeId: "store-1" };
    const k = (step: string) => `soak-${n}-${step}`;
    return act(
      n,
      known ? "create" : `create-new-buyer-${shop.provider}`,
      `mutation C($i: CreateOrderInput!, $k: String!) { createOrder(input: $i, idempotencyKey: $k) {
        __typename ... on MutationCreateOrderSuccess { data { id maxRedeemablePoints lines { lineId quantity } } } ... on Error { code } } }`,
      {
        i: { shopId: shop.id, phone, lines, fulfilment, contact: { name: "Покупатель", phone: contactPhone } },
        k: k("create"),
      },
      (created) => {
        const id = created.id as string;
        ids.push({ id, shop });
        report.orders += 1;
        const points = Math.min(path.points, created.maxRedeemablePoints as number);
        const confirm = () =>
          act(
            n,
            "confirm",
            `mutation F($o: ID!, $k: String!) { confirmOrder(orderId: $o, idempotencyKey: $k) { __typename ... on Error { code } } }`,
            { o: id, k: k("confirm") },
            () => afterPlacement(n, id, shop, path, created.lines, delivery, k),
          );
        const apply = () =>
          points > 0
            ? act(
                n,
                "applyBonuses",
                `mutation A($o: ID!, $p: Int!, $k: String!) { applyBonuses(orderId: $o, points: $p, idempotencyKey: $k) { __typename ... on Error { code } } }`,
                { o: id, p: points, k: k("apply") },
              )
            : Promise.resolve();
        later(n, 2 * 60_000, async () => {
          await apply();
          if (path.changeCart)
            await act(
              n,
              "updateItems",
              `mutation U($o: ID!, $l: [CartLineInput!]!, $k: String!) { updateOrderItems(orderId: $o, lines: $l, idempotencyKey: $k) { __typename ... on Error { code } } }`,
              {
                o: id,
                l: [{ productId: demoItemId(BOUQUETS[random(BOUQUETS.length)]!.slug), quantity: 1 }],
                k: k("update"),
              },
            );
          // An abandoned checkout is left to the sweeper.
          if (!path.abandon) later(n, 5 * 60_000, confirm);
        });
      },
    );
  }

  function afterPlacement(
    n: number,
    id: string,
    shop: Shop,
    path: {
      buyerCancel: boolean;
      floristCancel: boolean;
      edit: boolean;
      failedDelivery: boolean;
      refund: string | null;
    },
    lines: Array<{ lineId: string; quantity: number }>,
    delivery: boolean,
    k: (step: string) => string,
  ) {
    const cancel = () =>
      act(
        n,
        "cancel",
        `mutation X($o: ID!, $k: String!) { cancelOrder(orderId: $o, reason: "передумал", idempotencyKey: $k) { __typename ... on Error { code } } }`,
        { o: id, k: k("cancel") },
      );
    if (path.buyerCancel) return later(n, 30 * 60_000, cancel);
    const refund = () => {
      if (!path.refund) return;
      later(n, (2 + random(4)) * 24 * 3600_000, () =>
        act(n, `refund-${path.refund}`, REFUND, {
          orderId: id,
          lines: path.refund === "lines" ? [{ lineId: lines[0]!.lineId, quantity: 1 }] : null,
          key: k("refund"),
        }),
      );
    };
    if (!shop.florist) {
      later(n, (3 + random(20)) * 3600_000, () =>
        act(n, "complete", COMPLETE_ORDER, { orderId: id, key: k("complete") }, refund),
      );
      return;
    }
    const florist = (status: Parameters<PosifloraState["setStatus"]>[1]) => async () => {
      try {
        books.posiflora.setStatus(id, status);
        count(`florist:${status}`);
      } catch {
        count(`florist:${status}:refused`);
      }
    };
    if (path.floristCancel) return later(n, 2 * 3600_000, florist("canceled"));
    if (path.edit)
      later(n, 90 * 60_000, async () => {
        const swap = BOUQUETS[random(BOUQUETS.length)]!;
        books.posiflora.editLines(id, [{ itemId: demoItemId(swap.slug), qty: 100, price: swap.price - 10_000 }]);
        count("florist:edit");
      });
    later(n, 2 * 3600_000, florist("assembled"));
    const doneAfter = delivery ? 6 * 3600_000 : 3 * 3600_000;
    if (delivery) {
      later(n, 3 * 3600_000, florist("courier"));
      later(n, 5 * 3600_000, async () => {
        books.posiflora.setDeliveryStatus(id, path.failedDelivery ? "cannotBeDelivered" : "delivered");
        count(`courier:${path.failedDelivery ? "cannotBeDelivered" : "delivered"}`);
      });
      // A failed delivery is taken back to the shop and cancelled.
      if (path.failedDelivery) return later(n, doneAfter, florist("canceled"));
    }
    later(n, doneAfter, async () => {
      await florist("done")();
      // The shop refunds days later through the gateway, once the sync has seen the order done.
      refund();
    });
  }

  /** Someone at the till, an admin or an expiry changes a balance the gateway never sees. */
  function shopBalanceChange() {
    const c = KNOWN[random(KNOWN.length)]!;
    const digits = c.phone.slice(1);
    const delta = 10 + random(40);
    switch (random(4)) {
      case 0:
        books.bonusplus.customers.get(digits)!.balance += delta;
        break;
      case 1: {
        const pf = [...books.posiflora.customers.values()].find((x) => `7${x.phone}` === digits);
        if (pf) pf.currentPoints += delta;
        break;
      }
      case 2: {
        const lc = [...books.loyalclient.clients.values()].find((x) => x.phone === digits);
        if (lc) lc.balance += delta;
        break;
      }
      default: {
        const ic = [...books.integrations.clients.values()].find((x) => x.phone === c.phone);
        if (ic) ic.balance += delta;
      }
    }
    report.shopBalanceChanges += 1;
  }

  function fault() {
    const names = Object.keys(sims) as Array<keyof typeof sims>;
    const sim = sims[names[random(names.length)]!].handler;
    sim.faults.add(chance(50) ? { kind: "status", status: 503, times: 1 } : { kind: "lostResponse", times: 1 });
    report.faults += 1;
  }

  const perDay = o.orders / o.days;
  let placed = 0;
  const restartEvery = o.restartEveryDays ?? Number(process.env.SOAK_RESTART_DAYS ?? 7);
  for (let day = 0; day < o.days; day++) {
    for (let step = 0; step < (24 * 3600_000) / STEP_MS; step++) {
      now = START + day * 24 * 3600_000 + step * STEP_MS;
      o.setClock(now);
      const hour = step / 6;
      // Orders come between 08:00 and 22:00 Moscow time.
      if (hour < 14) {
        const due = Math.round(perDay * (day + (step + 1) / 84));
        while (placed < Math.min(due, o.orders)) await placeOrder(placed++);
      }
      if (step % 36 === 5) fault();
      if (step % 72 === 40) shopBalanceChange();
      // Balances changed in the shop reach linked customers' subscribers within the hour.
      if (step % 6 === 0) report.balanceFeed.told += (await gateway.balanceWatch.pollFeeds()).changed;
      const ready = queue.filter((s) => s.at <= now).sort((a, b) => a.at - b.at || a.order - b.order);
      for (const s of ready) queue.splice(queue.indexOf(s), 1);
      for (const s of ready) await s.run();
      const lagBefore = Math.max(0, ...gateway.statusSync.lag().map((l) => l.seconds));
      report.maxLagSeconds = Math.max(report.maxLagSeconds, lagBefore);
      await gateway.statusSync.runOnce();
      await gateway.expiry.runOnce();
      await gateway.recovery.runOnce();
    }
    // The harness's own request logs are not the gateway's memory; the heap is collected before measuring.
    for (const s of Object.values(sims)) s.handler.requests.clear();
    collectGarbage();
    const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const heap = Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
    const mu = process.memoryUsage();
    report.daily.push({
      rss,
      heap,
      external: Math.round(mu.external / 1024 / 1024),
      heapTotal: Math.round(mu.heapTotal / 1024 / 1024),
    });
    if (day === 0) report.heapMb.day1 = heap;
    report.heapMb.last = heap;
    if (day === 0) report.rssMb.day1 = rss;
    report.rssMb.last = rss;
    if ((day + 1) % restartEvery === 0 && day + 1 < o.days) {
      await gateway.close();
      gateway = await start();
      report.restarts += 1;
    }
  }

  // The month is over: no more faults; the last steps run until every queued step is done.
  for (const s of Object.values(sims)) s.handler.faults.clear();
  for (let extra = 0; extra < 6 * 24 * 12 && queue.length > 0; extra++) {
    now += STEP_MS;
    o.setClock(now);
    const ready = queue.filter((s) => s.at <= now).sort((a, b) => a.at - b.at || a.order - b.order);
    for (const s of ready) queue.splice(queue.indexOf(s), 1);
    for (const s of ready) await s.run();
    await gateway.statusSync.runOnce();
    await gateway.expiry.runOnce();
    await gateway.recovery.runOnce();
  }
  report.endLagSeconds = Math.max(0, ...gateway.statusSync.lag().map((l) => l.seconds));
  await check(gateway, ids, books, report, now);
  await gateway.close();
  report.seconds = Math.round((performance.now() - began) / 1000);
  return report;

  async function check(gw: Gateway, orders: typeof ids, b: typeof books, r: MonthReport, at: number) {
    const read = async (id: string): Promise<SoakOrder> => {
      const body = await gql(
        `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { id shopId status
          pointsHeld pointsRedeemed pointsEarned updatedAt ledger { kind points state } } } } }`,
        { id },
      );
      if (!body.data?.order?.data) throw new Error(`order ${id}: ${JSON.stringify(body)}`);
      return body.data.order.data;
    };
    const all: SoakOrder[] = [];
    for (const { id } of orders) all.push(await read(id));
    const ttlMs = 30 * 60_000;
    const attention = new Map<string, string[]>();
    for (const shop of SHOPS) {
      const open = (
        await gql(
          `query A($s: ID!) { ordersNeedingAttention(shopId: $s) { ... on QueryOrdersNeedingAttentionSuccess { data { orderId reason } } } }`,
          { s: shop.id },
        )
      ).data.ordersNeedingAttention.data as Array<{ orderId: string; reason: string }>;
      for (const a of open) {
        r.attentionByReason[a.reason] = (r.attentionByReason[a.reason] ?? 0) + 1;
        attention.set(a.orderId, [...(attention.get(a.orderId) ?? []), a.reason]);
      }
    }
    const provider = (shopId: string) => SHOPS.find((s) => s.id === shopId)!.provider;
    for (const x of all) {
      r.byStatus[x.status] = (r.byStatus[x.status] ?? 0) + 1;
      const p = (r.points[provider(x.shopId)] ??= { issued: 0, spent: 0, returned: 0 });
      p.issued += ["COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"].includes(x.status) ? x.pointsEarned : 0;
      p.spent += x.pointsRedeemed;
      p.returned += x.ledger
        .filter((e) => e.kind === "REFUND" && e.state === "SUCCEEDED")
        .reduce((a: number, e: any) => a + e.points, 0);
      const forPerson = x.ledger.filter((e) => e.state === "NEEDS_ATTENTION").length;
      r.ledgerNeedsAttention += forPerson;
      // Every script has run to its end: an order still open waits for staff, and they can see it.
      if (!["COMPLETED", "CANCELLED", "REFUNDED", "PARTIALLY_REFUNDED"].includes(x.status)) {
        r.openAtEnd[x.status] = (r.openAtEnd[x.status] ?? 0) + 1;
        if (!attention.has(x.id) && forPerson === 0)
          r.problems.push(`${x.id}: ${x.status} at the end, in no queue staff read`);
      }
      const unsettled = x.ledger.filter((e) => e.state === "PENDING" || e.state === "UNKNOWN");
      if (unsettled.length) r.problems.push(`${x.id}: ${unsettled.length} ledger rows unsettled`);
      const stale = at - Date.parse(x.updatedAt) > ttlMs;
      if (["CALCULATED", "BONUSES_HELD"].includes(x.status) && stale && !attention.has(x.id))
        r.problems.push(`${x.id}: ${x.status} past its TTL with no attention record`);
    }
    // The vendors' books against the gateway's, provider by provider.
    const byProvider = (name: string) => all.filter((x) => provider(x.shopId) === name);
    const bp = b.bonusplus.snapshot();
    const reserves = new Map(bp.reserves.flatMap((x) => Object.entries(x.byOrder)));
    for (const x of byProvider("bonusplus")) {
      if ((reserves.get(x.id) ?? 0) !== x.pointsHeld)
        r.problems.push(`bonusplus ${x.id}: vendor holds ${reserves.get(x.id) ?? 0}, gateway ${x.pointsHeld}`);
      const sales = bp.retail.filter((s) => s.externalId === x.id);
      if (sales.length > 1) r.problems.push(`bonusplus ${x.id}: ${sales.length} sales`);
      if ((sales[0]?.debit ?? 0) !== x.pointsRedeemed)
        r.problems.push(`bonusplus ${x.id}: vendor debit ${sales[0]?.debit ?? 0}, gateway ${x.pointsRedeemed}`);
    }
    for (const id of reserves.keys())
      if ((reserves.get(id) ?? 0) > 0 && !byProvider("bonusplus").some((x) => x.id === id))
        r.problems.push(`bonusplus: dangling reserve ${id}`);
    const rk = b.rkeeper.snapshot();
    for (const x of byProvider("rkeeper")) {
      const v = rk.orders.find((y) => y.id === x.id && y.status === "CONFIRMED");
      if ((v?.payment ?? 0) !== x.pointsHeld)
        r.problems.push(`rkeeper ${x.id}: vendor holds ${v?.payment ?? 0}, gateway ${x.pointsHeld}`);
    }
    const int = b.integrations.snapshot();
    for (const x of byProvider("integrations")) {
      const ops = int.bonuses.filter((y) => y.invoice_num === x.id);
      if (ops.length > 1) r.problems.push(`integrations ${x.id}: ${ops.length} purchases`);
      if ((ops[0]?.paid ?? 0) !== x.pointsRedeemed)
        r.problems.push(`integrations ${x.id}: vendor spent ${ops[0]?.paid ?? 0}, gateway ${x.pointsRedeemed}`);
      if (x.status === "CANCELLED" && ops[0] && !ops[0].refund)
        r.problems.push(`integrations ${x.id}: cancelled, purchase not refunded`);
    }
    const pf = b.posiflora.snapshot();
    for (const x of byProvider("posiflora")) {
      const v = pf.orders.find((y) => y.id === x.id);
      const spent = (v?.payments ?? [])
        .filter((p) => p.paymentType === "payment")
        .reduce((a, p) => a + p.bonusAmount, 0);
      if (spent !== x.pointsRedeemed)
        r.problems.push(`posiflora ${x.id}: vendor spent ${spent}, gateway ${x.pointsRedeemed}`);
    }
    // LoyalClient's sales name no order: the sums of spent points must agree, and no hold outlives its order.
    const lc = b.loyalclient.snapshot();
    const lcSpent = lc.retail.reduce((a, s) => a + s.spend, 0);
    const gwSpent = byProvider("loyalclient").reduce((a, x) => a + x.pointsRedeemed, 0);
    if (lcSpent !== gwSpent) r.problems.push(`loyalclient: vendor spent ${lcSpent}, gateway ${gwSpent}`);
    // Nobody's balance went below zero at any vendor.
    const negative = [
      ...bp.customers.map((c) => ["bonusplus", c.phone, c.balance] as const),
      ...pf.customers.map((c) => ["posiflora", c.phone, c.currentPoints] as const),
      ...lc.clients.map((c) => ["loyalclient", c.phone, c.balance] as const),
      ...int.clients.map((c) => ["integrations", c.phone, c.balance] as const),
      ...rk.guests.map((g) => ["rkeeper", g.phone, g.balance] as const),
    ].filter(([, , balance]) => balance < 0);
    for (const [v, phone, balance] of negative) r.problems.push(`${v} ${phone}: balance ${balance}`);
    void gw;
  }
}
