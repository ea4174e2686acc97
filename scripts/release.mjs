// `npm run release` (after `npm run generate`): writes release/ (or the folder given), a folder that runs on a
// server with node alone. It holds the compiled code (dist/, with the generated Prisma clients and typed
// operations), the persisted documents, the migrations and the schema engine that applies them, the Mini
// App's static files (web/dist), and package.json with a lockfile of the production dependencies only, so
// `npm ci` there installs those and runs no install script (nothing is downloaded or compiled).
// It compiles into the folder itself and leaves the checkout's dist/ and web/dist alone, so tests that
// use those can run beside it.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const out = path.resolve(process.argv[2] ?? "release");
const need = ["generated/graphql/persisted-documents.json", "generated/sqlite/query_compiler.wasm"];
const missing = need.filter((file) => !existsSync(file));
if (missing.length) {
  process.stderr.write(`release: missing ${missing.join(", ")} (run npm run generate first)\n`);
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bin = (name) => path.resolve("node_modules/.bin", name);
const run = (file, args) => {
  try {
    execFileSync(file, args, { stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
    throw error;
  }
};
run(bin("tsc"), ["-p", "tsconfig.build.json", "--outDir", path.join(out, "dist")]);
run(process.execPath, ["scripts/copy-assets.mjs", path.join(out, "dist")]);
run(bin("vite"), ["build", "--config", "web/vite.config.ts", "--outDir", path.join(out, "web/dist"), "--emptyOutDir"]);
const copy = (from, to = from) => cpSync(from, path.join(out, to), { recursive: true });
// Source maps stay (in dist/): stack traces in the logs then name the TypeScript lines.
copy("generated/graphql/persisted-documents.json");
copy("prisma/sqlite/schema.prisma");
copy("prisma/sqlite/migrations");
copy("prisma/pg/schema.prisma");
copy("prisma/pg/migrations");
copy("scripts/prisma-schema-engine.cjs");
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
execFileSync(
  "npm",
  ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
  {
    cwd: out,
    stdio: ["ignore", "ignore", "inherit"],
  },
);
process.stdout.write(`release written to ${out}\n`);
