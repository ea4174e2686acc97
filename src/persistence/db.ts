import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PgClient } from "../../generated/pg/client.ts";
import { PrismaClient as SqliteClient } from "../../generated/sqlite/client.ts";

/**
 * The two generated clients share one model API (pg's schema is derived from SQLite's), so
 * repositories are written against one of them.
 */
export type Db = SqliteClient;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Opens Prisma with the driver adapter the URL calls for. */
export function createDb(url: string): Db {
  if (isPostgresUrl(url)) {
    return new PgClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  const file = url.replace(/^file:/, "");
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return new SqliteClient({ adapter: new PrismaBetterSqlite3({ url }) });
}
