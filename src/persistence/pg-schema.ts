/** Derives the PostgreSQL Prisma schema from the SQLite one, the single source of truth for models. */
export function derivePgSchema(sqliteSchema: string): string {
  const header = "// GENERATED from prisma/sqlite/schema.prisma by `npm run prisma:derive-pg`. Do not edit.\n";
  const body = sqliteSchema
    .replace(/^\/\/ Source of truth[\s\S]*?\n\n/, "")
    .replace('output   = "../../generated/sqlite"', 'output   = "../../generated/pg"')
    .replace('provider = "sqlite"', 'provider = "postgresql"');
  return header + body;
}
