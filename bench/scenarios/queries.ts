import { DEMO_ITEMS, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";

export const SERVICE_KEY = "bench-service-key-000000001";

/** The same lookup on the bare-yoga reference's schema (bench/reference-yoga.ts). */
export const referenceLookupQuery = (phone: string) => `{ customer(phone: "${phone}") { id balance tier } }`;

export const lookupQuery = (shopId: string, phone: string) =>
  `{ customer(shopId: "${shopId}", phone: "${phone}") { ... on QueryCustomerSuccess { data { id loyalty { ... on LoyaltyAccount { balance tier } } } } } }`;

/** Ten distinct catalogue lines at the shop's own prices. */
export const tenLines = () =>
  DEMO_ITEMS.slice(0, 10).map((item, i) => ({
    productId: demoItemId(item.slug),
    quantity: 1 + (i % 3),
    name: item.title,
    unitPrice: { amount: item.price, currency: "RUB" },
  }));

const literal = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(literal).join(", ")}]`
    : value && typeof value === "object"
      ? `{ ${Object.entries(value)
          .map(([k, v]) => `${k}: ${literal(v)}`)
          .join(", ")} }`
      : typeof value === "string" && /^[A-Z_]+$/.test(value)
        ? value
        : JSON.stringify(value);

export const calculationQuery = (shopId: string, phone: string) =>
  `{ loyaltyCalculation(input: { shopId: "${shopId}", phone: "${phone}", redeemPoints: 10, lines: ${literal(tenLines())} }) { __typename ... on QueryLoyaltyCalculationSuccess { data { total { amount } pointsEarned maxRedeemablePoints } } } }`;
