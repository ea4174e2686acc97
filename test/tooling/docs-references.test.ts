import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The README and docs/*.md name commands and files a deployer will type or open: each must exist.
// A path in a code span or a fenced block is read from the repository's root (that is how the docs
// write them); a markdown link is read from the page's own folder, as GitHub and editors follow it.

const ROOT = process.cwd();
const REPO_DIRS = ["src", "test", "docs", "scripts", "deploy", "bench", "prisma", "web", "schema"];
/** Built or generated at install time, not committed. */
const BUILT = [/^web\/dist(\/|$)/];
/** Placeholders and globs (`src/providers/<id>/`, `test/crash/**`, `…/{id}`) name a pattern, not a file. */
const PATTERN = /[<>*{}…$]|\.\.\./;

interface Reference {
  page: string;
  line: number;
  kind: "command" | "path" | "file" | "link";
  /** `npm run` script name, repository path, or the link's target as written. */
  target: string;
}

const PATH_IN_CODE = new RegExp(`(?:^|[\\s"'(=\`])((?:${REPO_DIRS.join("|")})/[^\\s"'\`()\\]]*)`, "g");
const NPM_COMMAND = /\bnpm (?:run(?:-script)? ([\w:.-]+)|(start|test|stop|restart))\b/g;
/** A source file named alone (`status-sync.ts`): some file of the repository has that name. */
const SOURCE_FILE = /^[\w.-]+\.(?:ts|tsx|mjs|cjs|js|sh|prisma|graphql|sql)$/;
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

/** Every command, repository path and local link that `text` names, with its line. */
function referencesIn(page: string, text: string): Reference[] {
  const found: Reference[] = [];
  const lines = text.split("\n");
  let fenced = false;
  lines.forEach((line, index) => {
    const at = { page, line: index + 1 };
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return;
    }
    const code = fenced ? [line] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const span of code) {
      for (const m of span.matchAll(PATH_IN_CODE)) {
        const target = m[1]!.replace(/[.,:;]+$/, "");
        if (!PATTERN.test(target) && !BUILT.some((re) => re.test(target))) found.push({ ...at, kind: "path", target });
      }
      if (SOURCE_FILE.test(span.trim())) found.push({ ...at, kind: "file", target: span.trim() });
    }
    for (const m of line.matchAll(NPM_COMMAND)) found.push({ ...at, kind: "command", target: m[1] ?? m[2]! });
    if (!fenced) {
      for (const m of line.matchAll(LINK)) {
        const target = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#") || PATTERN.test(target)) continue;
        found.push({ ...at, kind: "link", target });
      }
    }
  });
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    anchors.add(
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    );
  }
  return anchors;
}

/** What is wrong with one reference, or null when it holds. */
function problemWith(ref: Reference, scripts: Record<string, string>, root = ROOT): string | null {
  if (ref.kind === "file") return fileNames(root).has(ref.target) ? null : "no file of that name in the repository";
  if (ref.kind === "command") return ref.target in scripts ? null : `no script "${ref.target}" in package.json`;
  if (ref.kind === "path") return existsSync(path.join(root, ref.target)) ? null : "no such file or folder";
  const [file, anchor] = ref.target.split("#") as [string, string | undefined];
  const resolved = file
    ? path.join(path.dirname(path.join(root, ref.page)), decodeURI(file))
    : path.join(root, ref.page);
  if (!existsSync(resolved)) return `no such file: ${path.relative(root, resolved)}`;
  if (anchor && resolved.endsWith(".md") && !anchorsOf(readFileSync(resolved, "utf8")).has(anchor.toLowerCase()))
    return `no heading #${anchor} in ${path.relative(root, resolved)}`;
  return null;
}

const names = new Map<string, Set<string>>();
/** The names of the repository's own files: the root's and those under its source folders. */
function fileNames(root: string): Set<string> {
  const known = names.get(root);
  if (known) return known;
  const found = new Set(readdirSync(root));
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "dist") walk(path.join(dir, entry.name));
      } else found.add(entry.name);
    }
  };
  for (const dir of REPO_DIRS) if (existsSync(path.join(root, dir))) walk(path.join(root, dir));
  names.set(root, found);
  return found;
}

const PAGES = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];
const scripts = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

describe("the references in README.md and docs/*.md", () => {
  const references = PAGES.flatMap((page) => referencesIn(page, readFileSync(path.join(ROOT, page), "utf8")));

  it("are found: commands, paths and links on every page", () => {
    // A reader that found nothing would pass the check below on any docs.
    expect(new Set(references.map((ref) => ref.page)).size).toBeGreaterThan(PAGES.length / 2);
    for (const kind of ["command", "path", "file", "link"] as const)
      expect(references.filter((ref) => ref.kind === kind).length).toBeGreaterThan(10);
  });

  it("each name a command, file or heading that exists", () => {
    const broken = references.flatMap((ref) => {
      const problem = problemWith(ref, scripts);
      return problem ? [`${ref.page}:${ref.line} ${ref.kind} ${ref.target}: ${problem}`] : [];
    });
    expect(broken).toEqual([]);
  });
});

describe("the reader", () => {
  it("takes paths from code spans and fenced blocks, commands anywhere, and links from the page's folder", () => {
    const text = [
      "Run `npm run nope:missing` and `bash scripts/nowhere.sh`, see [the page](missing.md#x) and `gone.ts`.",
      "```bash",
      "npx vitest run test/e2e/gone.e2e.test.ts",
      "```",
      "Patterns are skipped: `src/providers/<id>/`, `test/crash/**`, `web/dist/`; prose src/x.ts is not a reference.",
    ].join("\n");
    const refs = referencesIn("docs/page.md", text);
    expect(refs.map((ref) => `${ref.line} ${ref.kind} ${ref.target}`)).toEqual([
      "1 path scripts/nowhere.sh",
      "1 file gone.ts",
      "1 command nope:missing",
      "1 link missing.md#x",
      "3 path test/e2e/gone.e2e.test.ts",
    ]);
    expect(refs.map((ref) => problemWith(ref, scripts))).toEqual([
      "no such file or folder",
      "no file of that name in the repository",
      'no script "nope:missing" in package.json',
      "no such file: docs/missing.md",
      "no such file or folder",
    ]);
  });

  it("accepts what exists, a heading's anchor included", () => {
    const refs = referencesIn(
      "docs/page.md",
      "`npm run lint`, `npm test`, `scripts/services.sh`, `status-sync.ts`, [deploy](deploy.md), [restarts](observability.md#when-postgresql-or-redis-restarts)",
    );
    expect(refs).toHaveLength(6);
    expect(refs.map((ref) => problemWith(ref, scripts))).toEqual([null, null, null, null, null, null]);
  });
});
