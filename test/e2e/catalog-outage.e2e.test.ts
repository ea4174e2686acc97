import { describe, expect, it } from "vitest";
import { CatalogDocument } from "../../generated/graphql/graphql.ts";
import { startTestGateway } from "../support/test-gateway.ts";

describe("the shop window when Posiflora fails", () => {
  it("answers PROVIDER_UNAVAILABLE with nothing cached, and serves the last catalog once it has one", async () => {
    // Every entry expires at once, so each read asks Posiflora again.
    const t = await startTestGateway({
      CATALOG_TTL_SECONDS: "0",
      CATALOG_STALE_SECONDS: "0",
      STATUS_SYNC_SECONDS: "0",
    });
    try {
      const posiflora = t.gateway.simulators!.posiflora.handler;
      const query = { shopId: "demo-posiflora", first: 5 };
      posiflora.faults.add({ kind: "status", status: 500, times: 50, path: "/api/v1/catalog" });
      const cold = await t.run(CatalogDocument, query);
      expect(cold.data?.catalog).toMatchObject({ __typename: "ProviderError", code: "PROVIDER_UNAVAILABLE" });
      expect(JSON.stringify(cold)).not.toMatch(/stack|Internal Server Error/i);

      posiflora.faults.clear();
      const ok = await t.run(CatalogDocument, query);
      if (ok.data?.catalog.__typename !== "QueryCatalogSuccess") throw new Error(JSON.stringify(ok));
      posiflora.requests.clear();
      posiflora.faults.add({ kind: "status", status: 500, times: 50, path: "/api/v1/catalog" });
      const down = await t.run(CatalogDocument, query);
      expect(posiflora.requests.count("GET", "/api/v1/catalog")).toBeGreaterThan(0); // it did ask, and failed
      expect(down.data?.catalog).toEqual(ok.data.catalog);
      expect(t.gateway.cache.stats.staleOnError).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
