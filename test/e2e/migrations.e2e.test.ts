import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "libsql";
import pg from "pg";
import { describe, expect, it } from "vitest";

/**
 * The migration that makes the points hold one column group carries existing orders over: a hold the
 * ledger kept (a "ledger:" prefix on holdId, as before) becomes kind "ledger" with the ledger's key, a
 * vendor's keeps its reference, its points and expiry, and an order without one has none. Run on SQLite,
 * and on PostgreSQL where the run has one (TEST_DATABASE_URL).
 */
const HOLD_MIGRATION = "20261207030000_order_hold_value";

function migrations(dir: string) {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const i = names.indexOf(HOLD_MIGRATION);
  expect(i).toBeGreaterThan(0);
  const sql = (name: string) => readFileSync(path.join(dir, name, "migration.sql"), "utf8");
  return { before: names.slice(0, i).map(sql), hold: sql(HOLD_MIGRATION) };
}

const ROWS: Array<[string, string | null, number, string | null]> = [
  ["o-ledger", "ledger:o-ledger:HOLD:v2", 40, null],
  ["o-vendor", "lc-hold-77", 25, "2026-12-07T10:30:00.000Z"],
  ["o-none", null, 0, null],
];
const EXPECTED = [
  { id: "o-ledger", holdKind: "ledger", holdRef: "o-ledger:HOLD:v2", holdPoints: 40, expires: false },
  { id: "o-none", holdKind: null, holdRef: null, holdPoints: 0, expires: false },
  { id: "o-vendor", holdKind: "vendor", holdRef: "lc-hold-77", holdPoints: 25, expires: true },
];
const INSERT = `insert into "Order" ("id", "shopId", "status", "loyaltyProviderId", "currency", "lines", "fulfilment",
  "contact", "updatedAt", "holdId", "pointsHeld", "holdExpiresAt") values ($1, 's', 'BONUSES_HELD', 'p', 'RUB', '[]', '{}',
  '{}', CURRENT_TIMESTAMP, $2, $3, $4)`;
const SELECT = `select "id", "holdKind", "holdRef", "holdPoints", "holdExpiresAt" from "Order" order by "id"`;

describe("the hold's migration carries orders over", () => {
  it.skipIf(!!process.env.TEST_DATABASE_URL)("on SQLite", () => {
    const { before, hold } = migrations("prisma/sqlite/migrations");
    const db = new Database(":memory:");
    for (const sql of before) db.exec(sql);
    const insert = db.prepare(INSERT.replace(/\$\d/g, "?"));
    for (const row of ROWS) insert.run(row);
    db.exec(hold);
    const rows = db.prepare(SELECT).all() as Array<Record<string, unknown>>;
    db.close();
    expect(rows.map((r) => ({ ...r, expires: r.holdExpiresAt !== null, holdExpiresAt: undefined }))).toEqual(
      EXPECTED.map((e) => ({ ...e, holdExpiresAt: undefined })),
    );
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("on PostgreSQL", async () => {
    const { before, hold } = migrations("prisma/pg/migrations");
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const name = `lg_migration_${process.pid}_${Date.now()}`;
    await admin.query(`create database ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    const db = new pg.Client({ connectionString: url.toString() });
    try {
      await db.connect();
      for (const sql of before) await db.query(sql);
      for (const row of ROWS) await db.query(INSERT, row);
      await db.query(hold);
      const { rows } = await db.query(SELECT);
      expect(rows.map((r) => ({ ...r, expires: r.holdExpiresAt !== null, holdExpiresAt: undefined }))).toEqual(
        EXPECTED.map((e) => ({ ...e, holdExpiresAt: undefined })),
      );
    } finally {
      await db.end();
      await admin.query(`drop database if exists ${name}`);
      await admin.end();
    }
  });
});
