import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLoyaltyProvider, createOrderSystem } from "../../src/config/providers.ts";
import type { Cart, LoyaltyProvider } from "../../src/domain/ports/loyalty-provider.port.ts";
import type { OrderSystem } from "../../src/domain/ports/order-system.port.ts";
import { createLogger } from "../../src/server/logger.ts";
import { createBonusPlusSimulator } from "../../src/simulators/bonusplus/server.ts";
import { createIntegrationsSimulator } from "../../src/simulators/integrations/server.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import type { FetchHandler } from "../../src/simulators/kit/router.ts";
import { allViolations } from "../../src/simulators/kit/violations.ts";
import { createLoyalClientSimulator } from "../../src/simulators/loyalclient/server.ts";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { createPosifloraSimulator } from "../../src/simulators/posiflora/server.ts";
import { PosifloraState } from "../../src/simulators/posiflora/state.ts";
import { createRkeeperSimulator } from "../../src/simulators/rkeeper/server.ts";
import { providerError } from "../support/provider-error.ts";
import { expectNoViolations, expectViolations } from "../support/violations.ts";

/**
 * The readings of the vendors' documents that the adapters and simulators rely on, one behaviour a
 * test: what the simulators refuse (and record as violations), and what the adapters send instead.
 */

const servers: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** Serves `handler` on loopback and builds the adapter against it, as production would. */
async function connect(adapter: string, handler: FetchHandler, options: Record<string, unknown>, basePath: string) {
  const server = await listen(handler);
  servers.push(server);
  const instance = {
    id: `docs-${adapter}`,
    adapter,
    baseUrl: `${server.url}${basePath}`,
    timeoutMs: 2_000,
    maxRetries: 1,
    options,
    credentials: { apiKey: "env:KEY", password: "env:PASSWORD", username: "env:USERNAME" },
  };
  const env = { KEY: "docs-key", PASSWORD: "docs-password", USERNAME: "docs-user" };
  const deps = { fetch: globalThis.fetch, logger: createLogger("silent") };
  return {
    url: server.url,
    loyalty: (): LoyaltyProvider => createLoyaltyProvider(instance, "docs", env, deps),
    orders: (): OrderSystem => createOrderSystem(instance, "docs", env, deps),
  };
}

/** The same answers with the vendor's error `code` replaced: an adapter must not decide by an undocumented one. */
function renameErrorCodes(handler: FetchHandler, rename: (body: any) => void): FetchHandler {
  return async (request) => {
    const res = await handler(request);
    if (res.status < 400 || new URL(request.url).pathname.startsWith("/__sim")) return res;
    const body = await res.json();
    rename(body);
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
  };
}

const lines = [
  { lineId: "1", productId: "rose-15", quantity: 1, unitPrice: 350_000 },
  { lineId: "2", productId: "card", quantity: 2, unitPrice: 15_000 },
];
const cart = (phone: string | null, redeemPoints = 0): Cart => ({
  customer: phone ? { phone } : null,
  lines,
  redeemPoints,
  currency: "RUB",
});

describe("violations: every simulator records a request that breaks its vendor's documents", () => {
  const sim = createPosifloraSimulator({ username: "docs-user", password: "docs-password" });
  let url: string;
  let token: string;
  beforeAll(async () => {
    url = (await connect("posiflora", sim, {}, "/api")).url;
    const login = await fetch(`${url}/api/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/vnd.api+json" },
      body: JSON.stringify({
        data: { type: "sessions", attributes: { username: "docs-user", password: "docs-password" } },
      }),
    });
    token = (await login.json()).data.attributes.accessToken;
  });
  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it("answers an undeclared query parameter with JSON:API's 400, naming it, and lists it at /__sim/violations", async () => {
    const res = await get("/api/v1/orders?sort=updatedAt&page[size]=5");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      errors: [{ status: "400", source: { parameter: "sort" }, detail: expect.stringContaining("sort") }],
    });
    const listed = await (await fetch(`${url}/__sim/violations`)).json();
    expect(listed).toEqual([
      expect.objectContaining({ simulator: "posiflora", kind: "query", status: 400, path: "/api/v1/orders" }),
    ]);
    expect(allViolations()).toHaveLength(1);
    // A test that broke the rule on purpose takes its violations; /__sim/reset does not hide them.
    await fetch(`${url}/__sim/reset`, { method: "POST" });
    expect(sim.violations.entries).toHaveLength(1);
    expect(await (await fetch(`${url}/__sim/violations`, { method: "DELETE" })).json()).toHaveLength(1);
    expect(sim.violations.entries).toHaveLength(0);
  });

  it("records a call to an endpoint no document describes", async () => {
    expect((await get("/api/v1/loyalty/balance")).status).toBe(404);
    expectViolations(sim, { kind: "route", path: "/api/v1/loyalty/balance" });
  });

  it("refuses a wrong type in a query or a body, and records a field no schema describes while accepting it", async () => {
    expect((await get("/api/v1/stores?loadAll=yes")).status).toBe(400);
    expectViolations(sim, { kind: "query", detail: "loadAll" });
    const created = await fetch(`${url}/api/v1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.api+json" },
      body: JSON.stringify({
        data: {
          type: "orders",
          id: randomUUID(),
          attributes: { status: "new", externalId: "x" },
          relationships: {
            lines: {
              data: [
                {
                  type: "order-lines",
                  attributes: { qty: "1.00", price: "100.00" },
                  relationships: { item: { data: { type: "inventory-items", id: demoItemId("rose-15") } } },
                },
              ],
            },
          },
        },
      }),
    });
    expect(created.status).toBe(201);
    expect(expectViolations(sim, { kind: "body" })[0]).toMatchObject({
      status: 0,
      detail: expect.stringContaining("/data/attributes/externalId"),
    });
    const badType = await fetch(`${url}/api/v1/orders/${randomUUID()}/payments`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.api+json" },
      body: JSON.stringify({ data: { type: "order-payments", attributes: { paymentType: "cash", amount: 1 } } }),
    });
    expect(badType.status).toBe(422);
    expect((await badType.json()).errors[0].source.pointer).toBe("/data/attributes/paymentType");
    expectViolations(sim, { kind: "body", detail: "paymentType" });
  });
});

