import { createSchema, createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { useHealth } from "./health.ts";
import { createLogger } from "./logger.ts";

const yogaWith = (ready: () => Promise<void>) =>
  createYoga({
    schema: createSchema({ typeDefs: "type Query { ok: Boolean }" }),
    plugins: useHealth(ready, createLogger("silent"), 100),
  });

describe("/readyz", () => {
  it("is ready when the database answers, and not ready when it refuses", async () => {
    expect((await yogaWith(() => Promise.resolve()).fetch("http://x/readyz")).status).toBe(200);
    const refused = await yogaWith(() => Promise.reject(new Error("ECONNREFUSED"))).fetch("http://x/readyz");
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ status: "not ready" });
  });

  it("answers not ready at its timeout when the database hangs", async () => {
    const started = Date.now();
    const hung = await yogaWith(() => new Promise<void>(() => {})).fetch("http://x/readyz");
    expect(hung.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
