import { describe, expect, it } from "vitest";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { sql } from "../support/db.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway({ RECOVERY_INTERVAL_SECONDS: "0", STATUS_SYNC_SECONDS: "0" });

/** A small seeded generator, so a failing sequence can be replayed with NO_TRACE_SEED. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHOPS = [
  { shopId: "demo-bonusplus", adapter: "bonusplus" as const, qr: undefined },
  { shopId: "demo-rkeeper", adapter: "rkeeper" as const, qr: undefined },
  { shopId: "demo-loyalclient", adapter: "loyalclient" as const, qr: undefined },
  { shopId: "demo-integrations", adapter: "integrations" as const, qr: "qr-ivan-502" },
  { shopId: "demo-posiflora", adapter: "posiflora" as const, qr: undefined },
];

const SEED = Number(process.env.NO_TRACE_SEED ?? 20261201);
const STEPS = Number(process.env.NO_TRACE_STEPS ?? 30);

describe("a failed order mutation changes nothing (property over random sequences)", () => {
  it.each(SHOPS)("$shopId", async ({ shopId, adapter, qr }) => {
    const random = prng(SEED + shopId.length);
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
    const c = await miniAppCustomer(gw.t, shopId, "+79007654321", qr);
    const stranger = await miniAppCustomer(
      gw.t,
      shopId,
      "+79001234567",
      adapter === "integrations" ? "qr-anna-501" : undefined,
    );
    const order = c.ok(await c.create([line("rose-15", 1)]));
    const sim = gw.t.gateway.simulators![adapter].handler;

    // Everything a mutation could have touched: the order and its history, the ledger, the vendor's books.
    const snapshot = async () =>
      JSON.stringify({
        order: await sql(gw.t.databaseUrl, `select * from "Order" where "id" = ?`, order.id),
        history: await sql(
          gw.t.databaseUrl,
          `select "from", "to", "cause" from "OrderTransition" where "orderId" = ?`,
          order.id,
        ),
        ledger: await sql(
          gw.t.databaseUrl,
          `select "kind", "state", "points" from "LedgerEntry" where "orderId" = ?`,
          order.id,
        ),
        vendor: sim.state.snapshot(),
      });

    const moves: Array<[string, () => Promise<{ __typename: string } | undefined>]> = [
      ["apply more than the balance", () => c.apply(order.id, 1_000_000)],
      ["apply a negative amount", () => c.apply(order.id, -5)],
      ["apply a few", () => c.apply(order.id, pick([0, 10, 20, 30]))],
      ["change to an unknown product", () => c.update(order.id, [{ productId: "no-such-product", quantity: 1 }])],
      [
        "change with a forged price",
        () => c.update(order.id, [{ ...line("rose-15", 1), unitPrice: { amount: 1, currency: "RUB" } }]),
      ],
      ["change with no lines", () => c.update(order.id, [])],
      [
        "change to two products",
        () => c.update(order.id, [line("rose-15", 1), { productId: demoItemId("card"), quantity: 1 }]),
      ],
      ["confirm someone else's order", () => stranger.confirm(order.id)],
      ["cancel someone else's order", () => stranger.cancel(order.id)],
      ["apply on someone else's order", () => stranger.apply(order.id, 10)],
      ["complete before it is placed", () => c.complete(order.id)],
      ["refund before it is placed", () => c.refund(order.id)],
    ];

    let failures = 0;
    for (let step = 0; step < STEPS; step++) {
      const [name, move] = pick(moves);
      const before = await snapshot();
      const result = await move();
      const failed = !result || !result.__typename.endsWith("Success");
      if (!failed) continue;
      failures += 1;
      expect(await snapshot(), `step ${step}: ${name} failed (${result?.__typename}) yet changed something`).toBe(
        before,
      );
    }
    expect(failures).toBeGreaterThan(0);
  });
});

describe("a change of items whose new hold fails", () => {
  it("with an unknown outcome: the order shows the release, the cart stays, and recovery settles the new hold", async () => {
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.apply(order.id, 30));
    const sim = gw.t.gateway.simulators!.bonusplus.handler;
    const reserved = () => JSON.stringify((sim.state.snapshot() as { reserves: unknown }).reserves);
    const lines = async () =>
      (
        await sql<{ lines: string; holdPoints: number }>(
          gw.t.databaseUrl,
          `select "lines", "holdPoints" from "Order" where "id" = ?`,
          order.id,
        )
      )[0]!;
    const before = await lines();
    // The release goes through; the new reserve answers 503, so nobody knows whether it was taken.
    sim.faults.add({ kind: "status", status: 503, path: "/balance/reserve", after: 1, times: 1 });
    const res = await c.update(order.id, [line("rose-15", 2)]);
    expect(res?.__typename).not.toMatch(/Success$/);
    const after = await lines();
    expect(after.lines).toBe(before.lines);
    expect(after.holdPoints).toBe(0);
    await gw.t.gateway.recovery.runOnce(0);
    expect(reserved()).toContain('"byOrder":{}');
  });
});