describe("posiflora: order sources are ids Posiflora keeps", () => {
  const sim = createPosifloraSimulator({ username: "docs-user", password: "docs-password" });
  let url = "";
  let token = "";
  beforeAll(async () => {
    url = (await connect("posiflora", sim, {}, "/api")).url;
    const login = await fetch(`${url}/api/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/vnd.api+json" },
      body: JSON.stringify({
        data: { type: "sessions", attributes: { username: "docs-user", password: "docs-password" } },
      }),
    });
    token = (await login.json()).data.attributes.accessToken;
  });
  afterEach(() => {
    expectNoViolations(sim);
    sim.state.reset();
    sim.requests.clear();
  });
  const orders = async (options: Record<string, unknown>) =>
    (await connect("posiflora", sim, { storeId: "store-1", ...options }, "/api")).orders().orders;

  it("refuses an order naming a source that does not exist: JSON:API's error, pointing at it, and a violation", async () => {
    const res = await fetch(`${url}/api/v1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/vnd.api+json" },
      body: JSON.stringify({
        data: {
          type: "orders",
          id: randomUUID(),
          attributes: { status: "new" },
          relationships: {
            source: { data: { type: "order-sources", id: "telegram_mini_app" } },
            lines: {
              data: [
                {
                  type: "order-lines",
                  attributes: { qty: "1.00", price: "100.00" },
                  relationships: { item: { data: { type: "inventory-items", id: demoItemId("rose-15") } } },
                },
              ],
            },
          },
        },
      }),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0]).toMatchObject({
      status: "422",
      source: { pointer: "/data/relationships/source/data/id" },
    });
    expectViolations(sim, { kind: "body", path: "/api/v1/orders", detail: "telegram_mini_app" });
    expect(sim.state.orders.size).toBe(0);
  });

  it("finds a source by its title on a later page of the list, without creating one", async () => {
    for (let i = 0; i < 150; i++) sim.state.createOrderSource({ title: `Source ${i}` });
    const wanted = sim.state.createOrderSource({ title: "Витрина в Telegram" });
    await (
      await orders({ sourceTitle: "  витрина в telegram " })
    ).prepare!();
    expect(sim.requests.count("GET", "/api/v1/order-sources")).toBe(2);
    expect(sim.requests.count("POST", "/api/v1/order-sources")).toBe(0);
    const id = randomUUID();
    await (await orders({ sourceTitle: "Витрина в Telegram" })).createOrder(order(id));
    expect(sim.state.orders.get(id)!.relationships.source).toEqual({
      data: { type: "order-sources", id: wanted.id },
    });
  });

  it("creates an absent source once, under an id made from its title; a second instance finds it", async () => {
    const before = sim.state.orderSources.size;
    await (
      await orders({ sourceTitle: "Бот магазина" })
    ).prepare!();
    await (
      await orders({ sourceTitle: "Бот магазина" })
    ).prepare!();
    expect(sim.requests.count("POST", "/api/v1/order-sources")).toBe(1);
    expect(sim.state.orderSources.size).toBe(before + 1);
    expect([...sim.state.orderSources.values()].filter((s) => s.title === "Бот магазина")).toHaveLength(1);
  });

  it("checks a configured id at the vendor: an absent one is refused, never sent with an order", async () => {
    const system = await orders({ sourceId: randomUUID() });
    expect((await providerError(() => system.prepare!())).message).toContain("no order source");
    expect((await providerError(() => system.createOrder(order(randomUUID())))).message).toContain("no order source");
    expect(sim.requests.count("POST", "/api/v1/orders")).toBe(0);
  });

  const order = (id: string) => ({
    id,
    lines: [{ productId: demoItemId("rose-15"), name: null, quantity: 1, unitPrice: 350_000, total: 350_000 }],
    buyer: { name: "Анна Петрова", phone: "79001234567" },
    comment: null,
    date: "2026-12-07",
    orderSystemLoyalty: true,
    byBonuses: false,
    delivery: null,
    pickup: { storeId: "store-1", at: null },
  });
});

