import { readFileSync } from "node:fs";
import { z } from "zod";
import { LOYALTY_MODULES, ORDER_MODULES } from "../providers/registry.ts";
import { envIssues } from "./env.ts";
import { ConfigError, formatIssues, unknownKeysMessage } from "./format-issues.ts";
import { providerInstanceSchema, shopsConfigSchema } from "./shops.ts";

/** One problem of the configuration: where (an environment variable, or a path in the shops file) and why. */
export interface ConfigProblem {
  where: string;
  why: string;
}

export interface ConfigReport {
  problems: ConfigProblem[];
  /** Every environment variable the shops file names for credentials (`env:NAME`), in file order. */
  credentialVariables: string[];
  /** Those of them that are not set. */
  missingVariables: string[];
}

interface ModuleSchemas {
  options: z.ZodType;
  credentials: z.ZodType;
}

/**
 * The whole configuration checked in one pass: the environment, then the shops file (its JSON, its
 * shape, unknown keys with the nearest known name), then each provider instance against its adapter's
 * own options and credentials, and every credential variable it names. Nothing stops at the first
 * problem; start-up and `npm run config:check` report the same list.
 */
export function checkConfiguration(source: Record<string, string | undefined>): ConfigReport {
  const problems: ConfigProblem[] = envIssues(source).map(split);
  const file = source.SHOPS_CONFIG;
  const credentialVariables: string[] = [];
  const missing = new Set<string>();
  if (file) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      problems.push({ where: "SHOPS_CONFIG", why: `${file}: ${(error as Error).message}` });
    }
    if (raw !== undefined) {
      const parsed = shopsConfigSchema.safeParse(raw);
      if (!parsed.success) problems.push(...formatIssues(parsed.error.issues).split("\n").map(split));
      for (const [where, instance, modules] of instances(raw)) {
        problems.push(...checkInstance(where, instance, modules, source, credentialVariables, missing));
      }
    }
  }
  return { problems, credentialVariables: [...new Set(credentialVariables)], missingVariables: [...missing] };
}

/** Throws one ConfigError listing every problem, and the credential variables still to set. */
export function assertConfiguration(source: Record<string, string | undefined>): void {
  const report = checkConfiguration(source);
  if (!report.problems.length) return;
  throw new ConfigError(formatReport(report, source.SHOPS_CONFIG));
}

export function formatReport(report: ConfigReport, shopsFile?: string): string {
  const n = report.problems.length;
  const lines = [`Invalid configuration: ${n} problem${n === 1 ? "" : "s"}`];
  for (const { where, why } of report.problems) {
    const inFile = shopsFile && where.startsWith("shops") ? `${shopsFile} ` : "";
    lines.push(`  ${inFile}${where}: ${why}`);
  }
  if (report.missingVariables.length)
    lines.push(`Environment variables the shops file needs and are not set: ${report.missingVariables.join(", ")}`);
  return lines.join("\n");
}

/** `KEY: why` → { where, why }. */
function split(line: string): ConfigProblem {
  const at = line.indexOf(": ");
  return at < 0 ? { where: "(root)", why: line } : { where: line.slice(0, at), why: line.slice(at + 2) };
}

/** Each provider instance of the raw file, with its path and the modules its role chooses from. */
function* instances(raw: unknown): Generator<[string, unknown, Record<string, ModuleSchemas>]> {
  const shops = (raw as { shops?: unknown })?.shops;
  if (!Array.isArray(shops)) return;
  for (const [s, shop] of shops.entries()) {
    const loyalty = (shop as { loyalty?: unknown })?.loyalty;
    if (Array.isArray(loyalty))
      for (const [i, instance] of loyalty.entries()) yield [`shops[${s}].loyalty[${i}]`, instance, LOYALTY_MODULES];
    const orders = (shop as { orders?: unknown })?.orders;
    if (orders !== undefined) yield [`shops[${s}].orders`, orders, ORDER_MODULES];
  }
}

function checkInstance(
  where: string,
  raw: unknown,
  modules: Record<string, ModuleSchemas>,
  env: Record<string, string | undefined>,
  variables: string[],
  missing: Set<string>,
): ConfigProblem[] {
  // Its own shape is reported by the file's schema above; what can still be read is checked here too,
  // so a bad baseUrl does not hide a missing variable.
  const parsed = providerInstanceSchema.safeParse(raw);
  const instance = parsed.success ? parsed.data : lenient(raw);
  if (!instance) return [];
  const module = modules[instance.adapter];
  if (!module) {
    if (!parsed.success) return [];
    const known = Object.keys(modules);
    return [{ where: `${where}.adapter`, why: `unknown adapter "${instance.adapter}" (known: ${known.join(", ")})` }];
  }
  const problems: ConfigProblem[] = [];
  const options = module.options.safeParse(instance.options);
  if (!options.success) problems.push(...formatIssues(options.error.issues, `${where}.options`).split("\n").map(split));
  problems.push(...unknownKeys(`${where}.options`, instance.options, module.options));
  problems.push(...unknownKeys(`${where}.credentials`, instance.credentials, module.credentials));
  const resolved: Record<string, string | undefined> = {};
  for (const [key, ref] of Object.entries(instance.credentials)) {
    const name = ref.slice("env:".length);
    variables.push(name);
    resolved[key] = env[name];
    if (!env[name]) {
      missing.add(name);
      problems.push({ where: `${where}.credentials.${key}`, why: `environment variable ${name} is not set` });
    }
  }
  // A credential the adapter needs that the file does not name at all.
  for (const key of shapeKeys(module.credentials) ?? []) {
    if (!(key in instance.credentials))
      problems.push({
        where: `${where}.credentials.${key}`,
        why: `required by ${instance.adapter}: name its variable, "${key}": "env:VARIABLE_NAME"`,
      });
  }
  return problems;
}

/** What a malformed instance still says clearly: its adapter, options and `env:` credentials. */
function lenient(
  raw: unknown,
): { adapter: string; options: Record<string, unknown>; credentials: Record<string, string> } | null {
  const value = raw as { adapter?: unknown; options?: unknown; credentials?: unknown } | null;
  if (typeof value?.adapter !== "string") return null;
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const credentials = Object.fromEntries(
    Object.entries(isRecord(value.credentials) ? value.credentials : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string" && /^env:[A-Z_][A-Z0-9_]*$/.test(entry[1]),
    ),
  );
  return { adapter: value.adapter, options: isRecord(value.options) ? value.options : {}, credentials };
}

/** Keys an object schema does not know (adapters' schemas strip them silently): refused, with the nearest name. */
function unknownKeys(where: string, value: Record<string, unknown>, schema: z.ZodType): ConfigProblem[] {
  const known = shapeKeys(schema);
  if (!known) return [];
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  return unknown.map((key) => ({ where: `${where}.${key}`, why: unknownKeysMessage([key], known) }));
}

function shapeKeys(schema: z.ZodType): string[] | null {
  let inner: unknown = schema;
  // Through .default(), .optional() and pipes to the object underneath.
  for (let depth = 0; depth < 5 && inner; depth++) {
    if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
    const def = (inner as { def?: { innerType?: unknown; in?: unknown } }).def;
    inner = def?.innerType ?? def?.in;
  }
  return null;
}
