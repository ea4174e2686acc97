import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_KEYS } from "./env.ts";
import { envComments, renderEnvReference } from "./env-reference.ts";

describe("docs/environment.md", () => {
  it("is what npm run docs:env writes from the schema and .env.example (run it after changing either)", () => {
    const page = readFileSync(new URL("../../docs/environment.md", import.meta.url), "utf8");
    expect(page).toBe(renderEnvReference());
  });

  it("describes every variable", () => {
    const comments = envComments(readFileSync(new URL("../../.env.example", import.meta.url), "utf8"));
    expect(ENV_KEYS.filter((key) => !comments[key])).toEqual([]);
  });
});
