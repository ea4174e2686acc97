import { describe, expect, it } from "vitest";
import { MyPointsHistoryDocument } from "../../generated/graphql/graphql.ts";
import { DEMO_CUSTOMERS } from "../../src/simulators/posiflora/state.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import { sseEvents } from "../support/sse.ts";
import { asService, startTestGateway, type TestGateway, useDemoGateway } from "../support/test-gateway.ts";

/**
 * Points that move outside the gateway (a correction by the shop's staff, a purchase at the till) reach
 * the buyer's loyaltyBalanceChanged stream, and the points history says where each move came from.
 */
const gw = useDemoGateway({ BALANCE_FEED_SECONDS: "0", BALANCE_READ_SECONDS: "0" });
const anna = DEMO_CUSTOMERS.find((c) => c.phone === "9001234567")!;
const ivan = DEMO_CUSTOMERS.find((c) => c.phone === "9007654321")!;

const BALANCE_SUBSCRIPTION = `subscription B($s: ID!) {
  loyaltyBalanceChanged(shopId: $s) { phone loyalty { __typename ... on LoyaltyAccount { balance provider { id } } } }
}`;

/** The Mini App's own document (schema/operations), so it runs under TRUSTED_DOCUMENTS too. */
const history = async (headers: Record<string, string>, shopId: string, first?: number, after?: string | null) => {
  const r = await gw.t.run(MyPointsHistoryDocument, { shopId, first, after }, headers);
  const result = r.data?.myPointsHistory;
  if (result?.__typename !== "QueryMyPointsHistorySuccess") throw new Error(JSON.stringify(r));
  return result.data;
};

const ME = `query Me($s: ID!) {
  me(shopId: $s) {
    ... on QueryMeSuccess { data { phone loyalty { __typename ... on LoyaltyAccount { balance externalId } ... on LoyaltyAccountError { code } } } }
  }
}`;

function subscribe(headers: Record<string, string>, shopId: string, t: TestGateway = gw.t) {
  const url = `http://gateway.test/graphql?query=${encodeURIComponent(BALANCE_SUBSCRIPTION)}&variables=${encodeURIComponent(JSON.stringify({ s: shopId }))}`;
  const controller = new AbortController();
  const events = Promise.resolve(
    t.gateway.yoga.fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: controller.signal }),
  ).then((res) => sseEvents(res));
  return {
    next: async () => (await (await events)()).data.loyaltyBalanceChanged,
    close: async () => {
      controller.abort();
      await (await events).close();
    },
  };
}

/** The demo gateway's own door to its simulators, as a developer or a test drives them. */
const sim = (path: string, body: object) =>
  gw.t.gateway.yoga.fetch(`http://gateway.test/__sim/${path}`, { method: "POST", body: JSON.stringify(body) });

