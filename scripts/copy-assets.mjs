// Copies the files the compiled code reads at run time next to it: the simulators' OpenAPI documents
// (src/**/*.json) and Prisma's query compilers (generated/<db>/query_compiler.wasm, written by
// scripts/prisma-wasm-file.mjs). The target is dist/ unless given (`npm run release` compiles elsewhere).
import { cpSync, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const walk = (dir, ext) =>
  readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  });
const out = process.argv[2] ?? "dist";
for (const file of walk("src", ".json")) cpSync(file, path.join(out, file));
for (const file of existsSync("generated") ? walk("generated", ".wasm") : []) cpSync(file, path.join(out, file));
