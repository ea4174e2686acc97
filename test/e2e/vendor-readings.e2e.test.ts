import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CustomerByPhoneDocument } from "../../generated/graphql/graphql.ts";
import { ALL_SCOPES } from "../../src/domain/scopes.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import { createPosifloraSimulator } from "../../src/simulators/posiflora/server.ts";
import { DEMO_ORDER_SOURCES } from "../../src/simulators/posiflora/state.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import {
  asService,
  DEMO_BOT_TOKEN,
  DEMO_KEY,
  startTestGateway,
  type TestGateway,
  useDemoGateway,
} from "../support/test-gateway.ts";
import { expectNoViolations, expectViolations } from "../support/violations.ts";

/**
 * The vendors' documents read where the gateway used to guess (issue 27, item 7): Posiflora's order
 * source and order date, r_keeper's `openedAt` and its two answers for an unknown guest, and the one
 * accrual a purchase earns when Posiflora is the order system but not the loyalty programme.
 */

const HOUR = 3_600_000;
/** The next 22:00 UTC from now: 01:00 the next day in Moscow (UTC+3 all year since 2014). */
function nextLateUtcEvening(): number {
  const at = new Date();
  at.setUTCHours(22, 0, 0, 0);
  return at.getTime() <= Date.now() ? at.getTime() + 24 * HOUR : at.getTime();
}
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The gateway's and the simulators' clock (they share the process's Date), moved by the test. */
function clock() {
  let now = 0;
  return {
    start(at: number) {
      now = at;
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(now);
    },
    later(ms: number) {
      vi.setSystemTime((now += ms));
    },
  };
}

describe("demo shops", () => {
  const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0", RECOVERY_INTERVAL_SECONDS: "0" });
  const sims = () => gw.t.gateway.simulators!;
  const posiflora = () => sims().posiflora.handler;
  const rkeeper = () => sims().rkeeper.handler;
  const time = clock();
  afterEach(() => vi.useRealTimers());

  it("Posiflora: an order names the source titled for the Mini App, an id Posiflora keeps, never a made-up one", async () => {
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    const sources = [...posiflora().state.orderSources.values()];
    const miniApp = sources.filter((s) => s.title === "Telegram Mini App");
    expect(miniApp).toHaveLength(1);
    expect(posiflora().state.orders.get(order.id)!.relationships.source).toEqual({
      data: { type: "order-sources", id: miniApp[0]!.id },
    });
    expectNoViolations(posiflora());
  });

  it("Posiflora: an order placed at 01:00 in Moscow (22:00 UTC the day before) is dated in Moscow", async () => {
    const at = nextLateUtcEvening();
    time.start(at);
    const c = await miniAppCustomer(gw.t, "demo-bonusplus", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    time.later(10 * 60_000);
    c.ok(await c.confirm(order.id));
    const moscow = utcDate(at + 10 * 60_000 + 3 * HOUR);
    expect(moscow).not.toBe(utcDate(at));
    expect(posiflora().state.orders.get(order.id)!.attributes.date).toBe(moscow);
  });

  it("Posiflora is the order system, BonusPlus the loyalty: the buyer in a Posiflora bonus group earns once", async () => {
    const phone = "+79001234567";
    const crm = [...posiflora().state.customers.values()].find((x) => `${x.countryCode}${x.phone}` === "79001234567")!;
    // The buyer is in Posiflora's 10% bonus group: an order naming them would earn there at `done` too.
    expect(crm.bonusGroupId).toBe("57");
    expect(posiflora().state.groups.get("57")!.status).toBe("on");
    const crmBefore = crm.currentPoints;
    const bonusplusBefore = sims().bonusplus.handler.state.customers.get("79001234567")!.balance;

    const c = await miniAppCustomer(gw.t, "demo-bonusplus", phone);
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    const done = await c.complete(order.id);
    expect(done).toMatchObject({ data: { status: "COMPLETED" } });
    expect(done.data.pointsEarned).toBeGreaterThan(0);

    const stored = posiflora().state.orders.get(order.id)!;
    expect(stored.status).toBe("done");
    expect(stored.customerId).toBeNull();
    expect(stored.accrued).toBe(0);
    expect(stored.attributes.description).toContain(phone);
    expect(crm.currentPoints).toBe(crmBefore);
    expect(sims().bonusplus.handler.state.customers.get("79001234567")!.balance).toBe(
      bonusplusBefore + done.data.pointsEarned,
    );
    expectNoViolations(posiflora());
  });

  it("Posiflora is the loyalty too: the order names the buyer, and Posiflora's own accrual is the one", async () => {
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    c.ok(await c.confirm(order.id));
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const stored = posiflora().state.orders.get(order.id)!;
    expect(posiflora().state.customers.get(stored.customerId!)).toMatchObject({ phone: "9001234567" });
    expect(stored.accrued).toBeGreaterThan(0);
  });

  it("r_keeper: every confirm of an order carries its opening time, however late the order changes", async () => {
    time.start(nextLateUtcEvening());
    const c = await miniAppCustomer(gw.t, "demo-rkeeper", "+79001234567");
    const order = c.ok(await c.create([line("hot-1", 1, 500, "Горячее")]));
    const opened = (
      await (
        await gw.t.post(
          `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { createdAt } } } }`,
          { id: order.id },
          c.headers,
        )
      ).json()
    ).data.order.data.createdAt as string;
    time.later(20 * 60_000);
    c.ok(await c.apply(order.id, 50));
    time.later(20 * 60_000);
    // A changed order: reset, calculate and confirm again, 40 minutes after it was opened.
    c.ok(await c.update(order.id, [line("hot-1", 1, 500, "Горячее"), line("dessert-1", 1, 300, "Десерт")]));
    c.ok(await c.confirm(order.id));
    time.later(20 * 60_000);
    expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED" } });
    const vendor = rkeeper().state.orders.get(order.id)!;
    expect(vendor.status).toBe("CLOSED");
    expect(Date.parse(vendor.openedAt)).toBe(Date.parse(opened));
    expect(
      rkeeper()
        .state.operations.filter((o) => o.id === order.id)
        .map((o) => o.kind),
    ).toEqual(["confirm", "reset", "confirm", "close"]);
    expectNoViolations(rkeeper());
  });

  it.each(["empty", "error"] as const)(
    "r_keeper answers an unknown phone with the %s form: the new buyer buys without loyalty",
    async (form) => {
      // The simulator's switch, as a demo would flip it over HTTP.
      const set = await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/rkeeper/unknown-guest", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ answer: form }),
      });
      expect(await set.json()).toEqual({ answer: form });
      const phone = form === "empty" ? "+79005550401" : "+79005550402";
      const c = await miniAppCustomer(gw.t, "demo-rkeeper", phone);
      const guestsGet = rkeeper().requests.count("POST", "/guests/get");
      const order = c.ok(await c.create([line("hot-1", 1, 500, "Горячее")]));
      expect(rkeeper().requests.count("POST", "/guests/get")).toBeGreaterThan(guestsGet);
      expect(order).toMatchObject({ status: "CALCULATED", pointsEarned: 0, total: { amount: 50_000 } });
      expect(order.history[0]!.cause).toBe("createOrder: without loyalty");
      c.ok(await c.confirm(order.id));
      expect(await c.complete(order.id)).toMatchObject({ data: { status: "COMPLETED", pointsEarned: 0 } });
      // The shop looking the phone up is told there is no such customer, not that r_keeper failed.
      const res = await gw.t.run(CustomerByPhoneDocument, { shopId: "demo-rkeeper", phone }, asService());
      expect(res.data?.customer).toMatchObject({ __typename: "NotFoundError", code: "CUSTOMER_NOT_FOUND" });
      expectNoViolations(rkeeper());
    },
  );

  it("r_keeper: a refusal of guests/get that an anonymous calculation shares stays an error", async () => {
    rkeeper().state.unknownGuestAnswer = "error";
    // Every loyalty call is refused (a wrong organization would look like this): not "no guest".
    rkeeper().faults.add({ kind: "status", status: 400, path: "/loyalty/", times: 10 });
    const res = await gw.t.run(CustomerByPhoneDocument, { shopId: "demo-rkeeper", phone: "+79005550403" }, asService());
    const customer = res.data?.customer;
    if (customer?.__typename !== "QueryCustomerSuccess") throw new Error(JSON.stringify(res));
    expect(customer.data.loyalty).toEqual([
      expect.objectContaining({ __typename: "LoyaltyAccountError", code: "PROVIDER_REJECTED" }),
    ]);
  });
});

