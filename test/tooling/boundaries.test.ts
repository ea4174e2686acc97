import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

// `npm run lint:boundaries` must fail on a bad import. These tests build miniature trees in a temp
// folder and cruise them with the project's own .dependency-cruiser.cjs, so a rule that stops
// matching (a typo in a path, a resolver that cannot follow `.ts` imports) fails here.

const ROOT = process.cwd();
const CONFIG = path.join(ROOT, ".dependency-cruiser.cjs");
const TSCONFIG = path.join(ROOT, "tsconfig.json");
const DEPCRUISE_BIN = path.join(ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

const trees: string[] = [];

afterAll(() => {
  for (const dir of trees) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path relative to the tree's root → content) into a fresh temp folder. */
function makeTree(name: string, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), `lg-boundaries-${name}-`));
  trees.push(dir);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** Cruises `src` of the tree with the project's config, as `depcruise src --config …` does from the root. */
async function violationsIn(dir: string): Promise<Array<{ rule: string; from: string; to: string }>> {
  const options = await extractDepcruiseOptions(CONFIG);
  const result = await cruise(
    ["src"],
    { ...options, baseDir: dir, outputType: "json" },
    {},
    { tsConfig: extractTSConfig(TSCONFIG) },
  );
  const output: ICruiseResult = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
  return output.summary.violations
    .map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }))
    .sort((a, b) => a.rule.localeCompare(b.rule));
}

const BAD_TREE = {
  "src/domain/a.ts": 'import { b } from "../providers/b.ts";\n\nexport const a = b + 1;\n',
  "src/providers/b.ts": "export const b = 1;\n",
  "src/simulators/s.ts": 'import { a } from "../domain/a.ts";\n\nexport const s = a * 2;\n',
};

describe("import boundaries (.dependency-cruiser.cjs)", () => {
  it("reports a domain file importing a provider and a simulator importing the domain", async () => {
    const dir = makeTree("bad", BAD_TREE);

    expect(await violationsIn(dir)).toEqual([
      { rule: "domain-imports-only-domain", from: "src/domain/a.ts", to: "src/providers/b.ts" },
      { rule: "simulators-self-contained", from: "src/simulators/s.ts", to: "src/domain/a.ts" },
    ]);
  });

  it("counts type-only imports as crossings", async () => {
    const dir = makeTree("type-only", {
      "src/domain/a.ts": 'import type { B } from "../persistence/b.ts";\n\nexport type A = B;\n',
      "src/persistence/b.ts": "export type B = { id: string };\n",
    });

    expect(await violationsIn(dir)).toEqual([
      { rule: "domain-imports-only-domain", from: "src/domain/a.ts", to: "src/persistence/b.ts" },
    ]);
  });

  it("reports nothing for a tree that keeps to the boundaries", async () => {
    const dir = makeTree("clean", {
      "package.json": JSON.stringify({
        name: "mini",
        private: true,
        type: "module",
        dependencies: { "mini-pkg": "1.0.0" },
      }),
      "node_modules/mini-pkg/package.json": JSON.stringify({ name: "mini-pkg", version: "1.0.0", main: "index.js" }),
      "node_modules/mini-pkg/index.js": "export const one = 1;\n",
      "src/domain/money.ts": "export const toCents = (amount: number): number => Math.round(amount * 100);\n",
      "src/domain/order.ts":
        'import { randomUUID } from "node:crypto";\nimport { one } from "mini-pkg";\nimport { toCents } from "./money.ts";\n\n' +
        "export const newOrder = (amount: number) => ({ id: randomUUID(), cents: toCents(amount) * one });\n",
      "src/providers/p.ts": 'import { newOrder } from "../domain/order.ts";\n\nexport const order = newOrder(1);\n',
      "src/persistence/r.ts":
        'import type { toCents } from "../domain/money.ts";\n\nexport type Cents = ReturnType<typeof toCents>;\n',
      "src/simulators/sim.ts": 'import { readFileSync } from "node:fs";\n\nexport const read = readFileSync;\n',
      // Tests may reach across layers.
      "src/domain/order.test.ts": 'import { order } from "../providers/p.ts";\n\nexport const o = order;\n',
    });

    expect(await violationsIn(dir)).toEqual([]);
  });

  it("fails the depcruise command with the rule name, the importing file and the imported file", () => {
    // The config names "tsconfig.json" relative to the folder depcruise runs in.
    const dir = makeTree("cli", { ...BAD_TREE, "tsconfig.json": readFileSync(TSCONFIG, "utf8") });

    const run = spawnSync(process.execPath, [DEPCRUISE_BIN, "src", "--config", CONFIG, "--output-type", "err"], {
      cwd: dir,
      encoding: "utf8",
    });

    expect(run.status).toBe(2);
    expect(run.stdout).toContain("error domain-imports-only-domain: src/domain/a.ts → src/providers/b.ts");
    expect(run.stdout).toContain("error simulators-self-contained: src/simulators/s.ts → src/domain/a.ts");
    expect(run.stdout).toContain("2 dependency violations (2 errors, 0 warnings)");
  });
});
