import { printSubgraphSchema } from "@apollo/subgraph";
import { schema } from "./index.ts";

/** The subgraph SDL as committed in schema/schema.graphql (keeps @key and the federation @link). */
export function printSchema(): string {
  return `${printSubgraphSchema(schema).trim()}\n`;
}
