import { render } from "preact";
import { ShopsDocument, StoresDocument } from "../../generated/graphql/graphql.ts";
import { request, setInitData } from "./api/graphql.ts";
import { openSession } from "./api/session.ts";
import { App } from "./app.tsx";
import { awaitedOrder, forgetAwaitedOrder } from "./awaiting-payment.ts";
import { describe } from "./components/error-note.tsx";
import { chooseLanguage, t } from "./i18n.ts";
import { refreshMe } from "./me.ts";
import { initState } from "./store.ts";
import { applyTheme, loadTelegram } from "./telegram/sdk.ts";
import "./styles.css";

/**
 * Start-up: Telegram (or the demo session), the language, the shop (`?shop=`, else the one of an order
 * the buyer left to pay, else the gateway's first), its pickup stores and the linked customer; then the
 * screens, opening on that order if there is one.
 */
async function start(root: HTMLElement): Promise<void> {
  const telegram = await loadTelegram();
  if (telegram) {
    applyTheme(telegram);
    telegram.ready();
    telegram.expand();
  }
  const session = await openSession(telegram);
  chooseLanguage(session.language);
  root.textContent = t.loading;
  setInitData(session.initData);
  const wanted = new URLSearchParams(location.search).get("shop");
  const shops = (await request(ShopsDocument, {})).shops;
  // Back from the PSP's page, which returns to /app/ alone: the order that waited for the money.
  const awaited = awaitedOrder();
  const returning = awaited && (!wanted || wanted === awaited.shopId) ? awaited : null;
  const back = returning ? shops.find((s) => s.id === returning.shopId) : undefined;
  if (returning && !back) forgetAwaitedOrder(returning.orderId);
  const shop = back ?? (wanted ? shops.find((s) => s.id === wanted) : shops[0]);
  if (!shop) return unknownShop(root, wanted ?? "", shops);
  const stores = (await request(StoresDocument, { shopId: shop.id })).stores;
  const list = stores.__typename === "QueryStoresSuccess" ? stores.data : [];
  initState({
    session,
    shop,
    stores: list,
    storeId: list[0]?.id ?? null,
    cart: [],
    redeemPoints: 0,
    coupon: null,
    me: null,
    balance: null,
    holds: { held: 0, unknownToVendor: 0 },
    stack: back && returning ? [{ name: "orders" }, { name: "order", id: returning.orderId }] : [{ name: "shop" }],
  });
  await refreshMe().catch(() => undefined);
  root.textContent = "";
  render(<App />, root);
}

/** `?shop=` names no shop the gateway serves: say so, and offer the ones it does. */
function unknownShop(root: HTMLElement, id: string, shops: Array<{ id: string; name: string }>): void {
  root.textContent = "";
  const main = document.createElement("main");
  main.dataset.screen = "unknown-shop";
  const h1 = document.createElement("h1");
  h1.textContent = t.unknownShopTitle;
  const p = document.createElement("p");
  p.className = "error";
  p.setAttribute("role", "alert");
  p.textContent = t.unknownShop(id);
  const list = document.createElement("ul");
  list.className = "shops";
  for (const s of shops) {
    const a = document.createElement("a");
    a.href = `?shop=${encodeURIComponent(s.id)}`;
    a.textContent = s.name;
    const li = document.createElement("li");
    li.appendChild(a);
    list.appendChild(li);
  }
  main.append(h1, p, list);
  root.appendChild(main);
}

const root = document.getElementById("app")!;
start(root).catch((error: unknown) => {
  const code = (error as { code?: string }).code ?? "NETWORK";
  root.innerHTML = "";
  const p = document.createElement("p");
  p.className = "error";
  p.setAttribute("role", "alert");
  p.textContent = describe({ code });
  root.appendChild(p);
});
