import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertConfiguration, checkConfiguration } from "./check.ts";
import { nearest } from "./format-issues.ts";

const EXAMPLE = path.resolve(import.meta.dirname, "../../shops.example.json");
const dir = mkdtempSync(path.join(tmpdir(), "lg-check-"));
const shopsFile = (config: unknown) => {
  const file = path.join(dir, `shops-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
};
const bonusplus = {
  id: "bp",
  adapter: "bonusplus",
  baseUrl: "https://bonusplus.example/api",
  options: { store: "Main" },
  credentials: { apiKey: "env:BP_KEY" },
};
const prices = [{ productId: "rose-15", name: "15 роз", price: "3500.00" }];

describe("the configuration, checked in one pass", () => {
  it("lists every credential variable of shops.example.json that is not set, in one report", () => {
    const named = [...readFileSync(EXAMPLE, "utf8").matchAll(/"env:([A-Z0-9_]+)"/g)].map((m) => m[1]!);
    const report = checkConfiguration({ SHOPS_CONFIG: EXAMPLE });
    expect(named.length).toBeGreaterThan(3);
    expect([...report.missingVariables].sort()).toEqual([...new Set(named)].sort());
    expect(() => assertConfiguration({ SHOPS_CONFIG: EXAMPLE })).toThrow(
      `Environment variables the shops file needs and are not set: ${report.missingVariables.join(", ")}`,
    );
  });

  it("refuses an unknown key, naming the nearest known one, with its path", () => {
    const file = shopsFile({
      shops: [{ id: "s", name: "S", loyalty: [{ ...bonusplus, timeoutMS: 3000 }], prices }],
    });
    const { problems } = checkConfiguration({ SHOPS_CONFIG: file, BP_KEY: "k" });
    expect(problems).toEqual([
      { where: "shops[0].loyalty[0]", why: 'unknown key "timeoutMS" (did you mean timeoutMs?)' },
    ]);
  });

  it("refuses an adapter option or a credential its adapter does not know, and names a missing one", () => {
    const file = shopsFile({
      shops: [
        {
          id: "s",
          name: "S",
          loyalty: [
            { ...bonusplus, options: { stroe: "Main" }, credentials: { apikey: "env:BP_KEY" } },
            {
              ...bonusplus,
              id: "rk",
              adapter: "rkeeper",
              options: { rkObjectId: "1" },
              credentials: { apiKey: "env:RK_KEY" },
            },
          ],
          prices,
        },
      ],
    });
    const { problems } = checkConfiguration({ SHOPS_CONFIG: file, BP_KEY: "k", RK_KEY: "k" });
    const where = problems.map((p) => p.where);
    expect(where).toContain("shops[0].loyalty[0].options.stroe");
    expect(problems.find((p) => p.where === "shops[0].loyalty[0].options.stroe")?.why).toContain("did you mean store?");
    expect(problems.find((p) => p.where === "shops[0].loyalty[0].credentials.apikey")?.why).toContain(
      "did you mean apiKey?",
    );
    expect(where).toContain("shops[0].loyalty[1].credentials.password");
  });

  it("reports the environment's and the file's problems together", () => {
    const file = shopsFile({ shops: [{ id: "s", name: "S", loyalty: [{ ...bonusplus, baseUrl: "nope" }] }] });
    const { problems } = checkConfiguration({
      SHOPS_CONFIG: file,
      NODE_ENV: "production",
      PORT: "eighty",
      WEBHOOK_SECRETS: '{"posiflora":"short"}',
    });
    const where = problems.map((p) => p.where);
    expect(where).toEqual(
      expect.arrayContaining([
        "PORT",
        "WEBHOOK_SECRETS.posiflora",
        "shops[0].loyalty[0].baseUrl",
        "shops[0].prices",
        "shops[0].loyalty[0].credentials.apiKey",
      ]),
    );
    expect(problems.find((p) => p.where === "WEBHOOK_SECRETS.posiflora")?.why).toBe(
      "a webhook secret is at least 16 characters",
    );
  });

  it("says which production rules are missing once the values parse", () => {
    const file = shopsFile({ shops: [{ id: "s", name: "S", loyalty: [bonusplus], prices }] });
    const { problems } = checkConfiguration({ SHOPS_CONFIG: file, NODE_ENV: "production", BP_KEY: "k" });
    expect(problems).toEqual([{ where: "TELEGRAM_BOT_TOKEN", why: "required in production" }]);
  });

  it("suggests only names that are close", () => {
    expect(nearest("timeoutMS", ["timeoutMs", "maxRetries"])).toBe("timeoutMs");
    expect(nearest("maxRetry", ["timeoutMs", "maxRetries"])).toBe("maxRetries");
    expect(nearest("colour", ["timeoutMs", "maxRetries"])).toBeNull();
  });
});
