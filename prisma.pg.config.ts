import path from "node:path";
import { defineConfig } from "prisma/config";

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, "scripts/prisma-schema-engine.cjs");

export default defineConfig({
  schema: "prisma/pg/schema.prisma",
  migrations: { path: "prisma/pg/migrations" },
  // May be unset for `prisma generate` and `migrate diff --from-empty`.
  datasource: { url: process.env.DATABASE_URL },
});
