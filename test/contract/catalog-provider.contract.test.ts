import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { providerError } from "../support/provider-error.ts";
import type { CatalogProvider } from "../../src/domain/ports/catalog.port.ts";
import { createOrderSystem } from "../../src/config/providers.ts";
import { createLogger } from "../../src/server/logger.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import { DEMO_ITEMS, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { createPosifloraSimulator } from "../../src/simulators/posiflora/server.ts";

const TIMEOUT_MS = 400;

/** Every shop-window adapter wired to its simulator over real HTTP on 127.0.0.1 (Posiflora is the one today). */
const SUBJECTS = [
  {
    id: "posiflora",
    async start() {
      const sim = createPosifloraSimulator({ username: "u", password: "p" });
      const server = await listen(sim);
      const system = createOrderSystem(
        {
          id: "contract-catalog",
          adapter: "posiflora",
          baseUrl: `${server.url}/api`,
          timeoutMs: TIMEOUT_MS,
          maxRetries: 2,
          options: { imageUrlTemplate: "https://img.test/{id}.jpg" },
          credentials: { username: "env:U", password: "env:P" },
        },
        "contract",
        { U: "u", P: "p" },
        { fetch: globalThis.fetch, logger: createLogger("silent") },
      );
      return { catalog: system.catalog!, sim, close: server.close };
    },
  },
];

describe.each(SUBJECTS)("catalog provider contract: $id", (subject) => {
  let catalog: CatalogProvider;
  let sim: Awaited<ReturnType<(typeof SUBJECTS)[number]["start"]>>["sim"];
  let close: () => Promise<void>;

  beforeAll(async () => ({ catalog, sim, close } = await subject.start()));
  afterAll(() => close());
  beforeEach(() => {
    sim.state.reset();
    sim.faults.clear();
  });

  it("lists categories and every product of a category, across pages, in minor units", async () => {
    const categories = await catalog.categories();
    expect(categories.length).toBeGreaterThan(1);
    const roses = categories[0]!;
    for (let i = 0; i < 150; i++) {
      const id = `extra-${i}`;
      sim.state.catalog.items.set(id, {
        ...sim.state.catalog.items.get(demoItemId("rose"))!,
        id,
        title: `Роза ${i}`,
        price: 10_050 + i,
      });
    }
    const listed = await catalog.products(roses.id);
    expect(listed!.products).toHaveLength(DEMO_ITEMS.filter((i) => i.category === roses.id).length + 150);
    expect(listed!.products.find((p) => p.id === "extra-3")).toMatchObject({
      minPrice: 10_053,
      maxPrice: 10_053,
      categoryId: roses.id,
    });
    expect(listed!.products.find((p) => p.id === demoItemId("rose-51"))).toMatchObject({
      minPrice: 990_000,
      maxPrice: 1_050_000,
    });
    expect(await catalog.products("no-such-category")).toBeNull();
  });

  it("reads one product's description and photos, and null for an unknown one", async () => {
    const detail = await catalog.productDetail(demoItemId("rose-15"));
    expect(detail?.description).toContain("роз");
    expect(detail?.photoUrls.every((u) => u.startsWith("https://img.test/"))).toBe(true);
    expect(detail?.photoUrls.length).toBeGreaterThan(0);
    expect(await catalog.productDetail("no-such-item")).toBeNull();
  });

  it("lists stores, what each sells at its price, and stock where it is counted", async () => {
    const stores = await catalog.stores();
    expect(stores.map((s) => s.id)).toEqual(["store-1", "store-2"]);
    const park = new Map((await catalog.storeOffers("store-2")).map((o) => [o.productId, o.price]));
    expect(park.get(demoItemId("rose-51"))).toBe(990_000);
    const main = new Map((await catalog.storeOffers("store-1")).map((o) => [o.productId, o.price]));
    expect(main.has(demoItemId("rose-101"))).toBe(false);
    expect(await catalog.stock(demoItemId("author-tender"), "store-1")).toBe(3);
    expect(await catalog.stock(demoItemId("rose-15"), "store-1")).toBeNull();
  });

  it("reports a revision that moves when the catalog changes", async () => {
    const before = await catalog.revision();
    sim.state.catalog.update(demoItemId("vase"), { price: 99_000 });
    expect(await catalog.revision()).toBeGreaterThan(before!);
  });

  it("retries its reads on 5xx, and maps timeouts and malformed answers to PROVIDER_UNAVAILABLE", async () => {
    await catalog.categories(); // the session first
    sim.requests.clear();
    sim.faults.add({ kind: "status", status: 503, times: 1, path: "/catalog/categories" });
    expect((await catalog.categories()).length).toBeGreaterThan(0);
    expect(sim.requests.count("GET", "/catalog/categories")).toBe(2);
    sim.faults.add({ kind: "timeout", times: 5 });
    expect(await providerError(() => catalog.stores())).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      vendorCode: "TIMEOUT",
    });
    sim.faults.clear();
    sim.faults.add({ kind: "malformed", times: 1 });
    expect(await providerError(() => catalog.categories())).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      vendorCode: "BAD_RESPONSE",
    });
  });
});