describe("Posiflora: changes in the shop reach the buyer", () => {
  it("a staff correction, hours later on the shop's clock, is sent over SSE and shows in the history", async () => {
    const buyer = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const stream = subscribe(buyer.headers, "demo-posiflora");
    const first = await stream.next();
    expect(first.loyalty[0]).toMatchObject({ __typename: "LoyaltyAccount", balance: anna.currentPoints });

    // The first look at the feed starts the cursor; then the shop's clock moves on and staff take points.
    await gw.t.gateway.balanceWatch.pollFeeds();
    const clock = await (await sim("posiflora/clock", { advanceSeconds: 3 * 3600 })).json();
    expect((await sim(`posiflora/customers/${anna.id}/points`, { amount: -120 })).status).toBe(200);
    // A customer nobody linked to a Telegram user is not announced to anyone.
    expect((await sim(`posiflora/customers/${ivan.id}/points`, { amount: 15 })).status).toBe(200);

    const polled = await gw.t.gateway.balanceWatch.pollFeeds();
    expect(polled.changed).toBeGreaterThanOrEqual(2);
    const pushed = await stream.next();
    expect(pushed.loyalty[0]).toMatchObject({ balance: anna.currentPoints - 120 });

    // The feed asked by day, with a page, as the OpenAPI declares: no violation was recorded (setup file).
    const requests = gw.t.gateway.simulators!.posiflora.handler.requests;
    expect(requests.count("GET", "/api/v1/customers")).toBeGreaterThan(0);

    // Polling again tells nobody: the balance the feed lists again has not moved.
    expect((await gw.t.gateway.balanceWatch.pollFeeds()).changed).toBe(0);

    const mine = await history(buyer.headers, "demo-posiflora");
    const latest = mine.edges[0]!.node;
    expect(latest).toMatchObject({
      source: "PROVIDER",
      points: -120,
      reason: "changed by the shop's staff",
      provider: { id: "demo-posiflora" },
      vendorOrderId: null,
    });
    // The line is dated by the shop's clock, which the test moved ahead.
    expect(Date.parse(latest.at)).toBeGreaterThanOrEqual(Date.parse(clock.now) - 1000);
    expect(Date.parse(latest.at)).toBeGreaterThan(Date.now() + 3600_000);
    await stream.close();
  });

  it("the history has the shop's own order moves, newest first, a page at a time", async () => {
    const buyer = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const order = buyer.ok(await buyer.create([line("rose-15", 1)]));
    buyer.ok(await buyer.apply(order.id, 40));
    buyer.ok(await buyer.confirm(order.id));
    await sim("posiflora/clock", { advanceSeconds: 60 });
    await sim(`posiflora/orders/${order.id}/status`, { status: "done" });
    const accrued = gw.t.gateway.simulators!.posiflora.handler.state.orders.get(order.id)!.accrued;
    expect(accrued).toBeGreaterThan(0);

    const page1 = await history(buyer.headers, "demo-posiflora", 1);
    expect(page1.totalCount).toBe(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.edges[0]!.node).toMatchObject({ source: "PROVIDER", points: accrued, vendorOrderId: order.id });
    const page2 = await history(buyer.headers, "demo-posiflora", 1, page1.pageInfo.endCursor);
    expect(page2.edges[0]!.node).toMatchObject({ source: "PROVIDER", points: -40, vendorOrderId: order.id });
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it("a services key reads the same history on Customer; a Mini App user only their own", async () => {
    await sim(`posiflora/customers/${ivan.id}/points`, { amount: 30 });
    const query = `query C($s: ID!, $p: String!) { customer(shopId: $s, phone: $p) {
      __typename
      ... on QueryCustomerSuccess { data { pointsHistory(first: 5) {
        __typename ... on CustomerPointsHistorySuccess { data { totalCount edges { node { source points } } } }
      } } }
      ... on Error { code }
    } }`;
    const read = (await (await gw.t.post(query, { s: "demo-posiflora", p: "+79007654321" }, asService())).json()).data
      .customer.data.pointsHistory;
    expect(read).toMatchObject({
      __typename: "CustomerPointsHistorySuccess",
      data: { totalCount: 1, edges: [{ node: { source: "PROVIDER", points: 30 } }] },
    });
    const stranger = await miniAppCustomer(gw.t, "demo-posiflora", "+79001234567");
    const refused = await (await gw.t.post(query, { s: "demo-posiflora", p: "+79007654321" }, stranger.headers)).json();
    expect(JSON.stringify(refused)).toContain("FORBIDDEN");
  });
});

describe("Integrations: a linked QR token gives a balance", () => {
  const shopId = "demo-integrations";
  const LINK = `mutation L($i: LinkMyLoyaltyTokenInput!) { linkMyLoyaltyToken(input: $i) { __typename ... on Error { code } } }`;

  it("me.loyalty answers the balance once the token is linked, and a change at the vendor is pushed", async () => {
    const buyer = await miniAppCustomer(gw.t, shopId, "+79001234567");
    const before = (await (await gw.t.post(ME, { s: shopId }, buyer.headers)).json()).data.me.data;
    expect(before.loyalty[0]).toMatchObject({ __typename: "LoyaltyAccountError", code: "UNSUPPORTED_BY_PROVIDER" });

    const linked = await (await gw.t.post(LINK, { i: { shopId, token: "qr-anna-501" } }, buyer.headers)).json();
    expect(linked.data.linkMyLoyaltyToken.__typename).toBe("MutationLinkMyLoyaltyTokenSuccess");
    const client = gw.t.gateway.simulators!.integrations.handler.state.clients.get("cl-501")!;
    const after = (await (await gw.t.post(ME, { s: shopId }, buyer.headers)).json()).data.me.data;
    expect(after.loyalty[0]).toMatchObject({
      __typename: "LoyaltyAccount",
      balance: client.balance,
      externalId: "cl-501",
    });

    const stream = subscribe(buyer.headers, shopId);
    expect((await stream.next()).loyalty[0]).toMatchObject({ balance: client.balance });
    // The watch's reading before the change is its baseline, and tells nobody; then the balance moves at
    // the vendor (a sale at its till).
    expect(await gw.t.gateway.balanceWatch.readWatched()).toEqual({ read: 1, told: 0 });
    const was = client.balance;
    client.balance += 75;
    // Through Redis, an event of the gateway's own (the link) may reach the subscription late and make
    // the watch read the balance first; either way the subscriber hears the new balance, once.
    const { told } = await gw.t.gateway.balanceWatch.readWatched();
    expect(told).toBeLessThanOrEqual(1);
    let seen = (await stream.next()).loyalty[0];
    while (seen.balance !== was + 75) seen = (await stream.next()).loyalty[0];
    expect(seen).toMatchObject({ balance: was + 75 });
    // Read again with nothing moved: nothing is sent.
    expect(await gw.t.gateway.balanceWatch.readWatched()).toMatchObject({ told: 0 });
    // The watch ends with the subscription: nothing is read for a customer nobody listens for.
    expect(gw.t.gateway.balanceWatch.watching).toBe(1);
    await stream.close();
    await expect.poll(() => gw.t.gateway.balanceWatch.watching).toBe(0);
  });

  it("shows the gateway's own moves where the provider keeps no history", async () => {
    const buyer = await miniAppCustomer(gw.t, shopId, "+79001234567", "qr-anna-501");
    const order = buyer.ok(await buyer.create([line("rose-15", 1)]));
    buyer.ok(await buyer.apply(order.id, 30));
    buyer.ok(await buyer.confirm(order.id));
    const completed = await buyer.complete(order.id);
    expect(completed.__typename).toBe("MutationCompleteOrderSuccess");
    const earned = completed.data.pointsEarned as number;
    expect(earned).toBeGreaterThan(0);

    const mine = await history(buyer.headers, shopId);
    const nodes = mine.edges.map((e) => e.node);
    expect(nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: "GATEWAY", points: -30, orderId: order.id, reason: "spent on an order" }),
        expect.objectContaining({ source: "GATEWAY", points: earned, orderId: order.id, reason: "earned on an order" }),
      ]),
    );
    expect(nodes.every((n) => n.source === "GATEWAY")).toBe(true);
  });
});

