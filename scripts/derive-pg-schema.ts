import { readFileSync, writeFileSync } from "node:fs";
import { derivePgSchema } from "../src/persistence/pg-schema.ts";

const pg = derivePgSchema(readFileSync("prisma/sqlite/schema.prisma", "utf8"));
writeFileSync("prisma/pg/schema.prisma", pg);
console.log("wrote prisma/pg/schema.prisma");
