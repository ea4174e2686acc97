// Copies the files the compiled code reads at run time next to it: the simulators' OpenAPI documents
// (src/**/*.json) and Prisma's query compilers (generated/<db>/query_compiler.wasm, written by
// scripts/prisma-wasm-file.mjs).
import { cpSync, existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const walk = (dir, ext) =>
  readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p, ext) : p.endsWith(ext) ? [p] : [];
  });
for (const file of walk("src", ".json")) cpSync(file, path.join("dist", file));
for (const file of existsSync("generated") ? walk("generated", ".wasm") : []) cpSync(file, path.join("dist", file));
