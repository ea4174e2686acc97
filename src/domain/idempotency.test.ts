import { describe, expect, it } from "vitest";
import { Idempotency } from "./idempotency.ts";
import type { Claim, IdempotencyRepository } from "./ports/idempotency-repository.port.ts";

/** Claims in memory, and a switch that makes every call fail as a database that went away would. */
class FlakyRepo implements IdempotencyRepository {
  down = false;
  readonly rows = new Map<string, { hash: string; response: string | null; at: number }>();

  private check() {
    if (this.down) throw new Error("Can't reach database server at 127.0.0.1:5432");
  }
  async claim(key: string, hash: string, takeOverMs: number): Promise<Claim> {
    this.check();
    const row = this.rows.get(key);
    if (!row) {
      this.rows.set(key, { hash, response: null, at: Date.now() });
      return { kind: "new" };
    }
    if (row.hash !== hash) return { kind: "conflict" };
    if (row.response !== null) return { kind: "done", response: row.response };
    if (Date.now() - row.at > takeOverMs) return { kind: "new" };
    return { kind: "busy", since: new Date(row.at) };
  }
  async complete(key: string, response: string): Promise<void> {
    this.check();
    this.rows.get(key)!.response = response;
  }
  async abandon(key: string): Promise<void> {
    this.check();
    if (this.rows.get(key)?.response === null) this.rows.delete(key);
  }
}

const codec = { encode: (v: string) => v, decode: async (s: string) => s };

describe("Idempotency while the database goes away mid-request", () => {
  it("a request that failed, its claim not given up, runs again at once under the same key", async () => {
    const repo = new FlakyRepo();
    const idem = new Idempotency(repo, 30_000, 2_000);
    await expect(
      idem.once(
        "key-1",
        { a: 1 },
        async () => {
          repo.down = true;
          throw new Error("Connection terminated unexpectedly");
        },
        codec,
      ),
    ).rejects.toThrow(/Connection terminated/);
    expect(repo.rows.get("key-1")?.response).toBeNull(); // the claim is still there

    repo.down = false;
    const started = Date.now();
    let runs = 0;
    const answer = await idem.once("key-1", { a: 1 }, async () => `run ${++runs}`, codec);
    expect(answer).toBe("run 1");
    expect(Date.now() - started).toBeLessThan(1_000); // not the 2 s wait, nor the 30 s takeover
  });

  it("a request that succeeded, its answer not recorded, gives that answer to the repeat without running again", async () => {
    const repo = new FlakyRepo();
    const idem = new Idempotency(repo, 30_000, 2_000);
    let runs = 0;
    await expect(
      idem.once(
        "key-2",
        { b: 2 },
        async () => {
          runs++;
          repo.down = true;
          return "placed";
        },
        codec,
      ),
    ).rejects.toThrow(/Can't reach database/);

    repo.down = false;
    expect(await idem.once("key-2", { b: 2 }, async () => `again ${++runs}`, codec)).toBe("placed");
    expect(runs).toBe(1);
    expect(repo.rows.get("key-2")?.response).toBe(JSON.stringify({ ok: "placed" }));
  });
});
