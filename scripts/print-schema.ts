import { writeFileSync } from "node:fs";
import { printSchema } from "../src/graphql/print.ts";

writeFileSync("schema/schema.graphql", printSchema());
console.log("wrote schema/schema.graphql");
