// Import boundaries between the layers of src/. Run with `npm run lint:boundaries`.
// Paths are relative to the folder depcruise runs in (the repository root).
// Tests are never on the "from" side: they may reach across layers to set things up.

/** Tests, by file name or folder. */
const TESTS = ["\\.test\\.ts$", "^test/"];

/**
 * The "to" side of rules that allow npm packages and node builtins: match only resolved files of our own.
 * (An import that cannot be resolved at all is reported by not-to-unresolvable instead.)
 */
const NOT_A_PACKAGE = {
  couldNotResolve: false,
  dependencyTypesNot: [
    "core",
    "npm",
    "npm-dev",
    "npm-optional",
    "npm-peer",
    "npm-bundled",
    "npm-no-pkg",
    "npm-unknown",
  ],
};

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-imports-only-domain",
      comment:
        "domain-imports-only-domain: a file in src/domain/ may import only src/domain/ (plus npm packages and node " +
        "builtins). Move the shared type into src/domain/ or pass it in from the outer layer.",
      severity: "error",
      from: { path: "^src/domain/", pathNot: TESTS },
      to: { ...NOT_A_PACKAGE, pathNot: ["^src/domain/", "^node_modules/"] },
    },
    {
      name: "graphql-not-providers-or-persistence",
      comment:
        "graphql-not-providers-or-persistence: src/graphql/ may not import src/providers/, src/persistence/ or " +
        "src/simulators/; reach them through the domain ports (src/domain/) wired up in the gateway.",
      severity: "error",
      from: { path: "^src/graphql/", pathNot: TESTS },
      to: { path: "^src/(providers|persistence|simulators)/" },
    },
    {
      name: "providers-not-outer",
      comment:
        "providers-not-outer: src/providers/ may import only src/domain/ and itself, never the outer layers " +
        "src/graphql/, src/persistence/, src/server/, src/simulators/, src/auth/, src/events/, src/cache/ or src/config/.",
      severity: "error",
      from: { path: "^src/providers/", pathNot: TESTS },
      to: { path: "^src/(graphql|persistence|server|simulators|auth|events|cache|config)/" },
    },
    {
      name: "persistence-only-domain",
      comment:
        "persistence-only-domain: src/persistence/ may import only src/domain/, src/persistence/ and the Prisma client " +
        "in generated/ (plus npm packages and node builtins).",
      severity: "error",
      from: { path: "^src/persistence/", pathNot: TESTS },
      to: { ...NOT_A_PACKAGE, pathNot: ["^src/domain/", "^src/persistence/", "^generated/", "^node_modules/"] },
    },
    {
      name: "simulators-self-contained",
      comment:
        "simulators-self-contained: src/simulators/ stands in for the vendors' servers and may import nothing from " +
        "the rest of src/ (only src/simulators/ itself, npm packages and node builtins).",
      severity: "error",
      from: { path: "^src/simulators/", pathNot: TESTS },
      to: { path: "^src/", pathNot: "^src/simulators/" },
    },
    {
      name: "no-circular",
      comment:
        "no-circular: this import closes a cycle of imports between files; break it by moving the shared part into " +
        "a module both sides import.",
      severity: "error",
      from: { pathNot: TESTS },
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment:
        "not-to-unresolvable: this import could not be resolved to a file or an installed package, so the boundary " +
        "rules above cannot check it; fix the path or install the package.",
      severity: "error",
      from: { pathNot: TESTS },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // generated/ is Prisma's client output: its own internal cycles are not ours to fix, so it is a leaf here.
    doNotFollow: { path: ["node_modules", "^generated/"] },
    // `import type` counts: a type-only import across a boundary is still a boundary crossing.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "types", "default"],
      mainFields: ["module", "main", "types", "typings"],
      extensions: [".ts", ".d.ts", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
