import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CalculateCartDocument } from "../../generated/graphql/graphql.ts";
import { DEMO_ITEMS, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { spawnGateway } from "../support/spawn-gateway.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const SHOP = "demo-bonusplus";
const gw = useDemoGateway({ STATUS_SYNC_SECONDS: "0" });
const bonusplus = () => gw.t.gateway.simulators!.bonusplus.handler;
const imported = () => bonusplus().state.products.stores.get("Демо-магазин")?.size ?? 0;
const SYNC = `mutation S($s: ID!, $b: Int, $k: String!) { syncProducts(shopId: $s, batchSize: $b, idempotencyKey: $k) {
  __typename ... on MutationSyncProductsSuccess { data { providerId total changed sent batch batches } } ... on Error { code message } } }`;
const sync = async (batchSize = 10) =>
  (await (await gw.t.post(SYNC, { s: SHOP, b: batchSize, k: randomUUID() }, asService())).json()).data.syncProducts;

describe("product sync to BonusPlus", () => {
  it("sends the catalog in batches, resumes after a failed batch, then sends only what changed", async () => {
    await bonusplus()(
      new Request("http://bonusplus.sim/__sim/faults", {
        method: "POST",
        body: JSON.stringify({ kind: "status", status: 400, path: "/product/import", after: 2 }),
      }),
    );
    const failed = await sync(10);
    expect(failed).toMatchObject({ __typename: "ProviderError" });
    expect(imported()).toBe(20); // two batches got through and were recorded

    bonusplus().requests.clear();
    const resumed = await sync(10);
    expect(resumed).toMatchObject({
      __typename: "MutationSyncProductsSuccess",
      data: [
        {
          providerId: "demo-bonusplus",
          total: DEMO_ITEMS.length,
          changed: DEMO_ITEMS.length - 20,
          sent: DEMO_ITEMS.length - 20,
        },
      ],
    });
    expect(bonusplus().requests.count("POST", "/product/import")).toBe(Math.ceil((DEMO_ITEMS.length - 20) / 10));
    expect(imported()).toBe(DEMO_ITEMS.length);

    bonusplus().requests.clear();
    expect(await sync(10)).toMatchObject({ data: [{ changed: 0, sent: 0, batches: 0 }] });
    expect(bonusplus().requests.count("POST", "/product/import")).toBe(0);

    await gw.t.gateway.simulators!.posiflora.handler(
      new Request(`http://posiflora.sim/__sim/catalog/items/${demoItemId("vase")}`, {
        method: "POST",
        body: JSON.stringify({ price: 95_000 }),
      }),
    );
    expect(await sync(10)).toMatchObject({ data: [{ changed: 1, sent: 1, batches: 1 }] });
    expect(bonusplus().state.products.stores.get("Демо-магазин")!.get(demoItemId("vase"))).toMatchObject({
      price: 95_000,
      cat: "Дополнения",
    });
  });

  it("makes product-bound promotions show in the calculation once the product is imported", async () => {
    const calc = () =>
      gw.t.run(
        CalculateCartDocument,
        { input: { shopId: SHOP, phone: "+79001234567", lines: [{ productId: demoItemId("tulip-25"), quantity: 1 }] } },
        asService(),
      );
    await bonusplus()(new Request("http://bonusplus.sim/__sim/reset", { method: "POST" }));
    const before = (await calc()).data?.loyaltyCalculation;
    if (before?.__typename !== "QueryLoyaltyCalculationSuccess") throw new Error(JSON.stringify(before));
    expect(before.data.lines[0]!.messages).toEqual(["Скидка по карте Silver"]);
    await gw.t.post(
      `mutation { syncProducts(shopId: "${SHOP}", force: true, idempotencyKey: "${randomUUID()}") { __typename } }`,
      {},
      asService(),
    );
    const after = (await calc()).data?.loyaltyCalculation;
    if (after?.__typename !== "QueryLoyaltyCalculationSuccess") throw new Error(JSON.stringify(after));
    expect(after.data.lines[0]!.messages).toEqual([
      "Скидка по карте Silver",
      "Весенняя акция: +5% бонусов на тюльпаны",
    ]);
    expect(after.data.pointsEarned).toBeGreaterThan(before.data.pointsEarned);
  });

  it("needs the catalog:sync scope and a shop with an importing provider", async () => {
    const anonymous = await (await gw.t.post(SYNC, { s: SHOP, k: randomUUID() })).json();
    expect(anonymous.errors?.[0]?.extensions?.code ?? anonymous.data?.syncProducts?.code).toBe("UNAUTHENTICATED");
    expect(
      await (async () =>
        (await (await gw.t.post(SYNC, { s: "demo-rkeeper", k: randomUUID() }, asService())).json()).data
          .syncProducts)(),
    ).toMatchObject({ __typename: "ProviderError", code: "UNSUPPORTED_BY_PROVIDER" });
  });
});

describe("npm run sync:products", () => {
  it("imports the demo catalog through a running gateway and draws a progress bar from the subscription", async () => {
    const gateway = await spawnGateway({
      DATABASE_URL: `file:${path.join(mkdtempSync(path.join(tmpdir(), "lg-sync-")), "g.db")}`,
      STATUS_SYNC_SECONDS: "0",
      CATALOG_POLL_SECONDS: "0",
    });
    try {
      const run = () =>
        promisify(execFile)(
          process.execPath,
          [
            "--import",
            "tsx",
            "scripts/sync-products.ts",
            "--shop",
            SHOP,
            "--batch-size",
            "10",
            "--url",
            `${gateway.url}/graphql`,
          ],
          { cwd: path.resolve(import.meta.dirname, "../..") },
        );
      const first = await run();
      const bars = first.stdout.split("\n").filter((l) => l.includes("] "));
      const n = DEMO_ITEMS.length;
      const batches = Math.ceil(n / 10);
      expect(bars[0]).toContain(`] 0/${n} sent`);
      expect(bars.length).toBe(1 + batches);
      expect(bars.at(-1)).toContain(`[${"#".repeat(30)}] ${n}/${n} sent · 0 unchanged · batch ${batches}/${batches}`);
      expect(first.stdout).toContain(`done: demo-bonusplus: ${n} sent in ${batches} batches`);
      const second = await run();
      expect(second.stdout).toContain(
        `done: demo-bonusplus: 0 sent in 0 batches, ${DEMO_ITEMS.length} of ${DEMO_ITEMS.length} unchanged`,
      );
    } finally {
      await gateway.stop();
    }
  }, 60_000);
});
