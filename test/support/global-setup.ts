import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/persistence/migrate.ts";

/** Migrates one template SQLite file; every test gateway starts from a copy of it. */
export default async function setup(project: TestProject): Promise<void> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-template-")), "template.db");
  await migrate(`file:${file}`);
  project.provide("templateDb", file);
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}
