import Database from "libsql";
import pg from "pg";

/**
 * Plain SQL against a test gateway's database, SQLite or PostgreSQL, for checks that look under the
 * API. Write identifiers in double quotes and parameters as `?`.
 */
export async function sql<T = Record<string, unknown>>(
  databaseUrl: string,
  statement: string,
  ...params: unknown[]
): Promise<T[]> {
  if (/^postgres/.test(databaseUrl)) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      let n = 0;
      return (
        await client.query(
          statement.replace(/\?/g, () => `$${++n}`),
          params,
        )
      ).rows as T[];
    } finally {
      await client.end();
    }
  }
  const db = new Database(databaseUrl.replace(/^file:/, ""));
  try {
    const prepared = db.prepare(statement);
    return (prepared.reader ? prepared.all(...params) : (prepared.run(...params), [])) as T[];
  } finally {
    db.close();
  }
}

export async function count(databaseUrl: string, table: string): Promise<number> {
  const [row] = await sql<{ n: number | string }>(databaseUrl, `select count(*) as n from "${table}"`);
  return Number(row!.n);
}
