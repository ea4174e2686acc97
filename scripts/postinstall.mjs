// After `npm install` in a checkout: the generated code (Prisma clients, typed operations) and the
// reference Mini App (web/dist), both built by dev tools. An install without them (`npm ci --omit=dev`)
// skips this: a server runs the output of `npm run release`, where both are already built.
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";

const devTools = ["node_modules/@graphql-codegen/cli", "node_modules/vite", "node_modules/typescript"];
if (!devTools.every((dir) => existsSync(dir))) {
  process.stdout.write(
    "postinstall: no dev dependencies, nothing generated (a server runs `npm run release`'s output)\n",
  );
  process.exit(0);
}
// Deferred until the project files exist: a partial checkout (a CI cache warm-up) installs without them.
if (existsSync("prisma/sqlite/schema.prisma") && existsSync("codegen.ts")) {
  execSync("npm run generate", { stdio: "inherit" });
}
if (existsSync("web/vite.config.ts")) {
  execSync("npm run build:web", { stdio: "inherit" });
}
