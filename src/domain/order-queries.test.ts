import { describe, expect, it } from "vitest";
import type { CustomerService } from "./customer.service.ts";
import { OrderAccess } from "./order-access.ts";
import { OrderQueries } from "./order-queries.ts";
import type { OrderRecord } from "./order.ts";
import { createRequestScope } from "./request-scope.ts";
import type { ShopDirectory } from "./shop-directory.ts";
import type { OrderRepository } from "./ports/order-repository.port.ts";

function setup() {
  const rows = new Map<string, OrderRecord>();
  const reads: string[][] = [];
  const repo = {
    get: async (id: string) => rows.get(id) ?? null,
    getMany: async (ids: readonly string[]) => {
      reads.push([...ids]);
      return ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : []));
    },
  } as unknown as OrderRepository;
  const shops = {} as ShopDirectory;
  const customers = {} as CustomerService;
  const queries = new OrderQueries(shops, customers, new OrderAccess(repo, shops, customers), repo);
  const put = (id: string, status: string) => rows.set(id, { id, status, version: 1 } as OrderRecord);
  return { queries, put, reads };
}

const reader = () => createRequestScope({ kind: "service", name: "ops", scopes: new Set(["orders:read"]) });

describe("OrderQueries.watch: subscribers' reads", () => {
  it("answers every subscriber of one turn from one read, each distinct order once", async () => {
    const { queries, put, reads } = setup();
    put("a", "PLACED");
    put("b", "READY");
    const answers = await Promise.all(["a", "a", "b", "a", "b"].map((id) => queries.watch(reader(), id)));
    expect(answers.map((o) => o.status)).toEqual(["PLACED", "PLACED", "READY", "PLACED", "READY"]);
    expect(reads).toEqual([["a", "b"]]);
  });

  it("reads a storm's orders in one query however many subscribers watch each, 500 orders at most a query", async () => {
    const { queries, put, reads } = setup();
    const ids = Array.from({ length: 600 }, (_, i) => `o${i}`);
    for (const id of ids) put(id, "READY");
    // 100 subscribers of each of the first 100 orders: 10,000 calls in one window.
    const watched = ids.slice(0, 100).flatMap((id) => Array.from({ length: 100 }, () => id));
    await Promise.all(watched.map((id) => queries.watch(reader(), id)));
    expect(reads.map((r) => r.length)).toEqual([100]);
    reads.length = 0;
    await Promise.all(ids.map((id) => queries.watch(reader(), id)));
    expect(reads.map((r) => r.length)).toEqual([500, 100]);
  });

  it("caches nothing: a change made before a subscriber asks is what it reads", async () => {
    const { queries, put, reads } = setup();
    put("a", "PLACED");
    expect((await queries.watch(reader(), "a")).status).toBe("PLACED");
    put("a", "COMPLETED");
    expect((await queries.watch(reader(), "a")).status).toBe("COMPLETED");
    expect(reads).toHaveLength(2);
  });

  it("refuses a viewer who may not read the order, as get does", async () => {
    const { queries, put } = setup();
    put("a", "PLACED");
    const stranger = createRequestScope({ kind: "service", name: "x", scopes: new Set() });
    await expect(queries.watch(stranger, "a")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(queries.watch(reader(), "missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
