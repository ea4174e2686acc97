import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { miniAppBundleSize } from "../support/mini-app-bundle.ts";
import { CHROMIUM, chromiumPresent, launchChromium, loopbackOnly } from "../support/browser.ts";
import { PAID_ORDER } from "../support/payments.ts";
import { freePort, spawnGateway, type SpawnedGateway } from "../support/spawn-gateway.ts";

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
/** "243 балла": Russian plural forms by Intl.PluralRules, as a buyer reads them. */
const ruPoints = (n: number) =>
  `${n}\u00a0${({ one: "балл", few: "балла", many: "баллов" } as Record<string, string>)[new Intl.PluralRules("ru").select(n)] ?? "балла"}`;
const DEMO_SHOP_IDS = [
  "demo-posiflora",
  "demo-bonusplus",
  "demo-loyalclient",
  "demo-rkeeper",
  "demo-integrations",
  "demo-prepaid",
];
/** The demo's Posiflora shop whose buyers pay ahead at the ЮKassa simulator's page. */
const PREPAID = "demo-prepaid";
/** The Posiflora simulator's demo customer with a small balance (20 points), so the main flow's stays whole. */
const PHONE_SMALL = "+79007654321";
/** A phone: 390×844 (the screenshots' size) or 360×640, with touch and mobile emulation. */
const PHONE_390 = { width: 390, height: 844 };
const PHONE_360 = { width: 360, height: 640 };
const AXE = readFileSync(path.join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
/** Every axe-core violation seen, by screen, for the log (serious and critical ones fail the test). */
const axeLog: string[] = [];

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
    const port = await freePort();
    [gateway, browser] = await Promise.all([
      spawnGateway({
        // The PSP's page sends the buyer back to PUBLIC_URL/app/: this gateway's own origin, as the page has it.
        PORT: String(port),
        PUBLIC_URL: `http://localhost:${port}`,
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
    console.log(`axe-core violations by screen (impact:rule(nodes)):\n${axeLog.join("\n")}`);
    await browser?.close();
    await gateway?.stop();
  });

  function phoneContext(locale = "ru-RU", viewport = PHONE_390): Promise<BrowserContext> {
    return browser.newContext({ locale, viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
  }

  /** Words of the catalog and what the buyer typed: shop data, not the app's words. */
  const allowedLatin = new Set(["Red", "Naomi", "SPRING10", "FLOWERS10", "NOSUCH"]);

  /**
   * One screen, checked as a buyer on a phone meets it: nothing wider than the phone, axe-core finds no
   * serious or critical violation, and (in Russian) no English word among the visible text.
   */
  async function checkScreen(page: Page, name: string, language: "ru" | "en" = "ru"): Promise<void> {
    await page.waitForTimeout(150); // let the last render and images settle
    const overflow = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      wide: [...document.querySelectorAll<HTMLElement>("body *")]
        .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && el.offsetParent !== null)
        // What scrolls inside its own box (the product's photos) is not page overflow.
        .filter((el) => {
          for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
            if (getComputedStyle(p).overflowX !== "visible") return false;
          return true;
        })
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5),
    }));
    expect(overflow.wide, `${name}: elements wider than the phone`).toEqual([]);
    expect(overflow.scroll, `${name}: horizontal scroll`).toBeLessThanOrEqual(overflow.inner);
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (d: Document, o: object) => Promise<any> } }).axe;
      const r = await axe.run(document, { resultTypes: ["violations"] });
      return (r.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>).map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => n.target.join(" ")),
      }));
    });
    axeLog.push(`${name}: ${violations.map((v) => `${v.impact}:${v.id}(${v.nodes.length})`).join(", ") || "none"}`);
    expect(
      violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
      `${name}: axe-core`,
    ).toEqual([]);
    if (language === "ru") {
      const text = await page.locator("body").innerText();
      const english = (text.match(/[A-Za-z][A-Za-z0-9'-]+/g) ?? []).filter((w) => !allowedLatin.has(w));
      expect(english, `${name}: English words on a Russian screen`).toEqual([]);
    }
  }

  /** A tap, as a thumb does it: it fails if anything covers the target. */
  const tap = (l: Locator) => l.tap();

  /** The first free slot of the first day on offer, chosen as a buyer does; its start (ISO). */
  async function chooseSlot(page: Page): Promise<string> {
    const slot = page.locator('[data-screen="checkout"] input[name="slot"]:not([disabled])').first();
    await slot.waitFor({ state: "attached", timeout: 15_000 });
    const from = (await slot.getAttribute("value"))!;
    await tap(page.locator(`[data-screen="checkout"] label.slot:has(input[value="${from}"])`));
    await expect.poll(() => slot.isChecked()).toBe(true);
    return from;
  }

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
    const context = await phoneContext();
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
    expect(bundle.gzip).toBeLessThan(60 * 1024);
    await checkScreen(page, "shop window");
    await shot(page, "01-shop-window");

    // 2. The product card: photos, price, and stock at each store; into the cart from here.
    expect(await card.locator("img").getAttribute("alt")).toBe(ROSES_15);
    await tap(card.locator(".product-open"));
    const product = page.locator('[data-screen="product"]');
    await product.getByRole("heading", { name: ROSES_15 }).waitFor();
    await expect.poll(() => product.locator(".stock li").count()).toBe(2);
    expect(await product.locator('[data-stock="store-1"]').innerText()).toBe("под заказ");
    await tap(page.getByRole("button", { name: "В корзину" }));
    await page.getByRole("button", { name: /В корзине: 1/ }).waitFor();
    await checkScreen(page, "product");
    await shot(page, "02-product");

    // 3. The cart, anonymous: priced live by the gateway as lines change.
    await tap(page.locator('[data-tab="cart"]'));
    const cart = page.locator('[data-screen="cart"]');
    await expect.poll(() => cart.locator('[data-total="subtotal"]').innerText()).toBe(rub(350_000));
    await tap(cart.locator('[data-qty-step="+"]'));
    await expect.poll(() => cart.locator('[data-total="subtotal"]').innerText()).toBe(rub(700_000));
    await checkScreen(page, "cart, anonymous");
    await shot(page, "03-cart-anonymous");

    // 4. Phone linking: the contact the page gets signed (requestContact inside Telegram) links the phone.
    await tap(cart.getByRole("button", { name: "Привяжите телефон, чтобы списывать и копить баллы" }));
    const phone = page.locator('[data-screen="phone"]');
    await phone.locator('input[name="phone"]').fill(PHONE);
    await checkScreen(page, "phone");
    await shot(page, "04-phone");
    await tap(phone.getByRole("button", { name: "Поделиться контактом" }));
    await expect.poll(() => phone.locator("[data-linked]").innerText()).toBe("Телефон +79001234567 привязан");
    const startBalance = await balanceAtGateway();
    expect(startBalance).toBe(350);
    await expect.poll(() => page.locator("[data-header-balance]").getAttribute("data-header-balance")).toBe("350");
    await checkScreen(page, "phone linked");
    await shot(page, "05-phone-linked");
    await tap(phone.getByRole("button", { name: "Готово" }));

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
      expect(await cart.locator('[data-total="earned"]').innerText()).toBe(`Начислим ${ruPoints(quote.pointsEarned)}`);
    await checkScreen(page, "cart with points");
    await shot(page, "06-cart-points");

    // 6. Checkout: pickup at a store, in a slot the gateway offers, with a contact and a comment.
    await tap(page.getByRole("button", { name: "Оформить заказ" }));
    const checkout = page.locator('[data-screen="checkout"]');
    await checkout.locator('select[name="pickupStore"]').selectOption("store-1");
    // Without a slot the order is not sent: the slot is marked and said so.
    await tap(page.getByRole("button", { name: "Заказать" }));
    await expect.poll(() => checkout.locator('[role="alert"]').getAttribute("data-code")).toBe("SLOT_REQUIRED");
    expect(await checkout.locator('fieldset[data-field="slot"]').getAttribute("aria-invalid")).toBe("true");
    const slotFrom = await chooseSlot(page);
    await checkout.locator('input[name="contactName"]').fill("Анна");
    await checkout.locator('textarea[name="comment"]').fill("Позвоните, когда будет готово");
    expect(await checkout.locator('input[name="contactPhone"]').inputValue()).toBe(PHONE);
    await checkScreen(page, "checkout, pickup");
    await shot(page, "07-checkout");
    await tap(page.getByRole("button", { name: "Заказать" }));

    // 7. The order page: placed, with the points spent; the balance drops live.
    const orderScreen = page.locator('[data-screen="order"][data-order]');
    await orderScreen.waitFor({ timeout: 30_000 });
    const orderId = (await orderScreen.getAttribute("data-order"))!;
    const status = orderScreen.locator("[data-status]");
    await expect.poll(() => status.getAttribute("data-status")).toBe("PLACED");
    expect(await status.innerText()).toBe("Принят");
    const placed = (
      await api(
        `query O($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { status total { amount } pointsRedeemed pointsHeld paymentState fulfilment { kind storeId windowFrom } comment contactName providerRefs { orderReference } } } } }`,
        { id: orderId },
      )
    ).order.data;
    expect(placed).toMatchObject({
      status: "PLACED",
      total: { amount: quote.total.amount },
      fulfilment: { kind: "PICKUP", storeId: "store-1", windowFrom: slotFrom },
      comment: "Позвоните, когда будет готово",
      contactName: "Анна",
    });
    expect(Math.max(placed.pointsRedeemed, placed.pointsHeld)).toBe(100);
    expect(await orderScreen.locator('[data-total="total"]').innerText()).toBe(rub(quote.total.amount));
    await expect.poll(balanceAtGateway).toBe(startBalance - 100);
    await expect
      .poll(() => page.locator("[data-header-balance]").getAttribute("data-header-balance"), { timeout: 15_000 })
      .toBe(String(startBalance - 100));
    // One balance story: what can be spent now, and what the open order holds.
    await expect.poll(() => page.locator("[data-header-held]").getAttribute("data-header-held")).toBe("100");
    expect(await page.locator("[data-header-balance]").innerText()).toBe(
      `${ruPoints(startBalance - 100)} · 100 в резерве`,
    );
    // Where and when, who, and what was said: all on the order page.
    expect(await orderScreen.locator("[data-where]").innerText()).toBe("Цветочная лавка на Садовой, Садовая ул., 12");
    const when = new Intl.DateTimeFormat("ru", { timeZone: "Europe/Moscow", hour: "2-digit", minute: "2-digit" });
    expect(await orderScreen.locator("[data-when]").innerText()).toContain(when.format(new Date(slotFrom)));
    expect(await orderScreen.locator("[data-contact]").innerText()).toBe(`Анна, ${PHONE}`);
    expect(await orderScreen.locator("[data-comment]").innerText()).toBe("Позвоните, когда будет готово");
    expect(await orderScreen.locator("[data-payment]").getAttribute("data-payment")).toBe(placed.paymentState);
    expect(await orderScreen.locator("[data-payment]").innerText()).not.toBe("");
    await checkScreen(page, "order placed");
    await shot(page, "08-order-placed");

    // 8. The florist assembles it in Posiflora (which knows it by the gateway's id): ready, live.
    const number = placed.providerRefs.orderReference as string;
    expect(await orderScreen.getByRole("heading", { level: 2 }).innerText()).toBe(`Заказ №${number}`);
    await florist(orderId, "assembled");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 20_000 }).toBe("READY");
    expect(await status.innerText()).toBe("Готов к выдаче");
    await checkScreen(page, "order ready");
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
    await expect.poll(() => page.locator("[data-header-held]").getAttribute("data-header-held")).toBe("0");
    await checkScreen(page, "order done");
    await shot(page, "10-order-done");

    // 10. The balance screen, the same figure as the gateway's.
    await tap(page.locator('[data-tab="account"]'));
    const account = page.locator('[data-screen="account"]');
    await expect.poll(() => account.locator("[data-balance]").getAttribute("data-balance")).toBe(String(finalBalance));
    expect(await account.locator("[data-balance]").innerText()).toBe(ruPoints(finalBalance));
    await checkScreen(page, "account");
    await shot(page, "11-account");

    // 11. The order history: the order, completed.
    await tap(page.locator('[data-tab="orders"]'));
    const history = page.locator(`[data-screen="orders"] [data-order="${orderId}"]`);
    await expect.poll(() => history.locator("[data-status]").innerText()).toBe("Выполнен");
    expect(await history.innerText()).toContain(rub(quote.total.amount));
    await checkScreen(page, "order history");
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

  it("every demo shop sells at phone size, from its order system's catalog or its price list; an unknown shop says so", async () => {
    for (const shopId of DEMO_SHOP_IDS) {
      const context = await phoneContext("ru-RU", PHONE_360);
      const offsite = await loopbackOnly(context, gateway.url);
      const page = await context.newPage();
      await page.goto(`${gateway.url}/app?shop=${shopId}`, { waitUntil: "load" });
      const shop = page.locator('[data-screen="shop"]');
      await shop.locator(".category h2").first().waitFor({ timeout: 30_000 });
      const first = shop.locator("[data-product]").first();
      const name = (await first.getAttribute("data-product"))!;
      expect(await first.locator("img").getAttribute("alt")).toBe(name);
      await checkScreen(page, `${shopId}: shop window (360×640)`);
      await tap(first.locator("button.add"));
      await tap(page.locator('[data-tab="cart"]'));
      const cart = page.locator('[data-screen="cart"]');
      await expect.poll(() => cart.locator('[data-total="total"]').count(), { timeout: 15_000 }).toBe(1);
      expect(await cart.locator(`[data-line="${name}"]`).count()).toBe(1);
      await checkScreen(page, `${shopId}: cart (360×640)`);
      // The main action is there and tappable above the tab bar.
      await tap(page.getByRole("button", { name: "Оформить заказ" }));
      await page.locator('[data-screen="phone"]').waitFor();
      await page.setViewportSize(PHONE_390);
      await tap(page.locator('[data-tab="shop"]'));
      await shop.locator(".category h2").first().waitFor();
      await shot(page, `20-shop-${shopId}`);
      expect(offsite).toEqual([]);
      await context.close();
    }
    const context = await phoneContext();
    const page = await context.newPage();
    await page.goto(`${gateway.url}/app?shop=no-such-shop`, { waitUntil: "load" });
    const unknown = page.locator('[data-screen="unknown-shop"]');
    await unknown.waitFor({ timeout: 30_000 });
    expect(await unknown.getByRole("alert").innerText()).toBe("Магазина «no-such-shop» нет. Выберите магазин:");
    expect(await unknown.getByRole("link").count()).toBe(DEMO_SHOP_IDS.length);
    allowedLatin.add("no-such-shop");
    await checkScreen(page, "unknown shop");
    await shot(page, "21-unknown-shop");
    await context.close();
  }, 180_000);

  it("SMS code with a wrong try, the join screen, and a promo code refused, then accepted once joined", async () => {
    const context = await phoneContext();
    const offsite = await loopbackOnly(context, gateway.url);
    const page = await context.newPage();
    const shopId = "demo-bonusplus";
    const phoneNumber = "+79005550177";
    await page.goto(`${gateway.url}/app?shop=${shopId}`, { waitUntil: "load" });
    await page.locator(`[data-product="${ROSES_15}"] button.add`).waitFor({ timeout: 30_000 });
    await tap(page.locator(`[data-product="${ROSES_15}"] button.add`));
    await tap(page.locator('[data-tab="cart"]'));
    const cart = page.locator('[data-screen="cart"]');
    await cart.locator('[data-total="total"]').waitFor({ timeout: 15_000 });
    // Anonymous: BonusPlus prices promo codes for its members only, and the buyer is told so, in words.
    await cart.locator('input[name="coupon"]').fill("SPRING10");
    await tap(cart.getByRole("button", { name: "Применить" }));
    const coupon = cart.locator("[data-coupon]");
    await expect.poll(() => coupon.getAttribute("data-coupon"), { timeout: 15_000 }).toBe("rejected");
    expect(await coupon.getAttribute("data-reason")).toBe("CUSTOMER_REQUIRED");
    expect(await coupon.innerText()).toBe("Промокод не принят: промокод действует после входа по телефону");
    await checkScreen(page, "cart, promo code refused");
    await shot(page, "22-promo-refused");

    await tap(cart.getByRole("button", { name: "Привяжите телефон, чтобы списывать и копить баллы" }));
    const phone = page.locator('[data-screen="phone"]');
    await phone.locator('input[name="phone"]').fill(phoneNumber);
    await tap(phone.getByRole("button", { name: "Получить код по СМС" }));
    await phone.locator('input[name="code"]').waitFor();
    const state = (await (await fetch(`${gateway.url}/__sim/bonusplus/state`)).json()) as {
      codes: Array<{ phone: string; code: string }>;
    };
    const code = state.codes.find((c) => c.phone === phoneNumber.slice(1))!.code;
    await phone.locator('input[name="code"]').fill(code === "0000" ? "1111" : "0000");
    await tap(phone.getByRole("button", { name: "Подтвердить" }));
    const error = phone.locator('[role="alert"]');
    await expect.poll(() => error.getAttribute("data-code")).toBe("VERIFICATION_FAILED");
    expect(await error.innerText()).toBe("Не удалось подтвердить телефон. Осталось попыток: 4");
    await checkScreen(page, "phone, wrong code");
    await shot(page, "23-sms-wrong-code");
    await phone.locator('input[name="code"]').fill(code);
    await tap(phone.getByRole("button", { name: "Подтвердить" }));

    // BonusPlus does not know the phone: the buyer joins here.
    const join = page.locator('[data-screen="join"]');
    await join.waitFor();
    await join.locator('input[name="name"]').fill("Вера Новикова");
    await checkScreen(page, "join");
    await shot(page, "24-join");
    await tap(join.locator("label.check"));
    await tap(join.getByRole("button", { name: "Вступить" }));
    await expect.poll(() => phone.locator("[data-linked]").count(), { timeout: 15_000 }).toBe(1);
    await tap(phone.getByRole("button", { name: "Готово" }));

    // A member now: the same promo code applies.
    await expect.poll(() => coupon.getAttribute("data-coupon"), { timeout: 15_000 }).toBe("applied");
    expect(await coupon.innerText()).toBe("Промокод применён");
    await expect.poll(() => cart.locator('[data-total="discount"]').count()).toBe(1);
    await checkScreen(page, "cart, promo code applied");
    await shot(page, "25-promo-applied");
    expect(offsite).toEqual([]);
    await context.close();
  }, 120_000);

  it("delivery with an address, a recipient and a window; the field the API refused is marked; cancel asks first", async () => {
    const context = await phoneContext();
    const offsite = await loopbackOnly(context, gateway.url);
    const page = await context.newPage();
    await page.goto(`${gateway.url}/app?shop=demo-loyalclient`, { waitUntil: "load" });
    await page.locator(`[data-product="${ROSES_15}"] button.add`).waitFor({ timeout: 30_000 });
    await tap(page.locator(`[data-product="${ROSES_15}"] button.add`));
    await tap(page.locator('[data-tab="account"]'));
    await tap(page.getByRole("button", { name: "Привязать телефон" }));
    const phone = page.locator('[data-screen="phone"]');
    await phone.locator('input[name="phone"]').fill(PHONE);
    await tap(phone.getByRole("button", { name: "Поделиться контактом" }));
    await phone.locator("[data-linked]").waitFor({ timeout: 15_000 });
    await tap(page.locator('[data-tab="cart"]'));
    await page.locator('[data-screen="cart"] [data-total="total"]').waitFor({ timeout: 15_000 });
    await tap(page.getByRole("button", { name: "Оформить заказ" }));
    const checkout = page.locator('[data-screen="checkout"]');
    await tap(checkout.locator(".segmented label", { hasText: "Доставка" }));
    await checkout.locator('input[name="house"]').fill("7");
    await checkout.locator('input[name="recipientName"]').fill("Мария");
    await checkout.locator('input[name="recipientPhone"]').fill("+79005550102");
    const from = await chooseSlot(page);
    await checkScreen(page, "checkout, delivery");
    // No street: the gateway's per-field issue marks it, in view above the bottom bar.
    await tap(page.getByRole("button", { name: "Заказать" }));
    const street = checkout.locator('input[name="street"]');
    await expect.poll(() => street.getAttribute("aria-invalid"), { timeout: 15_000 }).toBe("true");
    expect(await checkout.locator('[role="alert"]').innerText()).toBe("Проверьте отмеченные поля");
    expect(await checkout.locator("#street-error").innerText()).toBe("Заполните это поле");
    const box = (await street.boundingBox())!;
    const bar = (await page.locator(".primary-bar").boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(bar.y);
    await checkScreen(page, "checkout, field refused");
    await shot(page, "26-checkout-field-error");
    await street.fill("Тверская ул.");
    await tap(page.getByRole("button", { name: "Заказать" }));

    const order = page.locator('[data-screen="order"][data-order]');
    await order.waitFor({ timeout: 30_000 });
    expect(await order.locator("[data-fulfilment]").getAttribute("data-fulfilment")).toBe("DELIVERY");
    expect(await order.locator("[data-where]").innerText()).toContain("Тверская ул.");
    expect(await order.locator("[data-recipient]").innerText()).toBe("Мария, +79005550102");
    const time = new Intl.DateTimeFormat("ru", { timeZone: "Europe/Moscow", hour: "2-digit", minute: "2-digit" });
    expect(await order.locator("[data-when]").innerText()).toContain(time.format(new Date(from)));
    await checkScreen(page, "order, delivery");
    await shot(page, "27-order-delivery");

    await tap(order.getByRole("button", { name: "Отменить заказ" }));
    const dialog = order.getByRole("alertdialog");
    expect(await dialog.innerText()).toContain("Отменить заказ?");
    await checkScreen(page, "cancel confirmation");
    await shot(page, "28-cancel-confirm");
    await tap(dialog.getByRole("button", { name: "Да, отменить" }));
    await expect.poll(() => order.locator("[data-status]").first().getAttribute("data-status")).toBe("CANCELLED");
    expect(await order.locator("[data-earned]").getAttribute("data-earned")).toBe("0");
    expect(await order.innerText()).not.toContain("Начислим");
    await checkScreen(page, "order cancelled");
    await shot(page, "29-order-cancelled");
    expect(offsite).toEqual([]);
    await context.close();
  }, 120_000);

  /** Telegram's WebApp as a page inside Telegram meets it: MainButton and openLink are recorded for the test. */
  interface FakeTelegram {
    MainButton: { text: string; visible: boolean; enabled: boolean; handlers: Array<() => void> };
    opened: string[];
  }

  /** The screen's main action: Telegram's MainButton inside Telegram, the bar's button outside it. */
  async function mainAction(page: Page, label: string, telegram: boolean): Promise<void> {
    if (!telegram) return tap(page.locator(".primary-bar").getByRole("button", { name: label }));
    const shown = () =>
      page.evaluate(() => {
        const b = (window as unknown as { Telegram: { WebApp: FakeTelegram } }).Telegram.WebApp.MainButton;
        return b.visible && b.enabled && b.handlers.length > 0 ? b.text : null;
      });
    await expect.poll(shown, { timeout: 15_000 }).toBe(label);
    await page.evaluate(() => {
      const b = (window as unknown as { Telegram: { WebApp: FakeTelegram } }).Telegram.WebApp.MainButton;
      for (const h of [...b.handlers]) h();
    });
  }

  /**
   * A new buyer in the prepaid shop: 15 roses in the cart, PHONE_SMALL linked, `points` spent, pickup in
   * the first free slot, confirmed; the page is on the order, which waits for its payment. Its id.
   */
  async function prepaidOrder(
    page: Page,
    points: number,
    telegram = false,
    withoutEmailFirst = false,
  ): Promise<string> {
    await page.goto(`${gateway.url}/app?shop=${PREPAID}`, { waitUntil: "load" });
    expect(await page.locator("header h1").innerText()).toBe("Цветочная лавка «Предоплата»");
    const add = page.locator(`[data-product="${ROSES_15}"] button.add`);
    await add.waitFor({ timeout: 30_000 });
    await tap(add);
    await tap(page.locator('[data-tab="cart"]'));
    const cart = page.locator('[data-screen="cart"]');
    await cart.locator('[data-total="total"]').waitFor({ timeout: 15_000 });
    await tap(cart.getByRole("button", { name: "Привяжите телефон, чтобы списывать и копить баллы" }));
    const phone = page.locator('[data-screen="phone"]');
    if (!telegram) await phone.locator('input[name="phone"]').fill(PHONE_SMALL);
    await tap(phone.getByRole("button", { name: "Поделиться контактом" }));
    await phone.locator("[data-linked]").waitFor({ timeout: 15_000 });
    await tap(phone.getByRole("button", { name: "Готово" }));
    if (points > 0) {
      const slider = cart.locator('input[name="points"]');
      await slider.waitFor({ timeout: 15_000 });
      await slider.fill(String(points));
      await expect.poll(() => cart.locator("[data-spend]").innerText()).toMatch(`Списать баллов: ${points} из`);
      await expect.poll(() => cart.locator('[data-total="redeemed"]').count(), { timeout: 15_000 }).toBe(1);
    }
    await mainAction(page, "Оформить заказ", telegram);
    const checkout = page.locator('[data-screen="checkout"]');
    await checkout.waitFor();
    await chooseSlot(page);
    await checkout.locator('input[name="contactName"]').fill("Иван");
    // The shop's receipts go by e-mail (ЮKassa's own): the form asks for one, and will not go on without it.
    const email = checkout.locator('[data-field="contactEmail"]');
    expect(await email.locator("span").innerText()).toBe("Электронная почта для чека");
    expect(await email.locator("input").getAttribute("type")).toBe("email");
    if (withoutEmailFirst) {
      await mainAction(page, "Заказать", telegram);
      await expect.poll(() => email.locator("input").getAttribute("aria-invalid")).toBe("true");
      expect(await email.locator("small.error").innerText()).toBe("Заполните это поле");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("contactEmail");
      await checkScreen(page, "prepaid checkout, e-mail missing");
      await shot(page, "38-receipt-email");
    }
    await email.locator("input").fill("ivan@example.ru");
    await mainAction(page, "Заказать", telegram);
    const order = page.locator('[data-screen="order"][data-order]');
    await order.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => order.locator("[data-status]").first().getAttribute("data-status"))
      .toBe("AWAITING_PAYMENT");
    return (await order.getAttribute("data-order"))!;
  }

  /** The order as the gateway has it, with its payment (a service's read). */
  const paidOrder = async (id: string) => (await api(PAID_ORDER, { id })).order.data;

  /** The buyer's choice on the ЮKassa simulator's page, which then sends them back to /app/. */
  async function onPspPage(page: Page, confirmationUrl: string, button: "Оплатить" | "Отклонить"): Promise<void> {
    await page.waitForURL(confirmationUrl, { timeout: 15_000 });
    await page.getByRole("button", { name: button }).waitFor();
    await page.getByRole("button", { name: button }).click();
    await page.waitForURL(`${gateway.url}/app/`, { timeout: 15_000 });
  }

  it("a prepaid shop: the order page asks for the money after points, the buyer pays on the PSP's page and comes back to it paid", async () => {
    const context = await phoneContext();
    const offsite = await loopbackOnly(context, gateway.url);
    const page = await context.newPage();
    const browserErrors: string[] = [];
    page.on("pageerror", (e) => browserErrors.push(e.message));
    const orderId = await prepaidOrder(page, 10, false, true);

    // The pay step: what is left to pay once the points are taken off, as the gateway asks the PSP for it.
    const waiting = await paidOrder(orderId);
    expect(waiting.status).toBe("AWAITING_PAYMENT");
    expect(waiting.contactEmail).toBe("ivan@example.ru");
    expect(waiting.payment).toMatchObject({ status: "PENDING", amount: { amount: waiting.total.amount } });
    const subtotal = (
      await api(`query S($id: ID!) { order(id: $id) { ... on QueryOrderSuccess { data { subtotal { amount } } } } }`, {
        id: orderId,
      })
    ).order.data.subtotal.amount;
    expect(waiting.payment.amount.amount).toBeLessThan(subtotal);
    const order = page.locator(`[data-screen="order"][data-order="${orderId}"]`);
    const pay = order.locator("[data-pay]");
    await expect.poll(() => pay.getAttribute("data-pay")).toBe("PENDING");
    expect(await order.locator("[data-status]").first().innerText()).toBe("Ждёт оплаты");
    expect(await pay.locator("[data-pay-amount]").innerText()).toBe(rub(waiting.payment.amount.amount));
    expect(await order.locator('[data-total="redeemed"]').innerText()).toBe(ruPoints(10));
    expect(await pay.getByRole("button", { name: "Отменить заказ" }).count()).toBe(1);
    // The pay button and the amount are on the first screen, above the tab bar.
    const button = page.locator(".primary-bar").getByRole("button", { name: "Оплатить" });
    const amountBox = (await pay.locator("[data-pay-amount]").boundingBox())!;
    expect(amountBox.y + amountBox.height).toBeLessThanOrEqual((await button.boundingBox())!.y);
    await checkScreen(page, "prepaid order, pay step");
    await shot(page, "31-pay-step");

    // Outside Telegram the PSP's page takes the tab, and sends the buyer back to /app/ alone.
    await tap(button);
    await page.waitForURL(waiting.payment.confirmationUrl, { timeout: 15_000 });
    await shot(page, "32-psp-page");
    await onPspPage(page, waiting.payment.confirmationUrl, "Оплатить");

    // Back in the app: the same order, paid and placed, as the gateway says.
    await order.waitFor({ timeout: 30_000 });
    const status = order.locator("[data-status]").first();
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 20_000 }).toBe("PLACED");
    const placed = await paidOrder(orderId);
    expect(placed.status).toBe("PLACED");
    expect(["AUTHORIZED", "CAPTURED"]).toContain(placed.payment.status);
    expect(await status.innerText()).toBe("Принят");
    const paid = order.locator("[data-payment-status]");
    await expect.poll(() => paid.getAttribute("data-payment-status")).toBe(placed.payment.status);
    expect(await paid.innerText()).toBe(`Оплачено: ${rub(placed.payment.amount.amount)}`);
    expect(await order.locator("[data-pay]").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Оплатить" }).count()).toBe(0);
    await checkScreen(page, "prepaid order, paid");
    await shot(page, "33-order-paid");

    // A paid order is no longer waited for: the app opens on the shop window again.
    await page.goto(`${gateway.url}/app/`, { waitUntil: "load" });
    await page.locator('[data-screen="shop"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-screen="order"]').count()).toBe(0);
    expect(offsite).toEqual([]);
    expect(browserErrors).toEqual([]);
    await context.close();
  }, 120_000);

  it("a prepaid shop: a declined payment is said so in words, and the buyer pays again from the order page", async () => {
    const context = await phoneContext();
    const offsite = await loopbackOnly(context, gateway.url);
    const page = await context.newPage();
    const orderId = await prepaidOrder(page, 0);
    const first = (await paidOrder(orderId)).payment;
    expect(first.status).toBe("PENDING");
    const order = page.locator(`[data-screen="order"][data-order="${orderId}"]`);
    await tap(page.locator(".primary-bar").getByRole("button", { name: "Оплатить" }));
    await onPspPage(page, first.confirmationUrl, "Отклонить");

    // Back in the app: the order still waits; the page says the payment failed, and offers both ways on.
    await order.waitFor({ timeout: 30_000 });
    const pay = order.locator("[data-pay]");
    await expect.poll(() => pay.getAttribute("data-pay"), { timeout: 20_000 }).toBe("CANCELED");
    const declined = await paidOrder(orderId);
    expect(declined).toMatchObject({ status: "AWAITING_PAYMENT", payment: { id: first.id, status: "CANCELED" } });
    expect(declined.history.map((h: { event: string | null }) => h.event)).toContain("PAYMENT_DECLINED");
    expect(await pay.locator("[data-pay-declined]").innerText()).toBe(
      "Оплата не прошла. Попробуйте ещё раз или отмените заказ.",
    );
    expect(await order.locator('[data-event="PAYMENT_DECLINED"]').innerText()).toContain("Оплата не прошла");
    expect(await pay.getByRole("button", { name: "Отменить заказ" }).count()).toBe(1);
    const again = page.locator(".primary-bar").getByRole("button", { name: "Оплатить снова" });
    await again.waitFor();
    // Both ways on are in reach on the first screen: cancelling sits above the bar that pays again.
    const cancelBox = (await pay.getByRole("button", { name: "Отменить заказ" }).boundingBox())!;
    expect(cancelBox.y + cancelBox.height).toBeLessThanOrEqual((await again.boundingBox())!.y);
    await checkScreen(page, "prepaid order, payment declined");
    await shot(page, "34-pay-declined");
    // Cancelling asks first here too; the buyer keeps the order and pays again instead.
    await tap(pay.getByRole("button", { name: "Отменить заказ" }));
    const dialog = pay.getByRole("alertdialog");
    expect(await dialog.innerText()).toContain("Отменить заказ?");
    await checkScreen(page, "prepaid order, cancel asks first");
    await shot(page, "35-pay-cancel-confirm");
    await tap(dialog.getByRole("button", { name: "Не отменять" }));
    await expect.poll(() => dialog.count()).toBe(0);

    // «Оплатить снова»: a new payment (payOrder), and its page.
    await tap(again);
    await page.waitForURL((url) => url.pathname.startsWith("/__sim/yookassa/checkout/"), { timeout: 15_000 });
    const second = (await paidOrder(orderId)).payment;
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe("PENDING");
    await onPspPage(page, second.confirmationUrl, "Оплатить");
    await order.waitFor({ timeout: 30_000 });
    await expect
      .poll(() => order.locator("[data-status]").first().getAttribute("data-status"), { timeout: 20_000 })
      .toBe("PLACED");
    const placed = await paidOrder(orderId);
    expect(placed).toMatchObject({ status: "PLACED", payment: { id: second.id } });
    await expect
      .poll(() => order.locator("[data-payment-status]").getAttribute("data-payment-status"))
      .toBe(placed.payment.status);
    expect(await order.locator("[data-payment-status]").innerText()).toBe(
      `Оплачено: ${rub(placed.payment.amount.amount)}`,
    );
    await checkScreen(page, "prepaid order, paid after a retry");
    await shot(page, "36-paid-after-retry");
    expect(offsite).toEqual([]);
    await context.close();
  }, 120_000);

  it("a prepaid shop inside Telegram: MainButton pays through openLink, and the open order page turns paid live", async () => {
    const session = await fetch(`${gateway.url}/app/demo-session`, { method: "POST" });
    const { initData } = (await session.json()) as { initData: string };
    const context = await phoneContext();
    const offsite = await loopbackOnly(context, gateway.url);
    await context.addInitScript(
      ({ initData, phone }) => {
        const mainButton = {
          text: "",
          visible: false,
          enabled: true,
          handlers: [] as Array<() => void>,
          setText(text: string) {
            mainButton.text = text;
          },
          enable: () => void (mainButton.enabled = true),
          disable: () => void (mainButton.enabled = false),
          showProgress: () => undefined,
          hideProgress: () => undefined,
          show: () => void (mainButton.visible = true),
          hide: () => void (mainButton.visible = false),
          onClick: (cb: () => void) => void mainButton.handlers.push(cb),
          offClick: (cb: () => void) => void (mainButton.handlers = mainButton.handlers.filter((h) => h !== cb)),
        };
        const opened: string[] = [];
        const button = {
          show: () => undefined,
          hide: () => undefined,
          onClick: () => undefined,
          offClick: () => undefined,
        };
        (window as unknown as { Telegram: unknown }).Telegram = {
          WebApp: {
            initData,
            initDataUnsafe: { user: { id: 1, first_name: "Иван", language_code: "ru" } },
            themeParams: {},
            ready: () => undefined,
            expand: () => undefined,
            onEvent: () => undefined,
            BackButton: button,
            MainButton: mainButton,
            opened,
            openLink: (url: string) => void opened.push(url),
            // The contact Telegram would sign, signed here by the demo gateway for this user.
            requestContact: (cb: (shared: boolean, result?: { response?: string }) => void) =>
              void fetch("/app/demo-contact", {
                method: "POST",
                headers: { "content-type": "application/json", authorization: `tma ${initData}` },
                body: JSON.stringify({ phone }),
              })
                .then((r) => r.json() as Promise<{ contact: string }>)
                .then((b) => cb(true, { response: b.contact })),
          },
        };
      },
      { initData, phone: PHONE_SMALL },
    );
    const page = await context.newPage();
    const orderId = await prepaidOrder(page, 0, true);
    const waiting = await paidOrder(orderId);
    const order = page.locator(`[data-screen="order"][data-order="${orderId}"]`);
    expect(await page.locator(".primary-bar").count()).toBe(0);
    await mainAction(page, "Оплатить", true);
    const opened = () =>
      page.evaluate(() => (window as unknown as { Telegram: { WebApp: FakeTelegram } }).Telegram.WebApp.opened);
    await expect.poll(opened).toEqual([waiting.payment.confirmationUrl]);
    // openLink, not this page: the Mini App stays where it was.
    expect(new URL(page.url()).pathname).toMatch(/^\/app\/?$/);

    // The buyer pays in the browser Telegram opened; the Mini App, still open, hears of it.
    const paid = await fetch(`${waiting.payment.confirmationUrl}/pay`, { method: "POST", redirect: "manual" });
    expect(paid.status).toBe(303);
    await expect
      .poll(() => order.locator("[data-status]").first().getAttribute("data-status"), { timeout: 20_000 })
      .toBe("PLACED");
    await expect.poll(() => order.locator("[data-payment-status]").innerText()).toMatch(/^Оплачено: /);
    await expect
      .poll(() =>
        page.evaluate(
          () => (window as unknown as { Telegram: { WebApp: FakeTelegram } }).Telegram.WebApp.MainButton.visible,
        ),
      )
      .toBe(false);
    await checkScreen(page, "prepaid order inside Telegram, paid live");
    await shot(page, "37-telegram-paid-live");
    expect(offsite).toEqual([]);
    await context.close();
  }, 120_000);

  it("speaks English to an English-speaking buyer", async () => {
    const context = await phoneContext("en-US");
    const page = await context.newPage();
    await page.goto(`${gateway.url}/app?shop=demo-rkeeper`, { waitUntil: "load" });
    const shop = page.locator('[data-screen="shop"]');
    await shop.locator("[data-product] button.add").first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-tab="shop"]').innerText()).toBe("Shop");
    await tap(shop.locator("[data-product] button.add").first());
    await tap(page.locator('[data-tab="cart"]'));
    const cart = page.locator('[data-screen="cart"]');
    await cart.locator('[data-total="total"]').waitFor({ timeout: 15_000 });
    expect(await cart.locator("dt").allInnerTexts()).toContain("To pay");
    expect(await page.getByRole("button", { name: "Checkout" }).count()).toBe(1);
    await checkScreen(page, "English cart", "en");
    await shot(page, "30-english-cart");
    await context.close();
  });

  /** A fresh browser context: a new demo user, nothing may leave loopback. */
  async function newUser(): Promise<{ page: Page; offsite: string[]; close: () => Promise<void> }> {
    const context = await phoneContext();
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
    await tap(cart.locator('[data-qty-step="+"]'));
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
    await tap(cart.locator('[data-qty-step="+"]'));
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
