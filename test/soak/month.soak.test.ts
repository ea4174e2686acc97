import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it, vi } from "vitest";
import { runMonth } from "./month.ts";

/**
 * The month, simulated (issue 27): `npm run soak` runs 2,000 orders; the test suite runs 200 (SOAK_ORDERS).
 * The process's Date is the month's clock; timers stay real.
 */
const ORDERS = Number(process.env.SOAK_ORDERS ?? 200);
const DAYS = Number(process.env.SOAK_DAYS ?? 30);

afterAll(() => vi.useRealTimers());

describe("a month in the life of five shops", () => {
  it(`${ORDERS} orders over ${DAYS} days: books agree, nothing left locked, the poller keeps up`, async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    const pg = process.env.TEST_DATABASE_URL;
    let databaseUrl: string;
    if (pg) {
      const url = new URL(pg);
      url.pathname = `/lg_soak_${process.pid}_${Date.now()}`;
      databaseUrl = url.toString();
    } else {
      const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-soak-db-")), "gateway.db");
      copyFileSync(inject("templateDb"), file);
      databaseUrl = `file:${file}`;
    }
    const report = await runMonth({
      orders: ORDERS,
      days: DAYS,
      seed: Number(process.env.SOAK_SEED ?? 20261207),
      databaseUrl,
      migrate: Boolean(pg),
      setClock: (at) => vi.setSystemTime(at),
    });
    process.stdout.write(`SOAK ${JSON.stringify(report)}\n`);
    expect(report.problems).toEqual([]);
    expect(report.orders).toBeGreaterThanOrEqual(ORDERS * 0.95);
    // Each step (10 simulated minutes) polls once: the statuses are never more than two steps behind at the end.
    expect(report.endLagSeconds).toBeLessThan(2 * 600);
    expect(report.restarts).toBeGreaterThan(0);
    // Memory: judged over the full month only, where a leak would show over thousands of orders.
    if (ORDERS >= 1000) expect(report.rssMb.last).toBeLessThanOrEqual(report.rssMb.day1 * 1.2);
  }, 3_600_000);
});
