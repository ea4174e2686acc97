import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENV_KEYS, parseEnv } from "./env.ts";

describe("the environment", () => {
  it("documents every key in .env.example", () => {
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const missing = ENV_KEYS.filter((key) => !new RegExp(`^#? ?${key}=`, "m").test(example));
    expect(missing).toEqual([]);
  });

  it("listens with an accept queue longer than node's 511, for reconnect storms", () => {
    expect(parseEnv({}).LISTEN_BACKLOG).toBe(4096);
    expect(parseEnv({ LISTEN_BACKLOG: "128" }).LISTEN_BACKLOG).toBe(128);
    expect(() => parseEnv({ LISTEN_BACKLOG: "0" })).toThrow(/LISTEN_BACKLOG/);
  });

  it("names a bad limit", () => {
    expect(() => parseEnv({ MAX_TOKENS: "ten" })).toThrow(/MAX_TOKENS/);
    expect(() => parseEnv({ COST_FIELDS: '{"Query.catalog": -1}' })).toThrow(/COST_FIELDS\.Query\.catalog/);
    expect(() => parseEnv({ TRUSTED_DOCUMENTS: "maybe" })).toThrow(/TRUSTED_DOCUMENTS/);
  });
});
