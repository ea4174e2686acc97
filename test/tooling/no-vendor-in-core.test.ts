import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOYALTY_MODULES, ORDER_MODULES } from "../../src/providers/registry.ts";

const CORE = ["src/domain", "src/graphql", "src/server"];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("the core never names a vendor", () => {
  const ids = [...new Set([...Object.keys(LOYALTY_MODULES), ...Object.keys(ORDER_MODULES)])];

  it("knows every registered module", () => {
    expect(ids.length).toBeGreaterThanOrEqual(5);
  });

  it("has no vendor id as a string literal in domain, graphql or server", () => {
    const found = CORE.flatMap(files).flatMap((path) => {
      const text = readFileSync(path, "utf8");
      return ids.filter((id) => text.includes(`"${id}"`) || text.includes(`'${id}'`)).map((id) => `${path}: "${id}"`);
    });
    expect(found).toEqual([]);
  });
});
