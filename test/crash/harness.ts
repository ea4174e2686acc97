import { DEMO_ITEMS, demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEMO_SIMULATOR_ENV } from "../../src/config/demo.ts";
import { CRASH_POINTS } from "../../src/domain/crash-points.ts";
import { spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";

export { startSimulators } from "../support/simulators-process.ts";

export const CRASH_KEY = "crash-test-service-key-0001";
/** The secret Posiflora's webhooks are signed with. */
export const CRASH_WEBHOOK_SECRET = "crash-webhook-secret-0001";

/**
 * The shops whose buyers pay ahead: one per loyalty flow kind, each with its own capture moment and its
 * own ЮKassa account (a simulator of its own, `psp`), whose notifications go to the instance's URL.
 */
export const PAID_SHOPS = [
  {
    shop: "crash-paid-posiflora",
    psp: "yookassa",
    instance: "crash-paid-pf-yk",
    capture: "AT_READY",
    partialRefunds: false,
  },
  {
    shop: "crash-paid-bonusplus",
    psp: "yookassa-2",
    instance: "crash-paid-bp-yk",
    capture: "AT_COMPLETION",
    partialRefunds: true,
  },
  {
    shop: "crash-paid-integrations",
    psp: "yookassa-3",
    instance: "crash-paid-int-yk",
    capture: "AT_PLACEMENT",
    partialRefunds: false,
  },
] as const;
export type PaidShop = (typeof PAID_SHOPS)[number];

/**
 * A shop per provider whose flows the crash test drives, on the simulators above; with `prepaid`, the
 * PAID_SHOPS too (the simulators serving a ЮKassa account for each).
 */
export function writeShops(urls: Record<string, string>, options: { prepaid?: boolean } = {}): string {
  const creds = {
    bp: { apiKey: "env:DEMO_BONUSPLUS_API_KEY" },
    rk: { apiKey: "env:DEMO_RKEEPER_API_KEY", password: "env:DEMO_RKEEPER_PASSWORD" },
    int: { apiKey: "env:DEMO_INTEGRATIONS_API_KEY" },
    lc: { apiKey: "env:DEMO_LOYALCLIENT_API_KEY" },
    pf: { username: "env:DEMO_POSIFLORA_USERNAME", password: "env:DEMO_POSIFLORA_PASSWORD" },
  };
  const inst = (id: string, adapter: string, baseUrl: string, options: object, credentials: object) => ({
    id,
    adapter,
    baseUrl,
    timeoutMs: 3000,
    maxRetries: 1,
    options,
    credentials,
  });
  // Shops without an order system price carts from their own list (the demo catalog's list prices).
  const prices = DEMO_ITEMS.map((item) => ({
    productId: demoItemId(item.slug),
    name: item.title,
    price: `${Math.floor(item.price / 100)}.${String(item.price % 100).padStart(2, "0")}`,
  }));
  const yk = { shopId: "env:DEMO_YOOKASSA_SHOP_ID", secretKey: "env:DEMO_YOOKASSA_SECRET_KEY" };
  const payment = (paid: PaidShop) => ({
    provider: inst(paid.instance, "yookassa", `${urls[paid.psp]}/v3`, {}, yk),
    mode: "PREPAY",
    capture: paid.capture,
    returnUrl: "https://shop.example/paid",
    // The simulators send from the loopback address.
    notificationIps: ["127.0.0.1", "::1"],
    receipt: { vatCode: 1, paymentSubject: "commodity" },
  });
  const [paidPf, paidBp, paidInt] = PAID_SHOPS;
  const prepaid = options.prepaid
    ? [
        {
          id: paidPf.shop,
          name: "PF paid",
          loyalty: [inst("crash-paid-pf", "posiflora", `${urls.posiflora}/api`, {}, creds.pf)],
          orders: inst("crash-paid-pf-orders", "posiflora", `${urls.posiflora}/api`, { storeId: "store-1" }, creds.pf),
          payment: payment(paidPf),
        },
        {
          id: paidBp.shop,
          name: "BP paid",
          loyalty: [inst("crash-paid-bp", "bonusplus", `${urls.bonusplus}/api`, { store: "Main" }, creds.bp)],
          prices,
          payment: payment(paidBp),
        },
        {
          id: paidInt.shop,
          name: "INT paid",
          loyalty: [
            inst(
              "crash-paid-int",
              "integrations",
              `${urls.integrations}/api/integrations`,
              { outletId: "outlet-1" },
              creds.int,
            ),
          ],
          prices,
          payment: payment(paidInt),
        },
      ]
    : [];
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-crash-")), "shops.json");
  writeFileSync(
    file,
    JSON.stringify({
      shops: [
        {
          id: "crash-bonusplus",
          name: "BP",
          loyalty: [inst("crash-bp", "bonusplus", `${urls.bonusplus}/api`, { store: "Main" }, creds.bp)],
          prices,
        },
        {
          id: "crash-rkeeper",
          name: "RK",
          loyalty: [inst("crash-rk", "rkeeper", `${urls.rkeeper}/pub`, { rkObjectId: "4174244" }, creds.rk)],
          prices,
        },
        {
          id: "crash-integrations",
          name: "INT",
          loyalty: [
            inst(
              "crash-int",
              "integrations",
              `${urls.integrations}/api/integrations`,
              { outletId: "outlet-1" },
              creds.int,
            ),
          ],
          prices,
        },
        {
          id: "crash-loyalclient",
          name: "LC",
          loyalty: [
            inst("crash-lc", "loyalclient", urls.loyalclient!, { point: "point-1", holdMinutes: 30 }, creds.lc),
          ],
          prices,
        },
        {
          id: "crash-posiflora",
          name: "PF",
          loyalty: [inst("crash-pf", "posiflora", `${urls.posiflora}/api`, {}, creds.pf)],
          orders: inst("crash-pf-orders", "posiflora", `${urls.posiflora}/api`, { storeId: "store-1" }, creds.pf),
        },
        ...prepaid,
      ],
    }),
  );
  return file;
}

export function gatewayEnv(shops: string, templateDb: string): Record<string, string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-crash-db-")), "gateway.db");
  copyFileSync(templateDb, file);
  return {
    ...DEMO_SIMULATOR_ENV,
    SHOPS_CONFIG: shops,
    DATABASE_URL: `file:${file}`,
    MIGRATE_ON_START: "false",
    LOG_LEVEL: "info",
    NODE_ENV: "test",
    API_KEYS: JSON.stringify([
      {
        name: "crash",
        key: CRASH_KEY,
        scopes: ["customers:read", "customers:link", "orders:write", "orders:manage", "orders:read"],
      },
    ]),
    // Whatever a killed process left is settled at the next start, and its claims are taken over at once.
    RECOVERY_STALE_SECONDS: "0",
    RECOVERY_INTERVAL_SECONDS: "0",
    IDEMPOTENCY_TAKEOVER_SECONDS: "1",
    // The checkout is under test here, not the status sync: the florist's "assembled" comes by webhook.
    STATUS_SYNC_SECONDS: "0",
    WEBHOOK_SECRETS: JSON.stringify({ posiflora: CRASH_WEBHOOK_SECRET }),
    // Lost notifications are made up for by the reconciler within a second or two.
    PAYMENT_RECONCILE_SECONDS: "1",
  };
}

