import { describe, expect, it } from "vitest";
import { createLoyaltyProvider, createOrderSystem } from "./providers.ts";
import { createLogger } from "../server/logger.ts";
import { parseEnv } from "./env.ts";
import { ConfigError } from "./format-issues.ts";
import { parseShopsConfig } from "./shops.ts";

const instance = {
  id: "shop-bp",
  adapter: "bonusplus",
  baseUrl: "https://bonusplus.example/api",
  options: { store: "Main" },
  credentials: { apiKey: "env:BP_KEY" },
};
const prices = [{ productId: "rose-15", name: "15 роз", price: "3500.00" }];
const valid = { shops: [{ id: "shop", name: "Shop", loyalty: [instance], prices }] };
const deps = { fetch: globalThis.fetch, logger: createLogger("silent") };

describe("shops config", () => {
  it("fills defaults", () => {
    const cfg = parseShopsConfig(valid);
    expect(cfg.shops[0]).toMatchObject({
      currency: "RUB",
      timezone: "Europe/Moscow",
      loyalty: [{ timeoutMs: 5000, maxRetries: 2 }],
    });
  });

  it("keeps a price list's categories, descriptions and photos, and the stores it is sold at", () => {
    const item = { ...prices[0], category: "Розы", description: "Пятнадцать роз", photoUrl: "/img/rose-15.svg" };
    const stores = [{ id: "s1", title: "На Садовой", city: "Москва" }];
    const cfg = parseShopsConfig({ shops: [{ ...valid.shops[0], prices: [item], stores }] });
    expect(cfg.shops[0]!.prices).toEqual([item]);
    expect(cfg.shops[0]!.stores).toEqual(stores);
  });

  it("keeps a shop's IANA time zone", () => {
    const cfg = parseShopsConfig({ shops: [{ ...valid.shops[0], timezone: "Asia/Vladivostok" }] });
    expect(cfg.shops[0]!.timezone).toBe("Asia/Vladivostok");
  });

  it.each([
    [{ shops: [] }, "shops: "],
    [{ shops: [{ ...valid.shops[0], loyalty: [{ ...instance, baseUrl: "nope" }] }] }, "shops[0].loyalty[0].baseUrl"],
    [{ shops: [{ ...valid.shops[0], currency: "rub" }] }, "shops[0].currency"],
    [{ shops: [{ ...valid.shops[0], timezone: "+03:00" }] }, "shops[0].timezone: an IANA time zone"],
    [{ shops: [{ ...valid.shops[0], timezone: "Europe/Atlantis" }] }, "shops[0].timezone: an IANA time zone"],
    [
      { shops: [{ id: "shop", name: "Shop", loyalty: [instance] }] },
      "shops[0].prices: a shop without an order system needs a price list",
    ],
    [{ shops: [{ ...valid.shops[0], prices: [{ ...prices[0], price: "35.5.0" }] }] }, "shops[0].prices[0].price"],
    [
      { shops: [{ ...valid.shops[0], loyalty: [{ ...instance, adapter: "posiflora" }] }] },
      "shops[0].orders: loyalty[0] (posiflora) needs a posiflora order system",
    ],
    [
      { shops: [{ ...valid.shops[0], loyalty: [{ ...instance, credentials: { apiKey: "plain-secret" } }] }] },
      "shops[0].loyalty[0].credentials.apiKey",
    ],
    [{ shops: [valid.shops[0], valid.shops[0]] }, "shops[1].id: duplicate id shop"],
    [
      {
        shops: [
          {
            ...valid.shops[0],
            loyalty: [{ ...instance, adapter: "posiflora" }],
            orders: { ...instance, id: "orders", adapter: "posiflora" },
            stores: [{ id: "s1", title: "Store" }],
          },
        ],
      },
      "shops[0].stores: the stores of a shop with an order system come from that system",
    ],
    [{ shops: [{ ...valid.shops[0], prices: [{ ...prices[0], category: "" }] }] }, "shops[0].prices[0].category"],
  ])("names the bad key (%#)", (raw, key) => {
    expect(() => parseShopsConfig(raw)).toThrow(ConfigError);
    expect(() => parseShopsConfig(raw)).toThrow(key);
  });

  it("validates adapter options and credentials at boot", () => {
    const env = { BP_KEY: "k" };
    expect(() =>
      createLoyaltyProvider(
        { ...parseShopsConfig(valid).shops[0]!.loyalty[0]!, adapter: "nope" },
        "shops[0].loyalty[0]",
        env,
        deps,
      ),
    ).toThrow('shops[0].loyalty[0].adapter: unknown adapter "nope"');
    expect(() =>
      createLoyaltyProvider(
        { ...parseShopsConfig(valid).shops[0]!.loyalty[0]!, options: {} },
        "shops[0].loyalty[0]",
        env,
        deps,
      ),
    ).toThrow("shops[0].loyalty[0].options.store");
    expect(() =>
      createLoyaltyProvider(parseShopsConfig(valid).shops[0]!.loyalty[0]!, "shops[0].loyalty[0]", {}, deps),
    ).toThrow("shops[0].loyalty[0].credentials.apiKey: environment variable BP_KEY is not set");
    expect(
      createLoyaltyProvider(parseShopsConfig(valid).shops[0]!.loyalty[0]!, "shops[0].loyalty[0]", env, deps).adapter,
    ).toBe("bonusplus");
  });
});

