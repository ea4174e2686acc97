import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PrismaClient as SqliteClient } from "../../generated/sqlite/client.ts";

/**
 * The two generated clients share one model API (pg's schema is derived from SQLite's), so
 * repositories are written against one of them. Only the client the URL needs is loaded.
 */
export type Db = SqliteClient;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Opens Prisma with the driver adapter the URL calls for. */
export async function createDb(url: string): Promise<Db> {
  if (isPostgresUrl(url)) {
    const [{ PrismaClient }, { PrismaPg }] = await Promise.all([
      import("../../generated/pg/client.ts"),
      import("@prisma/adapter-pg"),
    ]);
    return new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  const file = url.replace(/^file:/, "");
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // libsql: prebuilt binaries from npm, so a fresh install compiles nothing.
  const [{ PrismaClient }, { PrismaLibSql }] = await Promise.all([
    import("../../generated/sqlite/client.ts"),
    import("@prisma/adapter-libsql"),
  ]);
  return new PrismaClient({ adapter: new PrismaLibSql({ url }) });
}