/** Keeps one gateway process alive across crashes, counting where it died. */
export class GatewayUnderTest {
  gw: SpawnedGateway | null = null;
  dead = true;
  restarts = 0;
  /** Time spent starting processes. */
  startupMs = 0;
  kills: Record<string, number> = Object.fromEntries(CRASH_POINTS.map((p) => [p, 0]));

  /** `started`: what each new process needs before traffic (the PSPs told its notification URL). */
  constructor(
    private readonly env: Record<string, string>,
    private readonly started: (gw: SpawnedGateway) => Promise<void> = async () => {},
  ) {}

  async ensure(crashAt: string | null): Promise<SpawnedGateway> {
    if (this.gw && !this.dead) return this.gw;
    if (this.gw) this.countKill(this.gw.stdout());
    const t0 = Date.now();
    const gw = await this.spawnSurvivingStartup(crashAt);
    this.startupMs += Date.now() - t0;
    this.gw = gw;
    this.dead = false;
    this.restarts += 1;
    gw.child.on("exit", () => {
      this.dead = true;
    });
    await this.started(gw);
    return gw;
  }

  /**
   * A process may die in its start-up recovery (a crash while settling the last crash): that kill is
   * counted and another process started, armed the same way twice, then unarmed so recovery can finish.
   */
  private async spawnSurvivingStartup(crashAt: string | null): Promise<SpawnedGateway> {
    for (const arming of [crashAt, crashAt]) {
      try {
        return await spawnGateway({ ...this.env, ...(arming ? { CRASH_AT: arming } : {}) });
      } catch (error) {
        const { stdout = "", signal } = error as { stdout?: string; signal?: string };
        if (!/crash point reached/.test(stdout) && signal !== "SIGKILL") throw error;
        this.countKill(stdout);
        this.restarts += 1;
      }
    }
    return spawnGateway(this.env);
  }

  async stop(): Promise<void> {
    if (this.gw && !this.dead) await this.gw.stop("SIGTERM");
    if (this.gw) this.countKill(this.gw.stdout());
    this.gw = null;
  }

  private countKill(stdout: string): void {
    const m = /"msg":"crash point reached: SIGKILL","point":"([\w-]+)"/.exec(stdout);
    if (m) this.kills[m[1]!] = (this.kills[m[1]!] ?? 0) + 1;
  }
}