describe("a Posiflora order system's source", () => {
  const orders = (options: Record<string, unknown>) =>
    createOrderSystem(
      {
        id: "pf-orders",
        adapter: "posiflora",
        baseUrl: "https://flowers.posiflora.com/api",
        timeoutMs: 5000,
        maxRetries: 2,
        options,
        credentials: { username: "env:PF_USER", password: "env:PF_PASSWORD" },
      },
      "shops[0].orders",
      { PF_USER: "u", PF_PASSWORD: "p" },
      deps,
    );

  it("is named by an id or by a title, never both", () => {
    expect(orders({}).orders.adapter).toBe("posiflora");
    expect(orders({ sourceId: "f128f295-5f2a-41b5-b63d-e6e1d6dbd4d5" }).orders.adapter).toBe("posiflora");
    expect(() => orders({ sourceId: "f128f295-5f2a-41b5-b63d-e6e1d6dbd4d5", sourceTitle: "Site" })).toThrow(
      "shops[0].orders.options.sourceTitle: name the order source by sourceId or by sourceTitle, not both",
    );
    expect(() => orders({ sourceTitle: "  " })).toThrow("shops[0].orders.options.sourceTitle");
  });
});

describe("environment", () => {
  it("defaults to demo mode on SQLite", () => {
    expect(parseEnv({})).toMatchObject({ demo: true, PORT: 4000, DATABASE_URL: "file:./data/gateway.db" });
  });
  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ API_KEYS: '[{"name":"x"}]' }, "API_KEYS"],
    [{ SHOPS_CONFIG: "./shops.json", NODE_ENV: "production" }, "TELEGRAM_BOT_TOKEN"],
  ])("names the bad key (%#)", (env, key) => {
    expect(() => parseEnv(env)).toThrow(key);
  });
});

describe("shops.example.json", () => {
  it("parses, and every provider instance in it builds", async () => {
    const { readFileSync } = await import("node:fs");
    const cfg = parseShopsConfig(JSON.parse(readFileSync("shops.example.json", "utf8")));
    const env = new Proxy({}, { get: () => "secret" }) as Record<string, string>;
    const adapters = cfg.shops.flatMap((shop, s) =>
      shop.loyalty.map((p, i) => createLoyaltyProvider(p, `shops[${s}].loyalty[${i}]`, env, deps).adapter),
    );
    expect(new Set(adapters)).toEqual(new Set(["bonusplus", "posiflora", "rkeeper", "loyalclient", "integrations"]));
  });
});
