import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tmaHeader } from "../support/init-data.ts";
import { line, miniAppCustomer } from "../support/orders.ts";
import {
  compose,
  type CrmData,
  serveRecorded,
  startCrmSubgraph,
  startRouter,
  startSubgraph,
} from "../support/federation.ts";
import { asService, startTestGateway, type TestGateway } from "../support/test-gateway.ts";

const SHOP = "demo-bonusplus";
// Four customers BonusPlus knows, and six it does not: ten distinct (provider, phone) pairs.
const PHONES = ["79001234567", "79007654321", "79000000003", "79000000004"].concat(
  Array.from({ length: 6 }, (_, i) => `7900555000${i}`),
);
const FIRST_USER = 9_100_000;

type Body = {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
};

let t: TestGateway;
let ours: Awaited<ReturnType<typeof serveRecorded>>;
let crm: Awaited<ReturnType<typeof startCrmSubgraph>>;
let router: Awaited<ReturnType<typeof startRouter>>;
let ourSdl = "";
const data: CrmData = { notes: new Map(), photos: new Map(), tasks: [], audience: [] };
const ids: string[] = [];
let orderId = "";

/** BonusPlus customer lookups (`GET /api/customer?phone=`): one per (provider, phone) a request asks for. */
const vendorLookups = () => t.gateway.simulators!.bonusplus.handler.requests.count("GET", "/customer");

async function gql(url: string, query: string, variables?: Record<string, unknown>, headers = {}): Promise<Body> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Body;
}

const CUSTOMER = `query C($shopId: ID!, $phone: String!) {
  customer(shopId: $shopId, phone: $phone) {
    ... on QueryCustomerSuccess { data { id phone crmNote loyalty { ... on LoyaltyAccount { balance } } } }
    ... on Error { code }
  }
}`;
const ENTITIES = `query E($r: [_Any!]!) {
  _entities(representations: $r) { __typename ... on Customer { id phone loyalty { __typename } } ... on Order { id } }
}`;

beforeAll(async () => {
  t = await startTestGateway();
  const buyer = await miniAppCustomer(t, SHOP, PHONES[0]!);
  orderId = buyer.ok(await buyer.create([line("rose", 1)])).id;
  for (const [i, phone] of PHONES.entries()) {
    const res = await (
      await t.post(
        `mutation L($i: LinkTelegramUserInput!) { linkTelegramUser(input: $i) { ... on MutationLinkTelegramUserSuccess { data { id } } } }`,
        { i: { shopId: SHOP, phone, telegramUserId: String(FIRST_USER + i) } },
        asService(),
      )
    ).json();
    ids.push(res.data.linkTelegramUser.data.id);
    data.notes.set(ids[i]!, `note for ${phone}`);
  }
  data.photos.set(orderId, "http://crm.test/photos/1.jpg");
  data.tasks.push({ id: "task-1", title: "Позвонить после доставки", customerId: ids[0]!, orderId });
  // 100 recipients over 10 customers: each customer ten times.
  data.audience.push(...Array.from({ length: 100 }, (_, i) => ids[i % ids.length]!));

  ours = await serveRecorded((request) => t.gateway.yoga.fetch(request));
  crm = await startCrmSubgraph(data);
  // What a router's composition step (rover, hive-cli) reads: the subgraph SDL from `_service`.
  ourSdl = (await gql(ours.url, "{ _service { sdl } }", undefined, asService())).data!._service.sdl;
  const supergraph = compose([
    { name: "loyalty", url: ours.url, sdl: ourSdl },
    { name: "crm", url: crm.url, sdl: crm.sdl },
  ]);
  router = await startRouter(supergraph, "loyalty");
}, 60_000);

afterAll(async () => {
  await router?.close();
  await crm?.close();
  await ours?.close();
  await t?.close();
});

beforeEach(() => {
  t.gateway.simulators!.bonusplus.handler.requests.clear();
  ours.requests.length = 0;
});

describe("a router joins our subgraph with another one", () => {
  it("adds the other subgraph's fields to our Customer and Order", async () => {
    const customer = await gql(router.url, CUSTOMER, { shopId: SHOP, phone: PHONES[0] }, asService());
    expect(customer).toEqual({
      data: {
        customer: {
          data: { id: ids[0], phone: PHONES[0], crmNote: `note for ${PHONES[0]}`, loyalty: [{ balance: 500 }] },
        },
      },
    });
    const order = await gql(
      router.url,
      `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { id status deliveryPhotoUrl } } } }`,
      { id: orderId },
      asService(),
    );
    expect(order.data?.order.data).toEqual({
      id: orderId,
      status: "CALCULATED",
      deliveryPhotoUrl: data.photos.get(orderId),
    });
  });

  it("resolves our fields of the Customer and Order the other subgraph refers to", async () => {
    const res = await gql(
      router.url,
      `{ crmTasks { title customer { id phone name crmNote } order { id status total { amount } deliveryPhotoUrl } } }`,
      undefined,
      asService(),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.crmTasks).toEqual([
      {
        title: "Позвонить после доставки",
        customer: { id: ids[0], phone: PHONES[0], name: "Анна Петрова", crmNote: `note for ${PHONES[0]}` },
        order: {
          id: orderId,
          status: "CALCULATED",
          total: { amount: expect.any(Number) },
          deliveryPhotoUrl: data.photos.get(orderId),
        },
      },
    ]);
    // The router fetched both our entities in one request to us.
    expect(ours.requests).toHaveLength(1);
    expect(ours.requests[0]!.body.query).toContain("_entities");
  });
});

