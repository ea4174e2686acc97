import { useEffect } from "preact/hooks";
import { t } from "./i18n.ts";
import { Account } from "./screens/account.tsx";
import { Cart } from "./screens/cart.tsx";
import { Checkout } from "./screens/checkout.tsx";
import { OrderHistory } from "./screens/order-history.tsx";
import { OrderPage } from "./screens/order-page.tsx";
import { PhoneLink } from "./screens/phone-link.tsx";
import { ProductCard } from "./screens/product-card.tsx";
import { ShopWindow } from "./screens/shop-window.tsx";
import { back, currentBalance, type Route, route, tab, useApp } from "./store.ts";

function Screen({ r }: { r: Route }) {
  switch (r.name) {
    case "shop":
      return <ShopWindow />;
    case "product":
      return <ProductCard id={r.id} />;
    case "cart":
      return <Cart />;
    case "phone":
      return <PhoneLink />;
    case "checkout":
      return <Checkout />;
    case "order":
      return <OrderPage id={r.id} key={r.id} />;
    case "orders":
      return <OrderHistory />;
    case "account":
      return <Account />;
  }
}

/** Telegram's BackButton while there is somewhere to go back to; a plain one outside Telegram. */
function useBackButton(depth: number): void {
  const telegram = useApp().session.telegram;
  useEffect(() => {
    if (!telegram) return;
    const button = telegram.BackButton;
    if (depth > 1) button.show();
    else button.hide();
    button.onClick(back);
    return () => button.offClick(back);
  }, [telegram, depth]);
}

export function App() {
  const s = useApp();
  const current = route(s);
  const balance = currentBalance(s);
  const count = s.cart.reduce((n, l) => n + l.quantity, 0);
  useBackButton(s.stack.length);
  const tabs: Array<[Route, string]> = [
    [{ name: "shop" }, t.shop],
    [{ name: "cart" }, t.cart],
    [{ name: "orders" }, t.orders],
    [{ name: "account" }, t.account],
  ];
  return (
    <div class="app">
      <header>
        {!s.session.telegram && s.stack.length > 1 && (
          <button class="back" onClick={back} aria-label={t.back}>
            ←
          </button>
        )}
        <h1>{s.shop.name}</h1>
        {balance && (
          <button
            class="chip"
            data-header-balance={balance.balance}
            data-header-held={balance.held}
            onClick={() => tab({ name: "account" })}
          >
            {t.points(balance.balance)}
            {balance.held > 0 && <small class="held"> · {t.held(balance.held)}</small>}
          </button>
        )}
      </header>
      <main>
        {s.session.demo && <p class="demo-note">{t.demo}</p>}
        <Screen r={current} />
      </main>
      <nav aria-label={t.shop}>
        {tabs.map(([r, label]) => (
          <button
            key={r.name}
            class={s.stack[0]?.name === r.name ? "on" : ""}
            aria-current={s.stack[0]?.name === r.name ? "page" : undefined}
            data-tab={r.name}
            onClick={() => tab(r)}
          >
            {label}
            {r.name === "cart" && count > 0 && (
              <span class="badge">
                <span class="visually-hidden">, </span>
                {count}
              </span>
            )}
          </button>
        ))}
      </nav>
    </div>
  );
}
