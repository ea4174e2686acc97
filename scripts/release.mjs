// `npm run release` (after generate, build and build:web): writes release/, a folder that runs on a server
// with node alone. It holds the compiled code (dist/, with the generated Prisma clients and typed
// operations), the persisted documents, the migrations and what `prisma migrate deploy` reads, the Mini
// App's static files (web/dist), and package.json with the lockfile, so `npm ci` there installs the
// production dependencies only (its .npmrc omits dev) and runs no install script (the schema engine is the
// WebAssembly one from npm; nothing is downloaded or compiled).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";

const out = path.resolve(process.argv[2] ?? "release");
const need = [
  "dist/src/main.js",
  "dist/scripts/migrate.js",
  "dist/scripts/config-check.js",
  "generated/graphql/persisted-documents.json",
  "web/dist/index.html",
];
const missing = need.filter((file) => !existsSync(file));
if (missing.length) {
  process.stderr.write(`release: missing ${missing.join(", ")} (run npm run release, which builds them first)\n`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const copy = (from, to = from) => cpSync(from, path.join(out, to), { recursive: true });
// Source maps stay: stack traces in the logs then name the TypeScript lines.
copy("dist");
copy("generated/graphql/persisted-documents.json");
copy("prisma/sqlite/schema.prisma");
copy("prisma/sqlite/migrations");
copy("prisma/pg/schema.prisma");
copy("prisma/pg/migrations");
copy("scripts/prisma-schema-engine.cjs");
copy("web/dist");
copy("shops.example.json");
copy(".env.example");
copy("package-lock.json");

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const start =
  "NODE_ENV=${NODE_ENV:-production} MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-$npm_package_config_malloc_arena_max} " +
  "exec node $npm_package_config_node_flags dist/src/main.js";
const released = {
  name: pkg.name,
  version: pkg.version,
  private: true,
  type: pkg.type,
  description: pkg.description,
  engines: pkg.engines,
  config: pkg.config,
  scripts: {
    start,
    "start:prod": start,
    "db:migrate": "node dist/scripts/migrate.js",
    "config:check": "node dist/scripts/config-check.js",
  },
  dependencies: pkg.dependencies,
};
writeFileSync(path.join(out, "package.json"), `${JSON.stringify(released, null, 2)}\n`);
writeFileSync(path.join(out, ".npmrc"), "omit=dev\nignore-scripts=true\nfund=false\naudit=false\n");
// The lockfile of this package.json: the checkout's, pruned of the dev tools (and of what only they
// bring, such as the Prisma CLI, an optional peer that an install with dev tools would keep).
execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
  cwd: out,
  stdio: ["ignore", "ignore", "inherit"],
});
process.stdout.write(`release written to ${path.relative(process.cwd(), out) || "."}\n`);