describe("posiflora: only declared parameters and documented fields", () => {
  // A clock a second ahead at every reading, so that every change has its own updatedAt.
  let t = Date.parse("2026-11-24T10:00:00Z");
  const state = new PosifloraState(() => new Date((t += 1_000)));
  const sim = createPosifloraSimulator({ username: "docs-user", password: "docs-password", state });
  let system: OrderSystem;
  beforeAll(async () => {
    system = (await connect("posiflora", sim, { storeId: "store-1" }, "/api")).orders();
  });
  afterEach(() => {
    expectNoViolations(sim);
    sim.state.reset();
  });

  const order = (id = randomUUID(), productId = demoItemId("author-tender")) => ({
    id,
    lines: [{ productId, name: "Нежность", quantity: 2, unitPrice: 250_050, total: 450_050 }],
    buyer: { name: "Анна Петрова", phone: "79001234567" },
    comment: "к 18:00",
    date: "2026-11-24",
    orderSystemLoyalty: true,
    byBonuses: false,
    delivery: {
      city: "Москва",
      street: "Тверская",
      house: "1",
      apartment: null,
      from: "2026-11-24T15:00:00+03:00",
      to: "2026-11-24T18:00:00+03:00",
      recipientName: "Анна",
      recipientPhone: "+79001234567",
    },
    pickup: null,
  });

  it("creates and cancels an order with the fields the request schemas name, and the lines as the example writes them", async () => {
    const id = randomUUID();
    const created = await system.orders.createOrder(order(id));
    expect(created.vendorStatus).toBe("new");
    const stored = sim.state.orders.get(id)!;
    // What the customer pays: the list amount 5001.00, less the loyalty discount, to 4500.50.
    expect(stored.totalAmount).toBe(450_050);
    expect(stored.lines[0]).toMatchObject({
      qty: 200,
      price: 250_050,
      totalAmount: 500_100,
      discountPrice: 225_025,
      totalAmountWithDiscount: 450_050,
    });
    expect(stored.attributes).toMatchObject({
      delivery: true,
      deliveryTimeFrom: "2026-11-24T15:00:00+03:00",
      deliveryTimeTo: "2026-11-24T18:00:00+03:00",
      deliveryContact: "Анна",
      deliveryPhoneNumber: "+79001234567",
      description: "к 18:00",
    });
    expect(stored.attributes).not.toHaveProperty("externalId");
    expect(stored.customerId).toBe(state.search("79001234567")[0]!.id);
    expect(await system.orders.cancelOrder(id, "передумал")).toEqual({ vendorStatus: "canceled" });
  });

  it("carries a buyer Posiflora does not know as a new customer, and a pickup time as dueTime", async () => {
    const id = randomUUID();
    const pickup = { ...order(id), delivery: null, pickup: { storeId: "store-1", at: "2026-11-24T18:30:00+03:00" } };
    await system.orders.createOrder({ ...pickup, buyer: { name: "Вера Новикова", phone: "79005550101" } });
    const stored = sim.state.orders.get(id)!;
    expect(stored.attributes).toMatchObject({ delivery: false, dueTime: "2026-11-24T18:30:00+03:00" });
    const buyer = state.customers.get(stored.customerId!)!;
    expect(buyer).toMatchObject({ title: "Вера Новикова", phone: "9005550101", countryCode: 7, status: "on" });
    // A second order of the same buyer finds the customer instead of making another.
    const again = randomUUID();
    await system.orders.createOrder({ ...pickup, id: again, buyer: { name: "Вера Новикова", phone: "79005550101" } });
    expect(sim.state.orders.get(again)!.customerId).toBe(buyer.id);
    expect(state.search("79005550101")).toHaveLength(1);
  });

  it("polls changed orders without the undeclared `sort`, putting each page in order of updatedAt itself", async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) await system.orders.createOrder(order(id, demoItemId("rose-15")));
    // The first order changes last: the vendor lists in creation order, the poller wants time order.
    sim.state.setStatus(ids[0]!, "assembled");
    const since = sim.state.orders.get(ids[1]!)!.updatedAt;
    const page = await system.orders.listChanged(since, 1);
    expect(page.orders.map((o) => o.id)).toEqual([ids[1], ids[2], ids[0]]);
    expect(page.orders.at(-1)).toMatchObject({ vendorStatus: "assembled" });
    expect(page.next).toBeNull();
    const stamps = page.orders.map((o) => Date.parse(o.updatedAt));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
  });

  it("serves changed customers by day and the bonus history as declared, and refuses what they do not declare", async () => {
    const login = await sim(
      new Request("http://posiflora.test/api/v1/sessions", {
        method: "POST",
        headers: { "content-type": "application/vnd.api+json" },
        body: JSON.stringify({
          data: { type: "sessions", attributes: { username: "docs-user", password: "docs-password" } },
        }),
      }),
    );
    const token = ((await login.json()) as { data: { attributes: { accessToken: string } } }).data.attributes
      .accessToken;
    const get = async (path: string) => {
      const res = await sim(
        new Request(`http://posiflora.test/api${path}`, { headers: { authorization: `Bearer ${token}` } }),
      );
      return { status: res.status, body: await res.json() };
    };
    const anna = state.search("79001234567")[0]!;
    state.adjust(anna.id, -20);
    const day = anna.updatedAt.slice(0, 10);

    const list = await get(`/v1/customers?filter%5BupdatedAt%5D%5Bfrom%5D=${day}&page%5Bnumber%5D=1&page%5Bsize%5D=2`);
    expect(list.status).toBe(200);
    expect(list.body.meta.page).toEqual({ number: 1, size: 2, last: Math.ceil(list.body.meta.total / 2) });
    expect(list.body.data.length).toBeLessThanOrEqual(2);
    const history = await get(`/v1/customers/${anna.id}/bonus-history`);
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({
      meta: { total: 1, pageNumber: 1 },
      data: [
        { type: "customer-bonus-history-lines", attributes: { amount: -20, admin: true, createdAt: anna.updatedAt } },
      ],
    });
    expectNoViolations(sim);

    // The bonus history declares no paging, and the customers' updatedAt filter is a date, not a time.
    expect((await get(`/v1/customers/${anna.id}/bonus-history?page%5Bsize%5D=10`)).status).toBe(400);
    expectViolations(sim, { kind: "query", detail: "page[size]" });
    const at = encodeURIComponent(anna.updatedAt);
    expect((await get(`/v1/customers?filter%5BupdatedAt%5D%5Bfrom%5D=${at}`)).status).toBe(400);
    expectViolations(sim, { kind: "query", detail: "filter[updatedAt][from]" });
    expect((await get(`/v1/customers/no-such-customer/bonus-history`)).status).toBe(404);
  });

  it("reads stock from the newest warehouse movement, without the undeclared `sort`, across pages", async () => {
    const item = demoItemId("author-tender");
    const catalog = system.catalog!;
    expect(await catalog.stock(item, "store-1")).toBe(3);
    // More movements than one page holds, the newest last.
    for (let left = 150; left >= 7; left--) sim.state.catalog.update(item, { stock: { "store-1": left } });
    expect(sim.state.catalog.items.get(item)!.movements["store-1"]!.length).toBeGreaterThan(100);
    expect(await catalog.stock(item, "store-1")).toBe(7);
    expect(await catalog.stock(demoItemId("rose-15"), "store-1")).toBeNull();
  });
});

