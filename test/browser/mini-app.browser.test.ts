import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { miniAppBundleSize } from "../support/mini-app-bundle.ts";
import { CHROMIUM, chromiumPresent, launchChromium, loopbackOnly } from "../support/browser.ts";
import { spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** Screenshots of each screen, for people to look at; the assertions below are what the test checks. */
const SHOTS = path.join(ROOT, "test-output/mini-app");
const SHOP = "demo-posiflora";
/** The Posiflora simulator's demo customer with points (350, bonus group 10%: 30% of a cart payable). */
const PHONE = "+79001234567";
const DEMO_KEY = "demo-dev-key-0000000000";
const ROSES_15 = "Букет из 15 роз";
const rub = (minor: number) => {
  const whole = String(Math.floor(minor / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  return `${whole},${String(minor % 100).padStart(2, "0")}\u00a0₽`;
};

describe.skipIf(!chromiumPresent)(`the reference Mini App at /app in a real browser (Chromium at ${CHROMIUM})`, () => {
  let gateway: SpawnedGateway;
  let browser: Browser;

  beforeAll(async () => {
    // The page under test is the one in web/src now, not whatever was built last.
    execFileSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--config", "web/vite.config.ts"], {
      cwd: ROOT,
      stdio: "pipe",
      // vitest sets NODE_ENV=test, which Vite would honour: build exactly what `npm run build:web` builds.
      env: { ...process.env, NODE_ENV: "production" },
    });
    mkdirSync(SHOTS, { recursive: true });
    const dir = mkdtempSync(path.join(tmpdir(), "lg-mini-app-"));
    [gateway, browser] = await Promise.all([
      spawnGateway({
        DATABASE_URL: `file:${path.join(dir, "g.db")}`,
        // Posiflora's status is polled every second, so the florist's moves reach the page quickly.
        STATUS_SYNC_SECONDS: "1",
        // The catalog's revision is probed every second, so a price the florist changes is seen quickly.
        CATALOG_POLL_SECONDS: "1",
        // As in production: the page may send only the persisted documents codegen wrote.
        TRUSTED_DOCUMENTS: "true",
      }),
      launchChromium(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  /** The gateway's own answer, asked as a service with the demo key (any document is allowed for it). */
  async function api(query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const res = await fetch(`${gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body));
    return body.data;
  }
  const balanceAtGateway = async (): Promise<number> =>
    (
      await api(
        `query B($s: ID!, $p: String!) { customer(shopId: $s, phone: $p) { ... on QueryCustomerSuccess { data { loyalty { ... on LoyaltyAccount { balance } } } } } }`,
        { s: SHOP, p: PHONE },
      )
    ).customer.data.loyalty[0].balance;
  const florist = async (orderId: string, status: string) => {
    const res = await fetch(`${gateway.url}/__sim/posiflora/orders/${orderId}/status`, {
      method: "POST",
      body: JSON.stringify({ status }),
    });
    expect(res.status).toBe(200);
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

  it("a new user browses, links a phone, spends points, orders, and watches the florist and the balance live", async () => {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 420, height: 860 } });
    const page = await context.newPage();
    // Nothing may leave loopback: anything else is recorded and refused.
    const offsite = await loopbackOnly(context, gateway.url);
    const sent: Array<Record<string, unknown>> = [];
    page.on("request", (r) => {
      if (r.url().startsWith(`${gateway.url}/graphql`) && r.method() === "POST")
        sent.push(JSON.parse(r.postData() ?? "{}") as Record<string, unknown>);
    });
    const browserErrors: string[] = [];
    page.on("pageerror", (e) => browserErrors.push(e.message));

    // 1. The shop window: categories and products of the first pickup store, with photos and prices.
    await page.goto(`${gateway.url}/app`, { waitUntil: "load" });
    const shopScreen = page.locator('[data-screen="shop"]');
    await shopScreen.getByRole("heading", { name: "Розы" }).waitFor({ timeout: 30_000 });
    const card = page.locator(`[data-product="${ROSES_15}"]`);
    await expect.poll(() => card.locator(".price").innerText()).toBe(rub(350_000));
    await expect
      .poll(() => card.locator("img").evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(0);
    expect(await page.locator('select[name="store"] option').allInnerTexts()).toEqual([
      expect.stringContaining("Цветочная лавка на Садовой"),
      expect.stringContaining("Цветочная лавка у Парка"),
    ]);
    const paint = await page.evaluate(() =>
      Object.fromEntries(performance.getEntriesByType("paint").map((e) => [e.name, Math.round(e.startTime)])),
    );
    const bundle = miniAppBundleSize(path.join(ROOT, "web/dist"));
    console.log(`mini app: first paint ${JSON.stringify(paint)} ms; JS ${bundle.raw} B raw, ${bundle.gzip} B gzip`);
    expect(paint["first-contentful-paint"]).toBeGreaterThan(0);
    expect(bundle.gzip).toBeLessThan(150 * 1024);
    await shot(page, "01-shop-window");

    // 2. The product card: photos, price, and stock at each store; into the cart from here.
    await card.locator(".product-open").click();
    const product = page.locator('[data-screen="product"]');
    await product.getByRole("heading", { name: ROSES_15 }).waitFor();
    await expect.poll(() => product.locator(".stock li").count()).toBe(2);
    expect(await product.locator('[data-stock="store-1"]').innerText()).toBe("под заказ");
    await page.getByRole("button", { name: "В корзину" }).click();
    await page.getByRole("button", { name: /В корзине: 1/ }).waitFor();
    await shot(page, "02-product");

    // 3. The cart, anonymous: priced live by the gateway as lines change.
    await page.locator('[data-tab="cart"]').click();
    const cart = page.locator('[data-screen="cart"]');
    await expect.poll(() => cart.locator('[data-total="subtotal"]').innerText()).toBe(rub(350_000));
    await cart.getByRole("button", { name: "+" }).click();
    await expect.poll(() => cart.locator('[data-total="subtotal"]').innerText()).toBe(rub(700_000));
    await shot(page, "03-cart-anonymous");

    // 4. Phone linking: the contact the page gets signed (requestContact inside Telegram) links the phone.
    await cart.getByRole("button", { name: "Привяжите телефон, чтобы списывать и копить баллы" }).click();
    const phone = page.locator('[data-screen="phone"]');
    await phone.locator('input[name="phone"]').fill(PHONE);
    await shot(page, "04-phone");
    await phone.getByRole("button", { name: "Поделиться контактом" }).click();
    await expect.poll(() => phone.locator("[data-linked]").innerText()).toBe("Телефон +79001234567 привязан");
    const startBalance = await balanceAtGateway();
    expect(startBalance).toBe(350);
    await expect.poll(() => page.locator("[data-header-balance]").getAttribute("data-header-balance")).toBe("350");
    await shot(page, "05-phone-linked");
    await phone.getByRole("button", { name: "OK" }).click();

    // 5. Points: the slider goes up to what the provider allows; the total follows, as the gateway says.
    const slider = cart.locator('input[name="points"]');
    await slider.waitFor();
    const max = Number(await slider.getAttribute("max"));
    expect(max).toBeGreaterThan(100);
    expect(max).toBeLessThanOrEqual(350);
    await slider.fill("100");
    await expect.poll(() => cart.locator("[data-spend]").innerText()).toBe(`Списать баллов: 100 из ${max}`);
    const quote = (
      await api(
        `query C($i: LoyaltyCalculationInput!) { loyaltyCalculation(input: $i) { ... on QueryLoyaltyCalculationSuccess { data { total { amount } redeemed { amount } pointsEarned maxRedeemablePoints } } } }`,
        {
          i: {
            shopId: SHOP,
            storeId: "store-1",
            phone: PHONE,
            redeemPoints: 100,
            lines: [{ productId: await productId(ROSES_15), quantity: 2 }],
          },
        },
      )
    ).loyaltyCalculation.data;
    expect(quote.maxRedeemablePoints).toBeGreaterThanOrEqual(max);
    await expect.poll(() => cart.locator('[data-total="redeemed"]').innerText()).toBe(`−${rub(quote.redeemed.amount)}`);
    await expect.poll(() => cart.locator('[data-total="total"]').innerText()).toBe(rub(quote.total.amount));
    if (quote.pointsEarned > 0)
      expect(await cart.locator('[data-total="earned"]').innerText()).toBe(`Начислим ${quote.pointsEarned} баллов`);
    await shot(page, "06-cart-points");

    // 6. Checkout: pickup at a store, at a time, with a contact and a comment.
    await page.getByRole("button", { name: "Оформить заказ" }).click();
    const checkout = page.locator('[data-screen="checkout"]');
    await checkout.locator('select[name="pickupStore"]').selectOption("store-1");
    const tomorrow = new Date(Date.now() + 86_400_000);
    tomorrow.setHours(18, 0, 0, 0);
    const local = new Date(tomorrow.getTime() - tomorrow.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await checkout.locator('input[name="pickupAt"]').fill(local);
    await checkout.locator('input[name="contactName"]').fill("Анна");
    await checkout.locator('textarea[name="comment"]').fill("Позвоните, когда будет готово");
    expect(await checkout.locator('input[name="contactPhone"]').inputValue()).toBe(PHONE);
    await shot(page, "07-checkout");
    await page.getByRole("button", { name: "Заказать" }).click();

    // 7. The order page: placed, with the points spent; the balance drops live.
    const orderScreen = page.locator('[data-screen="order"][data-order]');
    await orderScreen.waitFor({ timeout: 30_000 });
    const orderId = (await orderScreen.getAttribute("data-order"))!;
    const status = orderScreen.locator("[data-status]");
    await expect.poll(() => status.getAttribute("data-status")).toBe("PLACED");
    expect(await status.innerText()).toBe("Принят");
    const placed = (
      await api(
        `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { status total { amount } pointsRedeemed pointsHeld fulfilment { kind storeId windowFrom } comment contactName providerRefs { orderReference } } } } }`,
        { id: orderId },
      )
    ).order.data;
    expect(placed).toMatchObject({
      status: "PLACED",
      total: { amount: quote.total.amount },
      fulfilment: { kind: "PICKUP", storeId: "store-1", windowFrom: tomorrow.toISOString() },
      comment: "Позвоните, когда будет готово",
      contactName: "Анна",
    });
    expect(Math.max(placed.pointsRedeemed, placed.pointsHeld)).toBe(100);
    expect(await orderScreen.locator('[data-total="total"]').innerText()).toBe(rub(quote.total.amount));
    await expect.poll(balanceAtGateway).toBe(startBalance - 100);
    await expect
      .poll(() => page.locator("[data-header-balance]").getAttribute("data-header-balance"), { timeout: 15_000 })
      .toBe(String(startBalance - 100));
    await shot(page, "08-order-placed");

    // 8. The florist assembles it in Posiflora (which knows it by the gateway's id): ready, live.
    const number = placed.providerRefs.orderReference as string;
    expect(await orderScreen.getByRole("heading").innerText()).toBe(`Заказ №${number}`);
    await florist(orderId, "assembled");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 20_000 }).toBe("READY");
    expect(await status.innerText()).toBe("Готов к выдаче");
    await shot(page, "09-order-ready");

    // 9. ...and done: completed, and the points it earned arrive in the balance, live.
    await florist(orderId, "done");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 20_000 }).toBe("COMPLETED");
    expect(await status.innerText()).toBe("Выполнен");
    await expect.poll(balanceAtGateway, { timeout: 15_000 }).toBeGreaterThan(startBalance - 100);
    const finalBalance = await balanceAtGateway();
    await expect
      .poll(() => page.locator("[data-header-balance]").getAttribute("data-header-balance"), { timeout: 15_000 })
      .toBe(String(finalBalance));
    expect(await orderScreen.getByRole("button", { name: "Отменить заказ" }).count()).toBe(0);
    await shot(page, "10-order-done");

    // 10. The balance screen, the same figure as the gateway's.
    await page.locator('[data-tab="account"]').click();
    const account = page.locator('[data-screen="account"]');
    await expect.poll(() => account.locator("[data-balance]").getAttribute("data-balance")).toBe(String(finalBalance));
    expect(await account.locator("[data-balance]").innerText()).toBe(`${finalBalance} баллов`);
    await shot(page, "11-account");

    // 11. The order history: the order, completed.
    await page.locator('[data-tab="orders"]').click();
    const history = page.locator(`[data-screen="orders"] [data-order="${orderId}"]`);
    await expect.poll(() => history.locator("[data-status]").innerText()).toBe("Выполнен");
    expect(await history.innerText()).toContain(rub(quote.total.amount));
    await shot(page, "12-order-history");

    // Every GraphQL request of the page went by persisted hash only, as production requires.
    expect(sent.length).toBeGreaterThan(5);
    for (const body of sent) {
      expect(body.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(body.query).toBeUndefined();
    }
    expect(offsite).toEqual([]);
    expect(browserErrors).toEqual([]);
    await context.close();
  }, 180_000);

  /** A fresh browser context: a new demo user, nothing may leave loopback. */
  async function newUser(): Promise<{ page: Page; offsite: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 420, height: 860 } });
    const offsite = await loopbackOnly(context, gateway.url);
    const page = await context.newPage();
    await page.goto(`${gateway.url}/app`, { waitUntil: "load" });
    await page.locator('[data-screen="shop"]').getByRole("heading", { name: "Розы" }).waitFor({ timeout: 30_000 });
    return { page, offsite, close: () => context.close() };
  }

  it("a price the florist changed meanwhile is PRICE_CHANGED in the cart, with the new price to accept", async () => {
    const { page, offsite, close } = await newUser();
    const name = "Букет из 25 роз";
    await page.locator(`[data-product="${name}"] button.add`).click();
    await page.locator('[data-tab="cart"]').click();
    const cart = page.locator('[data-screen="cart"]');
    await expect.poll(() => cart.locator('[data-total="subtotal"]').innerText()).toBe(rub(550_000));
    const id = await productId(name);
    const changed = await fetch(`${gateway.url}/__sim/posiflora/catalog/items/${id}`, {
      method: "POST",
      body: JSON.stringify({ price: 560_000 }),
    });
    expect(changed.status).toBe(200);
    // The gateway notices the catalog's new revision (CATALOG_POLL_SECONDS) and prices by it.
    await expect.poll(() => catalogPrice(id), { timeout: 15_000 }).toBe(560_000);
    await cart.getByRole("button", { name: "+" }).click();
    const error = cart.locator('[role="alert"]');
    await expect.poll(() => error.getAttribute("data-code")).toBe("PRICE_CHANGED");
    expect(await error.innerText()).toBe(`Цена изменилась — проверьте корзину. Новая цена: ${rub(560_000)}`);
    await shot(page, "13-error-price-changed");
    await cart.getByRole("button", { name: "Принять новую цену" }).click();
    await expect.poll(() => cart.locator('[data-total="subtotal"]').innerText()).toBe(rub(2 * 560_000));
    expect(await error.count()).toBe(0);
    expect(offsite).toEqual([]);
    await close();
  });

  it("a loyalty provider that is down is said so in the cart, in words", async () => {
    const { page, offsite, close } = await newUser();
    await page.locator('[data-tab="account"]').click();
    await page.getByRole("button", { name: "Привязать телефон" }).click();
    const phone = page.locator('[data-screen="phone"]');
    await phone.locator('input[name="phone"]').fill("+79007654321");
    await phone.getByRole("button", { name: "Поделиться контактом" }).click();
    await phone.locator("[data-linked]").waitFor();
    await page.locator('[data-tab="shop"]').click();
    await page.locator(`[data-product="${ROSES_15}"] button.add`).click();
    await page.locator('[data-tab="cart"]').click();
    const cart = page.locator('[data-screen="cart"]');
    await cart.locator('[data-total="total"]').waitFor();
    // Every call to the vendor fails from now on (the last test of the file to touch it).
    const down = await fetch(`${gateway.url}/__sim/posiflora/faults`, {
      method: "POST",
      body: JSON.stringify({ kind: "status", status: 503, times: 1000 }),
    });
    expect(down.status).toBe(200);
    await cart.getByRole("button", { name: "+" }).click();
    const error = cart.locator('[role="alert"]');
    await expect.poll(() => error.getAttribute("data-code"), { timeout: 20_000 }).toBe("PROVIDER_UNAVAILABLE");
    expect(await error.innerText()).toBe("Сервис лояльности временно недоступен, попробуйте позже");
    await shot(page, "14-error-provider-down");
    await fetch(`${gateway.url}/__sim/posiflora/reset`, { method: "POST" });
    expect(offsite).toEqual([]);
    await close();
  });

  async function productId(name: string): Promise<string> {
    const data = await api(
      `query P($s: ID!) { catalog(shopId: $s, storeId: "store-1") { ... on QueryCatalogSuccess { data { products(first: 100) { edges { node { id name } } } } } } }`,
      { s: SHOP },
    );
    return data.catalog.data.products.edges.find((e: { node: { name: string } }) => e.node.name === name).node.id;
  }
  async function catalogPrice(id: string): Promise<number> {
    const data = await api(
      `query P($s: ID!, $id: ID!) { product(shopId: $s, id: $id, storeId: "store-1") { ... on QueryProductSuccess { data { price { amount } } } } }`,
      { s: SHOP, id },
    );
    return data.product.data.price.amount;
  }

  it("serves hashed assets for a year and the page with no-cache, and refuses paths out of web/dist", async () => {
    const index = await fetch(`${gateway.url}/app/`);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await index.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${gateway.url}/app/${script}`);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    for (const bad of [
      "/app/%2e%2e/package.json",
      "/app/..%2fpackage.json",
      "/app/assets/%2e%2e%2f%2e%2e%2fpackage.json",
    ])
      expect((await fetch(`${gateway.url}${bad}`)).status).toBe(404);
  });
});
