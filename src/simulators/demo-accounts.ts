/**
 * The accounts the demo simulators accept. They belong to the simulators: these credentials exist
 * nowhere else, and the gateway's demo config (src/config/demo.ts) takes them from here.
 */
export const DEMO_ACCOUNTS = {
  bonusplus: { apiKey: "demo-bonusplus-key" },
  loyalclient: { apiKey: "demo-loyalclient-key" },
  rkeeper: { apiKey: "demo-rkeeper-key", password: "demo-rkeeper-password" },
  integrations: { apiKey: "demo-integrations-key" },
  posiflora: { username: "demo-florist", password: "demo-posiflora-password" },
  yookassa: { shopId: "demo-yookassa-shop", secretKey: "demo-yookassa-secret" },
} as const;

/** The same accounts as the environment variables the demo shops' credentials name (`env:DEMO_...`). */
export const DEMO_SIMULATOR_ENV: Record<string, string> = {
  DEMO_BONUSPLUS_API_KEY: DEMO_ACCOUNTS.bonusplus.apiKey,
  DEMO_LOYALCLIENT_API_KEY: DEMO_ACCOUNTS.loyalclient.apiKey,
  DEMO_RKEEPER_API_KEY: DEMO_ACCOUNTS.rkeeper.apiKey,
  DEMO_RKEEPER_PASSWORD: DEMO_ACCOUNTS.rkeeper.password,
  DEMO_INTEGRATIONS_API_KEY: DEMO_ACCOUNTS.integrations.apiKey,
  DEMO_POSIFLORA_USERNAME: DEMO_ACCOUNTS.posiflora.username,
  DEMO_POSIFLORA_PASSWORD: DEMO_ACCOUNTS.posiflora.password,
  DEMO_YOOKASSA_SHOP_ID: DEMO_ACCOUNTS.yookassa.shopId,
  DEMO_YOOKASSA_SECRET_KEY: DEMO_ACCOUNTS.yookassa.secretKey,
};
