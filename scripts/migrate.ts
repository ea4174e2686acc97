// `npm run db:migrate`: applies the committed migrations to DATABASE_URL (SQLite `file:` or `postgresql://`).
import { migrate } from "../src/persistence/migrate.ts";

const url = process.env.DATABASE_URL ?? "file:./data/gateway.db";
await migrate(url);
process.stdout.write(`migrated ${url.split(":")[0]} database\n`);