describe("posiflora: sessions renewed relative to the token's lifetime, once", () => {
  it("keeps a 20-second token for 80% of its life instead of refreshing it on every call", async () => {
    const sim = createPosifloraSimulator({ username: "docs-user", password: "docs-password", accessTtlSeconds: 20 });
    const provider = (await connect("posiflora", sim, {}, "/api")).loyalty();
    for (let i = 0; i < 5; i++) expect(await provider.findCustomer({ phone: "79001234567" })).not.toBeNull();
    expect(sim.requests.count("POST", "/api/v1/sessions")).toBe(1);
    expect(sim.requests.count("PATCH", "/api/v1/sessions")).toBe(0);
    expectNoViolations(sim);
  });

  it("shares one refresh between concurrent calls after the token expired", async () => {
    const sim = createPosifloraSimulator({ username: "docs-user", password: "docs-password" });
    const provider = (await connect("posiflora", sim, {}, "/api")).loyalty();
    await provider.findCustomer({ phone: "79001234567" });
    sim.expireSessions();
    const found = await Promise.all(Array.from({ length: 8 }, () => provider.findCustomer({ phone: "79001234567" })));
    expect(found.every((a) => a?.balance === 350)).toBe(true);
    expect(sim.requests.count("PATCH", "/api/v1/sessions")).toBe(1);
    expect(sim.requests.count("POST", "/api/v1/sessions")).toBe(1);
    expectNoViolations(sim);
  });

  it("the simulator refuses a refresh of a token that was just refreshed, as a flow violation", async () => {
    const sim = createPosifloraSimulator({ username: "u", password: "p" });
    const call = (method: string, attributes: Record<string, string>) =>
      sim(
        new Request("http://posiflora.sim/api/v1/sessions", {
          method,
          headers: { "content-type": "application/vnd.api+json" },
          body: JSON.stringify({ data: { type: "sessions", attributes } }),
        }),
      );
    const login = (await (await call("POST", { username: "u", password: "p" })).json()).data.attributes;
    const first = await call("PATCH", { refreshToken: login.refreshToken });
    expect(first.status).toBe(200);
    // The same refresh token again: two callers each refreshing instead of sharing one refresh.
    expect((await call("PATCH", { refreshToken: login.refreshToken })).status).toBe(401);
    expectViolations(sim, { kind: "flow", detail: "already used" });
    // The new session's refresh token, moments after it was issued by a refresh.
    const fresh = (await first.json()).data.attributes;
    expect((await call("PATCH", { refreshToken: fresh.refreshToken })).status).toBe(401);
    expectViolations(sim, { kind: "flow", detail: "refreshed moments ago" });
  });
});