describe("Posiflora's order source when staff deleted it", () => {
  const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0", RECOVERY_INTERVAL_SECONDS: "0" });
  const posiflora = () => gw.t.gateway.simulators!.posiflora.handler;

  it("is refused as a made-up id, created again by its title, and the order goes through with it", async () => {
    const old = DEMO_ORDER_SOURCES.find((s) => s.title === "Telegram Mini App")!;
    posiflora().state.orderSources.delete(old.id);
    const c = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const order = c.ok(await c.create([line("rose-15", 1)]));
    expect(c.ok(await c.confirm(order.id)).status).toBe("PLACED");
    // The vendor refused the first create, naming the source, and counted it.
    const [refused] = expectViolations(posiflora(), { path: "/orders", detail: "ORDER_SOURCE_NOT_FOUND" });
    expect(refused!.status).toBe(422);
    const made = [...posiflora().state.orderSources.values()].filter((s) => s.title === "Telegram Mini App");
    expect(made).toHaveLength(1);
    expect(made[0]!.id).not.toBe(old.id);
    expect(posiflora().state.orders.get(order.id)!.relationships.source).toEqual({
      data: { type: "order-sources", id: made[0]!.id },
    });
    expect(posiflora().requests.count("POST", "/api/v1/order-sources")).toBe(1);
  });
});

