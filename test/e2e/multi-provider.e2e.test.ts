import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerByPhoneDocument } from "../../generated/graphql/graphql.ts";
import { createBonusPlusSimulator } from "../../src/simulators/bonusplus/server.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import { createLoyalClientSimulator } from "../../src/simulators/loyalclient/server.ts";
import { createRkeeperSimulator } from "../../src/simulators/rkeeper/server.ts";
import { asService, startTestGateway, type TestGateway } from "../support/test-gateway.ts";

const POS_KEY = "pos-key-000000000000";
const KEY = "multi-provider-test-key-1";

/**
 * A fetch that holds every loyalty lookup until `width` of them are in flight at once. Calls made one
 * after another never get there, and then proceed only after `giveUpMs`, marked as sequential.
 */
function barrierFetch(width: number, giveUpMs = 3_000) {
  let waiting: Array<() => void> = [];
  const seen = { parallel: false, sequential: false };
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (/\/customer|\/client|guests\/get/.test(url)) {
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length >= width) {
          seen.parallel = true;
          waiting.forEach((r) => r());
          waiting = [];
        } else {
          setTimeout(() => {
            seen.sequential = true;
            resolve();
          }, giveUpMs);
        }
      });
    }
    return globalThis.fetch(input, init);
  };
  return { fetch, seen };
}

describe("a shop with several loyalty programmes", () => {
  const bonusplus = createBonusPlusSimulator({ apiKey: "bp" });
  const loyalclient = createLoyalClientSimulator({ apiKey: "lc" });
  const rkeeper = createRkeeperSimulator({ apiKey: "rk", password: "rkp" });
  const servers: Array<Awaited<ReturnType<typeof listen>>> = [];
  const barrier = barrierFetch(3);
  let t: TestGateway;

  beforeAll(async () => {
    for (const sim of [bonusplus, loyalclient, rkeeper]) servers.push(await listen(sim));
    const [bp, lc, rk] = servers.map((s) => s.url);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-multi-")), "shops.json");
    writeFileSync(
      file,
      JSON.stringify({
        shops: [
          {
            id: "multi",
            name: "Three programmes",
            loyalty: [
              {
                id: "multi-bp",
                adapter: "bonusplus",
                baseUrl: `${bp}/api`,
                timeoutMs: 5000,
                maxRetries: 0,
                options: { store: "Main" },
                credentials: { apiKey: "env:BP_KEY" },
              },
              {
                id: "multi-lc",
                adapter: "loyalclient",
                baseUrl: lc,
                timeoutMs: 5000,
                maxRetries: 0,
                options: { point: "point-1" },
                credentials: { apiKey: "env:LC_KEY" },
              },
              {
                id: "multi-rk",
                adapter: "rkeeper",
                baseUrl: `${rk}/pub`,
                timeoutMs: 5000,
                maxRetries: 0,
                options: { rkObjectId: "4174244" },
                credentials: { apiKey: "env:RK_KEY", password: "env:RK_PASSWORD" },
              },
            ],
            prices: [{ productId: "rose-15", name: "Розы", price: "3500.00" }],
          },
        ],
      }),
    );
    t = await startTestGateway(
      {
        SHOPS_CONFIG: file,
        BP_KEY: "bp",
        LC_KEY: "lc",
        RK_KEY: "rk",
        RK_PASSWORD: "rkp",
        API_KEYS: JSON.stringify([
          { name: "crm", key: KEY, scopes: ["customers:read"] },
          { name: "pos", key: POS_KEY, scopes: ["orders:write", "orders:read"] },
        ]),
      },
      barrier.fetch,
    );
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it("returns every account in one query, the providers asked in parallel", async () => {
    const res = await t.run(CustomerByPhoneDocument, { shopId: "multi", phone: "+79001234567" }, asService(KEY));
    if (res.data?.customer.__typename !== "QueryCustomerSuccess") throw new Error(JSON.stringify(res));
    const accounts = res.data.customer.data.loyalty;
    expect(
      accounts.map((a) => (a.__typename === "LoyaltyAccount" ? `${a.provider.adapter}:${a.balance}` : a.__typename)),
    ).toEqual(["bonusplus:500", "loyalclient:878", "rkeeper:100"]);
    expect(barrier.seen).toEqual({ parallel: true, sequential: false });
  });

  it("degrades only the failing provider's account", async () => {
    loyalclient.faults.add({ kind: "status", status: 503, times: 5 });
    const res = await t.run(CustomerByPhoneDocument, { shopId: "multi", phone: "+79001234567" }, asService(KEY));
    if (res.data?.customer.__typename !== "QueryCustomerSuccess") throw new Error(JSON.stringify(res));
    expect(res.data.customer.data.loyalty.map((a) => a.__typename)).toEqual([
      "LoyaltyAccount",
      "LoyaltyAccountError",
      "LoyaltyAccount",
    ]);
    expect(res.data.customer.data.loyalty[1]).toMatchObject({ code: "PROVIDER_UNAVAILABLE", providerId: "multi-lc" });
  });

  it("places an order with the programme the shop chose, and the order remembers it", async () => {
    const res = await (
      await t.post(
        `mutation C($i: CreateOrderInput!, $k: String!) {
          createOrder(input: $i, idempotencyKey: $k) {
            __typename
            ... on MutationCreateOrderSuccess { data { providerRefs { loyaltyProviderId } } }
          }
        }`,
        {
          i: {
            shopId: "multi",
            phone: "+79001234567",
            providerId: "multi-rk",
            lines: [{ productId: "rose-15", quantity: 1 }],
            fulfilment: { kind: "PICKUP", storeId: "store-1" },
            contact: { name: "Анна" },
          },
          k: "multi-provider-choice-1",
        },
        asService(POS_KEY),
      )
    ).json();
    expect(res.data.createOrder).toMatchObject({ data: { providerRefs: { loyaltyProviderId: "multi-rk" } } });
  });
});
