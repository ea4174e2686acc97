import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { isPostgresUrl } from "./db.ts";

const run = promisify(execFile);
/** The project's root (where prisma/ lives), from src/ or from the compiled dist/src/. */
const ROOT = [path.resolve(import.meta.dirname, "../.."), path.resolve(import.meta.dirname, "../../..")].find((dir) =>
  existsSync(path.join(dir, "prisma", "sqlite", "schema.prisma")),
)!;

/** Applies the committed migrations for the URL's database (`prisma migrate deploy`). */
export async function migrate(url: string): Promise<void> {
  const pg = isPostgresUrl(url);
  if (!pg) mkdirSync(path.dirname(path.resolve(url.replace(/^file:/, ""))), { recursive: true });
  const args = ["migrate", "deploy", ...(pg ? ["--config", "prisma.pg.config.ts"] : [])];
  const env = { ...process.env, ...(pg ? { DATABASE_URL: url } : { SQLITE_URL: url }) };
  try {
    await run(path.join(ROOT, "node_modules/.bin/prisma"), args, { cwd: ROOT, env });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string };
    throw new Error(`database migration failed:\n${e.stderr || e.stdout || String(error)}`, { cause: error });
  }
}