describe("the watch on its own timers (started with the gateway's jobs)", () => {
  it("sends a change in the shop at Posiflora and at BonusPlus without anyone polling by hand", async () => {
    const t = await startTestGateway({ BALANCE_FEED_SECONDS: "1", BALANCE_READ_SECONDS: "1" });
    try {
      const sims = t.gateway.simulators!;
      const atPosiflora = await miniAppCustomer(t, "demo-posiflora", "+79001234567");
      const atBonusPlus = await miniAppCustomer(t, "demo-bonusplus", "+79001234567");
      const posiflora = subscribe(atPosiflora.headers, "demo-posiflora", t);
      const bonusplus = subscribe(atBonusPlus.headers, "demo-bonusplus", t);
      const pfBefore = (await posiflora.next()).loyalty[0].balance as number;
      const bpBefore = (await bonusplus.next()).loyalty[0].balance as number;
      // A reading before the change, so the timer's next one sees the change whatever its phase.
      await t.gateway.balanceWatch.readWatched();

      // The shop's clock runs an hour ahead, so the change is after wherever the feed's first look put its cursor.
      sims.posiflora.handler.state.advance(3600);
      sims.posiflora.handler.state.adjust(anna.id, 55);
      sims.bonusplus.handler.state.customer("79001234567").balance += 25;

      expect((await posiflora.next()).loyalty[0]).toMatchObject({ balance: pfBefore + 55 });
      expect((await bonusplus.next()).loyalty[0]).toMatchObject({ balance: bpBefore + 25 });
      await posiflora.close();
      await bonusplus.close();
    } finally {
      await t.close();
    }
  }, 15_000);
});
