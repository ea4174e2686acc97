import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CatalogDocument } from "../../generated/graphql/graphql.ts";
import { startTestGateway } from "../support/test-gateway.ts";

const REDIS = process.env.REDIS_URL;

describe.skipIf(!REDIS)("the catalog cache shared through Redis (PostgreSQL + Redis pass)", () => {
  it("feeds 100 concurrent queries split over two instances from one Posiflora call per resource", async () => {
    const env = { CACHE_PREFIX: `lg-shared:${randomUUID()}:`, STATUS_SYNC_SECONDS: "0" };
    const [a, b] = await Promise.all([startTestGateway(env), startTestGateway(env)]);
    try {
      const calls = () =>
        [a, b].reduce(
          (n, t) =>
            n +
            t.gateway.simulators!.posiflora.handler.requests.entries.filter((e) => e.path.startsWith("/api/v1/catalog"))
              .length,
          0,
        );
      for (const t of [a, b]) t.gateway.simulators!.posiflora.handler.requests.clear();
      const query = { shopId: "demo-posiflora", first: 20 };
      const cold = await Promise.all(
        Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).run(CatalogDocument, query)),
      );
      expect(cold.every((r) => r.data?.catalog.__typename === "QueryCatalogSuccess")).toBe(true);
      const coldCalls = calls();
      expect(coldCalls).toBe(1 + 4);
      await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).run(CatalogDocument, query)));
      expect(calls()).toBe(coldCalls);
      console.log(
        `[figures] 100 concurrent catalog queries over 2 instances sharing Redis: cold ${coldCalls} Posiflora calls, warm 0`,
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
