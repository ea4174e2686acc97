// Copies the JSON files the compiled code reads at run time (the simulators' OpenAPI documents) next to it.
import { cpSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".json") ? [p] : [];
  });
for (const file of walk("src")) cpSync(file, path.join("dist", file));