describe("_entities batching", () => {
  it("answers 100 representations in one call with one vendor call per distinct (provider, phone)", async () => {
    const representations = data.audience.map((id) => ({ __typename: "Customer", id }));
    const res = await gql(ours.url, ENTITIES, { r: representations }, asService());
    expect(res.errors).toBeUndefined();
    expect(res.data?._entities).toHaveLength(100);
    expect(res.data?._entities.map((e: { id: string }) => e.id)).toEqual(data.audience);
    expect(ours.requests).toHaveLength(1);
    expect(vendorLookups()).toBe(10);
  });

  it("costs one request to our gateway and one vendor call per phone for a list of 100 through the router", async () => {
    const res = await gql(
      router.url,
      `{ crmAudience { id phone crmNote loyalty { __typename } } }`,
      undefined,
      asService(),
    );
    expect(res.errors).toBeUndefined();
    const audience = res.data?.crmAudience as Array<{ id: string; phone: string; crmNote: string }>;
    expect(audience).toHaveLength(100);
    expect(audience.map((c) => c.id)).toEqual(data.audience);
    expect(audience[13]).toMatchObject({ id: ids[3], phone: PHONES[3], crmNote: `note for ${PHONES[3]}` });
    expect(ours.requests).toHaveLength(1);
    const sent = ours.requests[0]!.body.variables?.representations as unknown[];
    expect(sent.length).toBeGreaterThanOrEqual(10);
    expect(sent.length).toBeLessThanOrEqual(100);
    expect(vendorLookups()).toBe(10);
  });
});

describe("a representation without its key", () => {
  it("is an INVALID_INPUT error of its own item, and the rest of the list resolves", async () => {
    const res = await gql(
      ours.url,
      ENTITIES,
      { r: [{ __typename: "Customer", id: ids[0] }, { __typename: "Customer" }, { __typename: "Order", id: orderId }] },
      asService(),
    );
    expect(res.data?._entities).toEqual([
      { __typename: "Customer", id: ids[0], phone: PHONES[0], loyalty: [{ __typename: "LoyaltyAccount" }] },
      null,
      { __typename: "Order", id: orderId },
    ]);
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ["_entities", 1],
        message: 'representations[1].id is missing: a Customer representation needs its key field "id"',
        extensions: { code: "INVALID_INPUT" },
      }),
    ]);
  });

  it("through the router, nulls only its own entry (a subgraph whose key is nullable refers to it)", async () => {
    const legacy = await startSubgraph(
      /* GraphQL */ `
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
        type Customer @key(fields: "id", resolvable: false) {
          id: ID
        }
        type Visit {
          id: ID!
          customer: Customer
        }
        type Query {
          visits: [Visit!]!
        }
      `,
      {
        Query: {
          visits: () => [
            { id: "v1", customer: { id: ids[0] } },
            { id: "v2", customer: { id: null } },
            { id: "v3", customer: { id: "" } },
            { id: "v4", customer: { id: ids[1] } },
          ],
        },
      },
    );
    const legacyRouter = await startRouter(
      compose([
        { name: "loyalty", url: ours.url, sdl: ourSdl },
        { name: "legacy", url: legacy.url, sdl: legacy.sdl },
      ]),
      "loyalty",
    );
    try {
      const res = await gql(legacyRouter.url, `{ visits { id customer { id phone } } }`, undefined, asService());
      expect(res.data?.visits).toEqual([
        { id: "v1", customer: { id: ids[0], phone: PHONES[0] } },
        { id: "v2", customer: null },
        { id: "v3", customer: null },
        { id: "v4", customer: { id: ids[1], phone: PHONES[1] } },
      ]);
      // Hive Gateway sends no representation whose key is null (it nulls that entry itself); the empty
      // key reaches us, and our item error comes back on its own entry, with its code.
      expect(ours.requests).toHaveLength(1);
      expect(ours.requests[0]!.body.variables?.representations).toEqual([
        { __typename: "Customer", id: ids[0] },
        { __typename: "Customer", id: "" },
        { __typename: "Customer", id: ids[1] },
      ]);
      expect(res.errors).toContainEqual(
        expect.objectContaining({
          path: ["visits", 2, "customer", "phone"],
          message: "representations[1].id must be a non-empty string of at most 200 characters",
          extensions: { code: "INVALID_INPUT", serviceName: "loyalty" },
        }),
      );
      expect(res.errors?.find((e) => e.path?.[1] === 1)).toBeDefined();
    } finally {
      await legacyRouter.close();
      await legacy.close();
    }
  });
});

describe("the caller's Authorization through the router", () => {
  it("reaches our subgraph, and only ours", async () => {
    const query = CUSTOMER;
    const vars = { shopId: SHOP, phone: PHONES[0] };
    const [stranger, owner, service] = [tmaHeader(FIRST_USER + 50), tmaHeader(FIRST_USER), asService()];
    const anonymous = await gql(router.url, query, vars);
    expect(anonymous.data).toBeNull();
    expect(anonymous.errors).toEqual([
      expect.objectContaining({ path: ["customer"], extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) }),
    ]);
    const refused = await gql(router.url, query, vars, stranger);
    expect(refused.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN" }) }),
    ]);
    expect((await gql(router.url, query, vars, service)).data?.customer.data.id).toBe(ids[0]);
    // The Mini App user linked to the phone reads their own customer through the router with initData.
    const own = await gql(router.url, query, vars, owner);
    expect(own.data?.customer.data).toMatchObject({ id: ids[0], crmNote: `note for ${PHONES[0]}` });

    expect(ours.requests.map((r) => r.authorization)).toEqual([
      undefined,
      stranger.authorization,
      service.authorization,
      owner.authorization,
    ]);
    // The CRM subgraph was asked for crmNote, and never saw a caller's credentials.
    expect(crm.authorizations.length).toBeGreaterThan(0);
    expect(crm.authorizations.every((a) => a === null)).toBe(true);
  });
});
