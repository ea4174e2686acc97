import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma 7's CLI downloads a native schema engine from a host these machines cannot reach;
// scripts/prisma-schema-engine.cjs runs the WebAssembly engine from npm instead.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(import.meta.dirname, "scripts/prisma-schema-engine.cjs");

export default defineConfig({
  schema: "prisma/sqlite/schema.prisma",
  migrations: { path: "prisma/sqlite/migrations" },
  datasource: { url: process.env.SQLITE_URL ?? "file:./data/gateway.db" },
});
