// `npm run docs:env`: writes docs/environment.md, the reference of every environment variable, from the
// zod schema (src/config/env.ts: names and defaults) and the comments of .env.example (what each does).
// test/docs/environment.test.ts fails when the page and the schema drift apart.
import { writeFileSync } from "node:fs";
import { renderEnvReference } from "../src/config/env-reference.ts";

writeFileSync("docs/environment.md", renderEnvReference());
process.stdout.write("wrote docs/environment.md\n");
