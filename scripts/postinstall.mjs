// Deferred until the project files exist: on first clone everything is there; the guard only
// keeps a partial checkout (e.g. `npm install` in CI cache warm-up) from failing.
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";
if (existsSync("prisma/sqlite/schema.prisma") && existsSync("codegen.ts")) {
  execSync("npm run generate", { stdio: "inherit" });
}
// The reference Mini App (web/), served by the gateway at /app in demo mode.
if (existsSync("web/vite.config.ts")) {
  execSync("npm run build:web", { stdio: "inherit" });
}
