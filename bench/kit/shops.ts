import { DEMO_SHOPS, DEMO_SIMULATOR_ENV } from "../../src/config/demo.ts";

/**
 * What every benched gateway is started with (run, ab, idle): the simulators' demo credentials, a bot
 * token, the status poll every second and no catalog poll.
 */
export const BENCH_GATEWAY_ENV = {
  ...DEMO_SIMULATOR_ENV,
  TELEGRAM_BOT_TOKEN: "1:bench",
  STATUS_SYNC_SECONDS: "1",
  CATALOG_POLL_SECONDS: "0",
};

/** BonusPlus's Authorization for the demo key, for the direct calls and the reference. */
export const bonusPlusAuth = {
  authorization: `ApiKey ${Buffer.from(DEMO_SIMULATOR_ENV.DEMO_BONUSPLUS_API_KEY!).toString("base64")}`,
};

type Shop = (typeof DEMO_SHOPS.shops)[number];
type Instance = Shop["loyalty"][number];

/** The demo shops, pointed at the simulators' process instead of the in-process `*.sim` hosts. */
export function benchShops(urls: Record<string, string>) {
  const real = (url: string) => url.replace(/^http:\/\/(\w+)\.sim/, (_, vendor: string) => urls[vendor]!);
  const repoint = <T extends { baseUrl: string }>(i: T): T => ({ ...i, baseUrl: real(i.baseUrl) });
  const shops: Shop[] = DEMO_SHOPS.shops.map((shop) => ({
    ...shop,
    // A shops file wants every id distinct, shops' and providers' alike.
    loyalty: shop.loyalty.map((i) => ({ ...repoint(i), id: `${i.id}-loyalty` })),
    ...(shop.orders ? { orders: repoint(shop.orders) } : {}),
  }));
  const instance = (shopId: string): Instance => shops.find((s) => s.id === shopId)!.loyalty[0]!;
  // One shop, three loyalty programmes that each find customers by phone: Customer.loyalty asks all three.
  const fan: Shop = {
    ...shops.find((s) => s.id === "demo-bonusplus")!,
    id: "bench-fanout",
    name: "Fan-out",
    loyalty: [
      { ...instance("demo-bonusplus"), id: "fan-1" },
      { ...instance("demo-rkeeper"), id: "fan-2" },
      { ...instance("demo-loyalclient"), id: "fan-3" },
    ],
  };
  delete (fan as { orders?: unknown }).orders;
  fan.prices = shops.find((s) => s.id === "demo-loyalclient")!.prices;
  return { shops: [...shops, fan] };
}
