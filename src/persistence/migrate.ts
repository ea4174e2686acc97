import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { isPostgresUrl } from "./db.ts";

const run = promisify(execFile);
/** The project's root (where prisma/ lives), from src/ or from the compiled dist/src/. */
const ROOT = [path.resolve(import.meta.dirname, "../.."), path.resolve(import.meta.dirname, "../../..")].find((dir) =>
  existsSync(path.join(dir, "prisma", "sqlite", "schema.prisma")),
)!;
/** Prisma's schema engine (the WebAssembly build from npm) behind the native engine's stdio protocol. */
const ENGINE = path.join(ROOT, "scripts", "prisma-schema-engine.cjs");

/**
 * Applies the committed migrations for the URL's database: the request `prisma migrate deploy` sends to
 * the schema engine (`applyMigrations`), sent here without the Prisma CLI, which production then does not
 * install. The engine keeps Prisma's own bookkeeping (`_prisma_migrations`, checksums, a failed migration
 * stops the next deploy) and takes PostgreSQL's advisory lock, so instances starting together apply each
 * migration once.
 */
export async function migrate(url: string): Promise<void> {
  const pg = isPostgresUrl(url);
  const flavour = pg ? "pg" : "sqlite";
  let target = url;
  if (!pg) {
    const file = path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""));
    mkdirSync(path.dirname(file), { recursive: true });
    target = `file:${file}`;
  }
  const datasource = JSON.stringify({ url: target });
  try {
    // As the CLI does first: the database is created when the server has none of that name.
    const cli = (command: string) =>
      run(process.execPath, [ENGINE, "--datasource", datasource, "cli", command], { cwd: ROOT });
    await cli("can-connect-to-database").catch((error: { stderr?: string }) => {
      if (!error.stderr?.includes('"P1003"')) throw error;
      return cli("create-database");
    });
    await applyMigrations(flavour, datasource);
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message?: string };
    const detail = (e.stderr || e.stdout || e.message || String(error)).trim();
    throw new Error(`database migration failed: ${engineMessage(detail)}`, { cause: error });
  }
}

function migrationsList(flavour: "pg" | "sqlite") {
  const baseDir = path.join(ROOT, "prisma", flavour, "migrations");
  const names = readdirSync(baseDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: readFileSync(path.join(baseDir, "migration_lock.toml"), "utf8") },
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: readFileSync(path.join(baseDir, name, "migration.sql"), "utf8") },
      },
    })),
    shadowDbInitScript: "",
  };
}

async function applyMigrations(flavour: "pg" | "sqlite", datasource: string): Promise<void> {
  const schema = path.join(ROOT, "prisma", flavour, "schema.prisma");
  const child = spawn(process.execPath, [ENGINE, "--datamodels", schema, "--datasource", datasource], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  const request = {
    jsonrpc: "2.0",
    id: 1,
    method: "applyMigrations",
    params: { migrationsList: migrationsList(flavour), filters: { externalTables: [], externalEnums: [] } },
  };
  child.stdin.write(`${JSON.stringify(request)}\n`);
  let answer: { result?: unknown; error?: { data?: { message?: string } } } | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    const message = JSON.parse(line) as typeof answer & { id?: number };
    if (message?.id === 1) {
      answer = message;
      break;
    }
  }
  child.stdin.end();
  const code = await exited;
  if (!answer) throw Object.assign(new Error(`schema engine exited with ${code}`), { stderr });
  if (answer.error) throw new Error(answer.error.data?.message ?? JSON.stringify(answer.error));
}

/** The engine's JSON log lines carry the reason in fields.message (its ERROR lines, when it wrote any). */
function engineMessage(detail: string): string {
  const lines = detail.split("\n").map((line) => {
    try {
      const parsed = JSON.parse(line) as { level?: string; fields?: { message?: string } };
      return { error: parsed.level === "ERROR", text: parsed.fields?.message ?? line };
    } catch {
      return { error: false, text: line };
    }
  });
  const errors = lines.filter((l) => l.error);
  return (errors.length ? errors : lines)
    .map((l) => l.text)
    .filter(Boolean)
    .join("\n");
}