describe("a shops file with its own Posiflora account", () => {
  const sim = createPosifloraSimulator({ username: "pf-user", password: "pf-password" });
  let server: Awaited<ReturnType<typeof listen>>;
  const dir = mkdtempSync(path.join(tmpdir(), "lg-readings-"));
  const time = clock();
  afterEach(() => vi.useRealTimers());

  /** One Posiflora shop (its loyalty and its orders) with `orders` options and a time zone. */
  const start = (name: string, orderOptions: Record<string, unknown>, timezone?: string) => {
    const instance = (id: string, options: Record<string, unknown>) => ({
      id,
      adapter: "posiflora",
      baseUrl: `${server.url}/api`,
      timeoutMs: 2_000,
      maxRetries: 0,
      options,
      credentials: { username: "env:PF_USER", password: "env:PF_PASSWORD" },
    });
    const file = path.join(dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        shops: [
          {
            id: "far-east",
            name: "Far East",
            ...(timezone ? { timezone } : {}),
            loyalty: [instance("far-east-loyalty", {})],
            orders: instance("far-east-orders", { storeId: "store-1", ...orderOptions }),
          },
        ],
      }),
    );
    return startTestGateway({
      SHOPS_CONFIG: file,
      PF_USER: "pf-user",
      PF_PASSWORD: "pf-password",
      TELEGRAM_BOT_TOKEN: DEMO_BOT_TOKEN,
      API_KEYS: JSON.stringify([{ name: "test", key: DEMO_KEY, scopes: ALL_SCOPES }]),
      STATUS_SYNC_SECONDS: "0",
      RECOVERY_INTERVAL_SECONDS: "0",
    });
  };

  beforeAll(async () => {
    server = await listen(sim);
  });
  afterAll(() => server.close());

  it("refuses to start when the configured order source does not exist, and says so", async () => {
    const failure = await start("bad-source", { sourceId: "telegram_mini_app" }).then(
      async (t) => {
        await t.close();
        throw new Error("started");
      },
      (error: Error) => error,
    );
    expect(failure.name).toBe("ConfigError");
    expect(failure.message).toContain("shops[0].orders");
    expect(failure.message).toContain("no order source telegram_mini_app");
    // Checked at the vendor, which was asked for that id.
    expect(sim.requests.count("GET", "/api/v1/order-sources/telegram_mini_app")).toBe(1);
  });

  it("uses a configured source that exists, and dates orders in the shop's own time zone", async () => {
    const site = DEMO_ORDER_SOURCES.find((s) => s.title === "Site")!;
    let t: TestGateway | null = null;
    try {
      t = await start("site", { sourceId: site.id }, "Asia/Vladivostok");
      // 15:30 UTC is 01:30 the next day in Vladivostok (UTC+10).
      const at = nextLateUtcEvening() - 6.5 * HOUR;
      time.start(at);
      const c = await miniAppCustomer(t, "far-east", "+79001234567");
      const order = c.ok(await c.create([line("rose-15", 1)]));
      c.ok(await c.confirm(order.id));
      const stored = sim.state.orders.get(order.id)!;
      expect(stored.relationships.source).toEqual({ data: { type: "order-sources", id: site.id } });
      expect(stored.attributes.date).toBe(utcDate(at + 10 * HOUR));
      expect(stored.attributes.date).not.toBe(utcDate(at));
      // Nothing was created: the configured source was only read.
      expect(sim.requests.count("POST", "/api/v1/order-sources")).toBe(0);
      expectNoViolations(sim);
    } finally {
      vi.useRealTimers();
      await t?.close();
    }
  });
});
