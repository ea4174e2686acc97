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

function migrationsUpTo(dir: string, target: string) {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const i = names.indexOf(target);
  expect(i).toBeGreaterThan(0);
  const sql = (name: string) => readFileSync(path.join(dir, name, "migration.sql"), "utf8");
  return { before: names.slice(0, i).map(sql), target: sql(target) };
}

function migrations(dir: string) {
  const { before, target } = migrationsUpTo(dir, HOLD_MIGRATION);
  return { before, hold: target };
}

/** A new PostgreSQL database of the run's server for `work`, dropped afterwards. */
async function withPgDatabase(prefix: string, work: (db: pg.Client) => Promise<void>) {
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  await admin.query(`create database ${name}`);
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  const db = new pg.Client({ connectionString: url.toString() });
  try {
    await db.connect();
    await work(db);
  } finally {
    await db.end();
    await admin.query(`drop database if exists ${name}`);
    await admin.end();
  }
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
    await withPgDatabase("lg_migration", async (db) => {
      for (const sql of before) await db.query(sql);
      for (const row of ROWS) await db.query(INSERT, row);
      await db.query(hold);
      const { rows } = await db.query(SELECT);
      expect(rows.map((r) => ({ ...r, expires: r.holdExpiresAt !== null, holdExpiresAt: undefined }))).toEqual(
        EXPECTED.map((e) => ({ ...e, holdExpiresAt: undefined })),
      );
    });
  });
});

/**
 * The ledger's states become an enum, and what recovery and staff wrote into the error column becomes a
 * state: a row left for a person is NEEDS_ATTENTION, one a person settled is SETTLED, applied or not.
 */
const LEDGER_MIGRATION = "20261207040000_ledger_states";
const LEDGER_ROWS: Array<[string, string, string | null, string | null]> = [
  ["e1", "UNKNOWN", null, "needs reconciliation: the provider does not deduplicate purchases"],
  ["e2", "SUCCEEDED", "manual:e2", null],
  ["e3", "FAILED", null, "settled by staff: not applied at the vendor: checked"],
  ["e4", "UNKNOWN", null, "timeout"],
  ["e5", "SUCCEEDED", "ref-5", null],
];
const LEDGER_EXPECTED = [
  { id: "e1", state: "NEEDS_ATTENTION", settledApplied: null },
  { id: "e2", state: "SETTLED", settledApplied: true },
  { id: "e3", state: "SETTLED", settledApplied: false },
  { id: "e4", state: "UNKNOWN", settledApplied: null },
  { id: "e5", state: "SUCCEEDED", settledApplied: null },
];
const ORDER_ROW = `insert into "Order" ("id", "shopId", "status", "loyaltyProviderId", "currency", "lines", "fulfilment",
  "contact", "updatedAt") values ('o1', 's', 'COMPLETED', 'p', 'RUB', '[]', '{}', '{}', CURRENT_TIMESTAMP)`;
const LEDGER_INSERT = `insert into "LedgerEntry" ("id", "orderId", "providerInstanceId", "kind", "points", "idempotencyKey",
  "state", "providerRef", "error", "updatedAt") values ($1, 'o1', 'p', 'COMMIT', 0, $1, $2, $3, $4, CURRENT_TIMESTAMP)`;
const LEDGER_SELECT = `select "id", "state", "settledApplied" from "LedgerEntry" order by "id"`;

describe("the ledger states' migration carries rows over", () => {
  it.skipIf(!!process.env.TEST_DATABASE_URL)("on SQLite", () => {
    const { before, target } = migrationsUpTo("prisma/sqlite/migrations", LEDGER_MIGRATION);
    const db = new Database(":memory:");
    for (const sql of before) db.exec(sql);
    db.exec(ORDER_ROW);
    const insert = db.prepare(LEDGER_INSERT.replace(/\$\d/g, "?"));
    for (const [id, ...rest] of LEDGER_ROWS) insert.run([id, id, ...rest]);
    db.exec(target);
    const rows = db.prepare(LEDGER_SELECT).all() as Array<{ id: string; state: string; settledApplied: number | null }>;
    db.close();
    expect(
      rows.map((r) => ({ ...r, settledApplied: r.settledApplied === null ? null : r.settledApplied === 1 })),
    ).toEqual(LEDGER_EXPECTED);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("on PostgreSQL", async () => {
    const { before, target } = migrationsUpTo("prisma/pg/migrations", LEDGER_MIGRATION);
    await withPgDatabase("lg_migration_l", async (db) => {
      for (const sql of before) await db.query(sql);
      await db.query(ORDER_ROW);
      for (const row of LEDGER_ROWS) await db.query(LEDGER_INSERT, row);
      await db.query(target);
      expect((await db.query(LEDGER_SELECT)).rows).toEqual(LEDGER_EXPECTED);
    });
  });
});

/**
 * Webhook events become claims that count as taken in once done: the rows already there (events whose
 * processing did not fail, and used phone-contact proofs) are done, so a repeat still answers "duplicate".
 */
const WEBHOOK_MIGRATION = "20261208120000_webhook_event_claims";
const WEBHOOK_INSERT = `insert into "WebhookEvent" ("id") values ('posiflora:e1'), ('contact:demo-posiflora:p1')`;
const WEBHOOK_SELECT = `select "id", "doneAt" is not null and "doneAt" = "receivedAt" as "done" from "WebhookEvent" order by "id"`;
const WEBHOOK_EXPECTED = [
  { id: "contact:demo-posiflora:p1", done: true },
  { id: "posiflora:e1", done: true },
];

describe("the webhook claims' migration carries events over as done", () => {
  it.skipIf(!!process.env.TEST_DATABASE_URL)("on SQLite", () => {
    const { before, target } = migrationsUpTo("prisma/sqlite/migrations", WEBHOOK_MIGRATION);
    const db = new Database(":memory:");
    for (const sql of before) db.exec(sql);
    db.exec(WEBHOOK_INSERT);
    db.exec(target);
    const rows = db.prepare(WEBHOOK_SELECT).all() as Array<{ id: string; done: number }>;
    db.close();
    expect(rows.map((r) => ({ ...r, done: r.done === 1 }))).toEqual(WEBHOOK_EXPECTED);
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("on PostgreSQL", async () => {
    const { before, target } = migrationsUpTo("prisma/pg/migrations", WEBHOOK_MIGRATION);
    await withPgDatabase("lg_migration_w", async (db) => {
      for (const sql of before) await db.query(sql);
      await db.query(WEBHOOK_INSERT);
      await db.query(target);
      expect((await db.query(WEBHOOK_SELECT)).rows).toEqual(WEBHOOK_EXPECTED);
    });
  });
});
