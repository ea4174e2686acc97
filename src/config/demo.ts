import { minorToDecimal } from "../domain/money.ts";
import { DEMO_CATEGORIES, DEMO_ITEMS, DEMO_STORES, demoItemId } from "../simulators/posiflora/catalog-seed.ts";
import type { ProviderInstanceInput, ShopsConfig } from "./shops.ts";

/**
 * Demo mode (no SHOPS_CONFIG): one shop per built simulator, each served in-process under a
 * `*.sim` host. The credentials exist only inside the simulators, which own them
 * (src/simulators/demo-accounts.ts); the shops below name them as `env:DEMO_...`.
 */
export { DEMO_SIMULATOR_ENV } from "../simulators/demo-accounts.ts";

const categoryTitle = (id: string) => DEMO_CATEGORIES.find((c) => c.id === id)?.title ?? "Другое";

/**
 * The price list of the demo shops without an order system: the demo catalog at its list prices, and
 * the café items of seed 004 (r_keeper's scenario). Carts there are priced from it, never as sent; the
 * Mini App shows it as the shop window (categories, photos, descriptions).
 */
const DEMO_PRICES = [
  ...DEMO_ITEMS.map((item) => ({
    productId: demoItemId(item.slug),
    name: item.title,
    price: minorToDecimal(item.price),
    category: categoryTitle(item.category),
    photoUrl: `/__sim/posiflora/images/${item.slug}.svg`,
    ...(item.description ? { description: item.description } : {}),
  })),
  {
    productId: "hot-1",
    name: "Горячее",
    price: "500.00",
    category: "Кофейня",
    photoUrl: "/__sim/posiflora/images/hot.svg",
  },
  {
    productId: "drink-1",
    name: "Напиток",
    price: "200.00",
    category: "Кофейня",
    photoUrl: "/__sim/posiflora/images/drink.svg",
  },
  {
    productId: "dessert-1",
    name: "Десерт",
    price: "300.00",
    category: "Кофейня",
    photoUrl: "/__sim/posiflora/images/dessert.svg",
  },
];

/** Integrations takes whole rubles only (src/providers/integrations/README.md, "Whole rubles"): its list leaves kopecks out. */
const WHOLE_RUBLE_PRICES = DEMO_PRICES.filter((p) => p.price.endsWith(".00"));

/** The demo pickup points, for the shops whose stores are not in an order system. */
const DEMO_PRICE_LIST_STORES = DEMO_STORES.map((s) => ({
  id: s.id,
  title: s.title,
  city: s.addressCity,
  address: s.address,
  hours: "09:00–21:00",
}));

const sim = (
  id: string,
  adapter: string,
  baseUrl: string,
  options: Record<string, unknown>,
  credentials: Record<string, string>,
): ProviderInstanceInput => ({
  id,
  adapter,
  baseUrl,
  timeoutMs: 3_000,
  maxRetries: 2,
  options,
  credentials,
});

const posifloraLogin = { username: "env:DEMO_POSIFLORA_USERNAME", password: "env:DEMO_POSIFLORA_PASSWORD" };
/** Posiflora as the shop's order system: orders from the Mini App go there at confirmation. */
const posifloraOrders = (id: string) =>
  sim(
    id,
    "posiflora",
    "http://posiflora.sim/api",
    { storeId: "store-1", imageUrlTemplate: "/__sim/posiflora/images/{id}.svg" },
    posifloraLogin,
  );

/**
 * The demo's times: pickup by the half hour, delivery in three-hour windows, a week ahead, Moscow time.
 * `required: false` lets API clients and tests that name no time still order; the Mini App always asks.
 */
const DEMO_SLOTS: NonNullable<ShopsConfig["shops"][number]["slots"]> = {
  pickup: {
    opens: "09:00",
    closes: "21:00",
    slotMinutes: 30,
    leadMinutes: 60,
    cutoff: "20:00",
    closedDates: ["2027-01-01"],
    capacity: 20,
    daysAhead: 30,
  },
  delivery: {
    opens: "09:00",
    closes: "21:00",
    slotMinutes: 180,
    leadMinutes: 180,
    cutoff: "18:00",
    closedDates: ["2027-01-01"],
    capacity: 10,
    daysAhead: 30,
  },
  stores: { "store-2": { opens: "10:00", closes: "20:00" } },
  required: false,
};