describe("bonusplus: seed 001's line ids, returns and flow", () => {
  const sim = createBonusPlusSimulator({ apiKey: "docs-key", stores: ["Main"] });
  let provider: LoyaltyProvider;
  beforeAll(async () => {
    provider = (await connect("bonusplus", sim, { store: "Main" }, "/api")).loyalty();
  });
  afterEach(() => {
    expectNoViolations(sim);
    sim.state.reset();
  });
  const phone = "79001234567";
  const balance = async () => (await provider.findCustomer({ phone }))!.balance;

  it("sends `<order id>_<line no>` as ext, so two orders with the same positions both sell", async () => {
    const first = randomUUID();
    const second = randomUUID();
    await provider.commit({ orderId: first, customer: { phone }, cart: cart(phone), idempotencyKey: "a" });
    await provider.commit({ orderId: second, customer: { phone }, cart: cart(phone), idempotencyKey: "b" });
    expect(sim.state.retail.flatMap((r) => r.items.map((i) => i.ext))).toEqual([
      `${first}_1`,
      `${first}_2`,
      `${second}_1`,
      `${second}_2`,
    ]);
  });

  it("the simulator refuses an ext that was sold already, and a sale while the order's reserve is active", async () => {
    const body = (externalId: string) => ({
      phone,
      store: "Main",
      bonusDebit: 0,
      externalId,
      items: [{ sum: 100, qnt: 1, ds: 0, ext: "same-line" }],
    });
    const auth = { authorization: `ApiKey ${Buffer.from("docs-key").toString("base64")}` };
    const post = (path: string, method: string, b: unknown) =>
      sim(
        new Request(`http://bonusplus.sim/api${path}`, {
          method,
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify(b),
        }),
      );
    expect((await post("/retail", "POST", body("o-1"))).status).toBe(200);
    const twice = await post("/retail", "POST", body("o-2"));
    expect(twice.status).toBe(412);
    expectViolations(sim, { kind: "flow", detail: "same-line" });

    expect((await post(`/customer/${phone}/balance/reserve`, "PATCH", { id: "o-3", amount: 10 })).status).toBe(204);
    const reserved = await post("/retail", "POST", {
      ...body("o-3"),
      items: [{ sum: 100, qnt: 1, ds: 0, ext: "o-3_1" }],
    });
    expect(reserved.status).toBe(412);
    expectViolations(sim, { kind: "flow", detail: "reserve" });
    expect(sim.state.retail).toHaveLength(1);
  });

  it("a full return gives back exactly the points spent and takes exactly the points earned", async () => {
    const before = await balance();
    const orderId = randomUUID();
    // 100 points over lines of 3500 and 300 rubles: neither line's share is whole points.
    await provider.commit({ orderId, customer: { phone }, cart: cart(phone, 100), idempotencyKey: "c" });
    const sale = sim.state.retail[0]!;
    expect(sale.items.some((i) => i.db % 100 !== 0)).toBe(true);
    expect(await balance()).toBe(before - 100 + sale.earned);
    // What the line cost before discounts (the seed's `sum`), for the whole of each line.
    const refundLines = lines.map((l) => ({ lineId: l.lineId, amount: 1, subtotal: l.unitPrice * l.quantity }));
    await provider.refund({ orderId, customer: { phone }, lines: refundLines, idempotencyKey: "r" });
    expect(await balance()).toBe(before);
    expect(sale).toMatchObject({ restored: 100, revoked: sale.earned });
  });

  it("a partial return is measured on the line's `sum` (before discounts) and never beyond it", async () => {
    const orderId = randomUUID();
    await provider.commit({ orderId, customer: { phone }, cart: cart(phone, 100), idempotencyKey: "d" });
    const line = sim.state.retail[0]!.items[0]!;
    await provider.refund({
      orderId,
      customer: { phone },
      lines: [{ lineId: "1", amount: 1, subtotal: line.sum / 2 }],
      idempotencyKey: "p",
    });
    expect(sim.state.retail[0]!.returned).toEqual({ [`${orderId}_1`]: line.sum / 2 });
    const tooMuch = await providerError(() =>
      provider.refund({
        orderId,
        customer: { phone },
        lines: [{ lineId: "1", amount: line.sum, subtotal: line.sum }],
        idempotencyKey: "q",
      }),
    );
    expect(tooMuch.code).toBe("PROVIDER_REJECTED");
  });

  it("a debit over maxDebitBonuses is REDEEM_LIMIT_EXCEEDED, whatever code the vendor's 412 carries", async () => {
    const renamed = createBonusPlusSimulator({ apiKey: "docs-key", stores: ["Main"] });
    const p = (
      await connect(
        "bonusplus",
        renameErrorCodes(renamed, (b) => (b.code = "SOME_RULE")),
        { store: "Main" },
        "/api",
      )
    ).loyalty();
    // 50% of a 970-ruble cart (after the card's 3%) is less than the 500 bonuses on the balance.
    const small = (redeemPoints: number): Cart => ({
      ...cart(phone, redeemPoints),
      lines: [{ lineId: "1", productId: "vase", quantity: 1, unitPrice: 100_000 }],
    });
    const max = (await p.calculate(small(0))).maxRedeemablePoints;
    expect(max).toBe(485);
    const over = await providerError(() => p.calculate(small(max + 10)));
    expect(over).toMatchObject({ code: "REDEEM_LIMIT_EXCEEDED", vendorCode: "SOME_RULE" });
    const poor = await providerError(() => p.calculate(cart("79007654321", 60)));
    expect(poor.code).toBe("INSUFFICIENT_BONUSES");
    const blocked = await providerError(() => p.calculate(cart("79000000003", 10)));
    expect(blocked.code).toBe("REDEEM_BLOCKED");
    const hold = await providerError(() =>
      p.hold({ orderId: "o", customer: { phone: "79007654321" }, cart: cart(null), points: 51, idempotencyKey: "h" }),
    );
    expect(hold).toMatchObject({ code: "INSUFFICIENT_BONUSES", vendorCode: "SOME_RULE" });
    expectNoViolations(renamed);
  });

  it("refuses a body field the seed does not name, as a bad request", async () => {
    const res = await sim(
      new Request("http://bonusplus.sim/api/retail/calc", {
        method: "PUT",
        headers: {
          authorization: `ApiKey ${Buffer.from("docs-key").toString("base64")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ phone, items: [{ sum: 100, qnt: 1, ds: 0, discountPercent: 5 }] }),
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "BAD_REQUEST" });
    expectViolations(sim, { kind: "body", detail: "discountPercent" });
    const noDs = await sim(
      new Request(`http://bonusplus.sim/api/customer?phone=${phone}&debug=1`, {
        headers: { authorization: `ApiKey ${Buffer.from("docs-key").toString("base64")}` },
      }),
    );
    expect(noDs.status).toBe(400);
    expectViolations(sim, { kind: "query", detail: "debug" });
  });
});

describe("rkeeper: calculate → confirm → close for every order, decided by the request", () => {
  const sim = createRkeeperSimulator({ apiKey: "docs-key", password: "docs-password" });
  let provider: LoyaltyProvider;
  beforeAll(async () => {
    provider = (await connect("rkeeper", sim, { rkObjectId: "4174244" }, "/pub")).loyalty();
  });
  afterEach(() => {
    expectNoViolations(sim);
    sim.state.reset();
  });
  const phone = "79001234567";
  const kinds = () => sim.state.operations.map((o) => o.kind);

  it("commits an order that holds nothing by confirming it (payment 0) and closing it, with the vendor's accrual", async () => {
    const orderId = randomUUID();
    const quote = await provider.calculate(cart(phone));
    const receipt = await provider.commit({ orderId, customer: { phone }, cart: cart(phone), idempotencyKey: "k" });
    expect(kinds()).toEqual(["confirm", "close"]);
    expect(receipt).toMatchObject({ reference: orderId, pointsRedeemed: 0, pointsEarned: quote.pointsEarned });
    expect(receipt.pointsEarned).toBeGreaterThan(0);
    expect(sim.state.orders.get(orderId)).toMatchObject({ status: "CLOSED", payment: 0 });
  });

  it("commits a held order by closing it: one confirm, one close", async () => {
    const orderId = randomUUID();
    const held = await provider.hold({
      orderId,
      customer: { phone },
      cart: cart(phone, 30),
      points: 30,
      idempotencyKey: "h",
    });
    await provider.commit({
      orderId,
      customer: { phone },
      cart: cart(phone, 30),
      holdId: held.holdId,
      idempotencyKey: "c",
    });
    expect(kinds()).toEqual(["confirm", "close"]);
    expect(sim.state.orders.get(orderId)).toMatchObject({ status: "CLOSED", payment: 30 });
  });

  it("an unknown phone is CUSTOMER_NOT_FOUND because guests/get returns no guest, whatever the refusal's code", async () => {
    const renamed = createRkeeperSimulator({ apiKey: "docs-key", password: "docs-password" });
    const p = (
      await connect(
        "rkeeper",
        renameErrorCodes(renamed, (b) => (b.error.code = "6666")),
        { rkObjectId: "4174244" },
        "/pub",
      )
    ).loyalty();
    expect(await p.findCustomer({ phone: "79990000000" })).toBeNull();
    expect((await providerError(() => p.calculate(cart("79990000000")))).code).toBe("CUSTOMER_NOT_FOUND");
    const hold = await providerError(() =>
      p.hold({
        orderId: randomUUID(),
        customer: { phone: "79990000000" },
        cart: cart(null),
        points: 1,
        idempotencyKey: "x",
      }),
    );
    expect(hold.code).toBe("CUSTOMER_NOT_FOUND");
    // The other documented answer for a phone with no guest: guests/get's 400 ErrorResponseDto. An
    // anonymous calculation of the same organization goes through, so only the guest was refused.
    renamed.state.unknownGuestAnswer = "error";
    expect(await p.findCustomer({ phone: "79990000000" })).toBeNull();
    expect((await providerError(() => p.calculate(cart("79990000000")))).code).toBe("CUSTOMER_NOT_FOUND");
    expect(await p.findCustomer({ phone })).toMatchObject({ balance: 100 });
    expectNoViolations(renamed);
  });

  it("sends the order's opening time on every call for it, not the time of the call", async () => {
    const orderId = randomUUID();
    const openedAt = "2026-12-06T22:00:00.000Z";
    const opened = { ...cart(phone, 30), openedAt };
    await provider.hold({ orderId, customer: { phone }, cart: opened, points: 30, idempotencyKey: "h1" });
    await provider.release({ orderId, customer: { phone }, holdId: orderId, points: 30, idempotencyKey: "r1" });
    const held = await provider.hold({ orderId, customer: { phone }, cart: opened, points: 20, idempotencyKey: "h2" });
    await provider.commit({ orderId, customer: { phone }, cart: opened, holdId: held.holdId, idempotencyKey: "c" });
    expect(kinds()).toEqual(["confirm", "reset", "confirm", "close"]);
    expect(sim.state.orders.get(orderId)).toMatchObject({ status: "CLOSED", openedAt, payment: 20 });
  });

  it("the simulator refuses a close without a confirm, and a confirm with a stale fingerprint", async () => {
    const gentoken = await sim(
      new Request("http://rkeeper.sim/pub/b2b/v1/auth/gentoken", {
        method: "POST",
        headers: { apikey: "docs-key", "content-type": "application/json" },
        body: JSON.stringify({ password: "docs-password" }),
      }),
    );
    const headers = {
      apikey: "docs-key",
      authorization: `Bearer ${(await gentoken.json()).token}`,
      "content-type": "application/json",
    };
    const post = async (path: string, body: unknown, query = "") =>
      sim(
        new Request(`http://rkeeper.sim/pub/b2b/v1/loyalty${path}${query}`, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
        }),
      );
    const id = randomUUID();
    const closed = await post("/orders/close", { id, closedAt: new Date().toISOString() });
    expect(closed.status).toBe(400);
    expect(await closed.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expectViolations(sim, { kind: "flow", path: "/orders/close" });

    const organization = { type: "rkObjectId", id: "4174244" };
    const guest = { type: "phone", phone: "+79001234567" };
    const order = {
      openedAt: new Date().toISOString(),
      items: [{ product: { code: "drink-1", name: "Чай" }, price: 200, cost: 200, quantity: 1 }],
    };
    const calc = await (await post("/orders/calculate", { order, organization, guest })).json();
    const other = await (await post("/orders/calculate", { order, organization, guest })).json();
    const confirm = (orderId: string, fingerprint: string) =>
      post("/orders/confirm", {
        id: orderId,
        order,
        organization,
        guest,
        loyalty: { pattern: "fingerprint", fingerprint: { value: fingerprint, options: { bonuses: { payment: 0 } } } },
      });
    expect((await confirm(randomUUID(), calc.loyalty.fingerprint)).status).toBe(200);
    // The guest's books moved since `other` was calculated: it must be calculated again.
    const stale = await confirm(randomUUID(), other.loyalty.fingerprint);
    expect(stale.status).toBe(400);
    expectViolations(sim, { kind: "flow", detail: "FINGERPRINT_STALE" });
    // An order is opened once: confirmed again after a reset, it keeps its first confirm's openedAt.
    const opened = randomUUID();
    const fresh = async (o: typeof order) =>
      (await (await post("/orders/calculate", { order: o, organization, guest })).json()).loyalty.fingerprint;
    const confirmAs = async (o: typeof order) =>
      post("/orders/confirm", {
        id: opened,
        order: o,
        organization,
        guest,
        loyalty: {
          pattern: "fingerprint",
          fingerprint: { value: await fresh(o), options: { bonuses: { payment: 0 } } },
        },
      });
    expect((await confirmAs(order)).status).toBe(200);
    expect((await post("/orders/reset", { id: opened, resetAt: new Date().toISOString() })).status).toBe(200);
    const later = { ...order, openedAt: new Date(Date.parse(order.openedAt) + 60_000).toISOString() };
    expect((await confirmAs(later)).status).toBe(400);
    expectViolations(sim, { kind: "flow", detail: "ORDER_OPENED_AT_CHANGED" });
    expect((await confirmAs(order)).status).toBe(200);
    // No query parameter is declared anywhere in the document.
    expect((await post("/orders/calculate", { order, organization, guest }, "?debug=1")).status).toBe(400);
    expectViolations(sim, { kind: "query", detail: "debug" });
  });
});

describe("integrations: the QR token and the seed's field tables", () => {
  const sim = createIntegrationsSimulator({ apiKey: "docs-key" });
  let provider: LoyaltyProvider;
  beforeAll(async () => {
    provider = (await connect("integrations", sim, { outletId: "outlet-1" }, "/api/integrations")).loyalty();
  });
  const post = (path: string, body: unknown) =>
    sim(
      new Request(`http://integrations.sim/api/integrations${path}`, {
        method: "POST",
        headers: { "x-api-key": "docs-key", "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );

  it("an unknown QR token finds nobody (the vendor refuses it as a bad request)", async () => {
    expect(await provider.findCustomerByToken("qr-nobody")).toBeNull();
    expect((await provider.findCustomerByToken("qr-anna-501"))?.phone).toBe("79001234567");
    expectNoViolations(sim);
  });

  it("refuses a field no table names, a non-integer amount, and camelCase", async () => {
    const item = { id_product: "rose-15", qty: 1, price: 3500 };
    expect((await post("/calculate/action", { id_client: "cl-501", items: [item] })).status).toBe(200);
    for (const bad of [
      { id_client: "cl-501", items: [{ ...item, discount: 5 }] },
      { id_client: "cl-501", items: [{ ...item, price: 3500.5 }] },
      { idClient: "cl-501", items: [item] },
    ]) {
      const res = await post("/calculate/action", bad);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: "ValidationFailed", statusCode: 400 });
    }
    expect(expectViolations(sim, { kind: "body" })).toHaveLength(3);
  });
});

describe("loyalclient: the seed's request bodies", () => {
  const sim = createLoyalClientSimulator({ apiKey: "docs-key" });
  const post = (path: string, body: unknown) =>
    sim(
      new Request(`http://loyalclient.sim/integration/general${path}`, {
        method: "POST",
        headers: { apikey: "docs-key", "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );

  it("refuses a field the seed does not show, and a hold longer than 30 minutes, with 422 {field: message}", async () => {
    const extra = await post("/client", { search: "79001234567", point: "point-1", phone: "79001234567" });
    expect(extra.status).toBe(422);
    expectViolations(sim, { kind: "body", detail: "phone" });
    const long = await post("/bonuses/hold", { client: "c-1001", point: "point-1", amount: 10, duration: 31 });
    expect(long.status).toBe(422);
    expect(await long.json()).toHaveProperty("duration");
    expectViolations(sim, { kind: "body", detail: "duration" });
    expect((await post("/bonuses/hold", { client: "c-1001", point: "point-1", amount: 10, duration: 30 })).status).toBe(
      200,
    );
    expectNoViolations(sim);
  });
});