export const DEMO_SHOPS: ShopsConfig = {
  shops: [
    {
      id: "demo-posiflora",
      name: "Цветочная лавка «Садовая»",
      currency: "RUB",
      timezone: "Europe/Moscow",
      slots: DEMO_SLOTS,
      loyalty: [
        sim(
          "demo-posiflora",
          "posiflora",
          "http://posiflora.sim/api",
          { rulesTtlSeconds: 300, newCustomerBonusGroupId: "57" },
          posifloraLogin,
        ),
      ],
      orders: posifloraOrders("demo-posiflora-orders"),
    },
    {
      id: "demo-bonusplus",
      name: "Цветочная лавка «Бонус»",
      currency: "RUB",
      timezone: "Europe/Moscow",
      slots: DEMO_SLOTS,
      loyalty: [
        sim(
          "demo-bonusplus",
          "bonusplus",
          "http://bonusplus.sim/api",
          { store: "Демо-магазин" },
          { apiKey: "env:DEMO_BONUSPLUS_API_KEY" },
        ),
      ],
      orders: posifloraOrders("demo-bonusplus-orders"),
    },
    {
      id: "demo-loyalclient",
      name: "Цветочная лавка «Клиент»",
      currency: "RUB",
      timezone: "Europe/Moscow",
      slots: DEMO_SLOTS,
      loyalty: [
        sim(
          "demo-loyalclient",
          "loyalclient",
          "http://loyalclient.sim",
          { point: "point-1", holdMinutes: 30 },
          { apiKey: "env:DEMO_LOYALCLIENT_API_KEY" },
        ),
      ],
      prices: DEMO_PRICES,
      stores: DEMO_PRICE_LIST_STORES,
    },
    {
      id: "demo-rkeeper",
      name: "Кофейня при цветочной",
      currency: "RUB",
      timezone: "Europe/Moscow",
      slots: DEMO_SLOTS,
      loyalty: [
        sim(
          "demo-rkeeper",
          "rkeeper",
          "http://rkeeper.sim/pub",
          { rkObjectId: "4174244" },
          { apiKey: "env:DEMO_RKEEPER_API_KEY", password: "env:DEMO_RKEEPER_PASSWORD" },
        ),
      ],
      prices: DEMO_PRICES,
      stores: DEMO_PRICE_LIST_STORES,
    },
    {
      id: "demo-integrations",
      name: "Цветочная лавка «Интеграция»",
      currency: "RUB",
      timezone: "Europe/Moscow",
      slots: DEMO_SLOTS,
      loyalty: [
        sim(
          "demo-integrations",
          "integrations",
          "http://integrations.sim/api/integrations",
          { outletId: "outlet-1" },
          { apiKey: "env:DEMO_INTEGRATIONS_API_KEY" },
        ),
      ],
      prices: WHOLE_RUBLE_PRICES,
      stores: DEMO_PRICE_LIST_STORES,
    },
  ],
};

/** Phones the demo simulators know, for the README and GraphiQL. */
export const DEMO_PHONES = {
  bonusplus: { regular: "+79001234567", small: "+79007654321", blocked: "+79000000003", multiple: "+79000000004" },
  loyalclient: { regular: "+79001234567", small: "+79007654321", discountLevel: "+79000000003" },
  rkeeper: { regular: "+79001234567", small: "+79007654321" },
  integrations: { regular: "+79001234567", small: "+79007654321", blocked: "+79000000003" },
  posiflora: { regular: "+79001234567", small: "+79007654321", noGroup: "+79000000003" },
} as const;

/** QR tokens the Integrations simulator knows (it finds customers by token, not by phone). */
export const DEMO_QR_TOKENS = {
  integrations: { regular: "qr-anna-501", small: "qr-ivan-502", blocked: "qr-oleg-503" },
} as const;

/** The demo's PSP: the ЮKassa simulator, its notifications at /webhooks/payments/demo-yookassa. */
export const DEMO_PAYMENT_INSTANCE = "demo-yookassa";
/** How often the demo's ЮKassa simulator delivers its notifications to the gateway. */
export const DEMO_NOTIFICATION_MS = 300;

/**
 * Prepayment in the demo: the buyer pays at the ЮKassa simulator's page (reached through the gateway's
 * /__sim/yookassa) and comes back to the Mini App; the money is held, and taken when the florist makes
 * the order ready. Its notifications come in-process, as from the loopback address.
 */
export function demoPayment(publicUrl: string): NonNullable<ShopsConfig["shops"][number]["payment"]> {
  return {
    provider: sim(
      DEMO_PAYMENT_INSTANCE,
      "yookassa",
      "http://yookassa.sim/v3",
      {},
      { shopId: "env:DEMO_YOOKASSA_SHOP_ID", secretKey: "env:DEMO_YOOKASSA_SECRET_KEY" },
    ),
    mode: "PREPAY",
    capture: "AT_READY",
    // The Mini App (server/mini-app.ts MINI_APP_PATH).
    returnUrl: `${publicUrl}/app/`,
    notificationIps: ["127.0.0.1", "::1"],
    // ЮKassa's own receipts, which go by e-mail only: the Mini App asks for one.
    receipt: { vatCode: 1, paymentSubject: "commodity", settlement: true, contact: "EMAIL" },
  };
}

/**
 * The demo's shops: DEMO_SHOPS, and «Предоплата», a Posiflora shop whose buyers pay ahead; `prepaid`
 * names more demo shops that take prepayment too (DEMO_PREPAY_SHOPS, for tests of every provider).
 */
export function demoShops(publicUrl: string, prepaid: readonly string[] = []): ShopsConfig {
  const payment = demoPayment(publicUrl);
  return {
    shops: [
      ...DEMO_SHOPS.shops.map((shop) => (prepaid.includes(shop.id) ? { ...shop, payment } : shop)),
      {
        id: "demo-prepaid",
        name: "Цветочная лавка «Предоплата»",
        currency: "RUB",
        timezone: "Europe/Moscow",
        slots: DEMO_SLOTS,
        loyalty: [
          sim(
            "demo-prepaid",
            "posiflora",
            "http://posiflora.sim/api",
            { rulesTtlSeconds: 300, newCustomerBonusGroupId: "57" },
            posifloraLogin,
          ),
        ],
        orders: posifloraOrders("demo-prepaid-orders"),
        payment,
      },
    ],
  };
}
