import type { TelegramWebApp } from "./types.ts";

const SDK_URL = "https://telegram.org/js/telegram-web-app.js";

/**
 * Telegram's WebApp object, or null outside Telegram. The SDK is loaded only when Telegram opened the
 * page (it passes `tgWebAppData` in the URL hash) and the host page has not included it already, so the
 * page never reaches the Internet in a plain browser, a demo or a test.
 */
export async function loadTelegram(): Promise<TelegramWebApp | null> {
  const present = window.Telegram?.WebApp;
  if (present?.initData) return present;
  if (!location.hash.includes("tgWebAppData")) return null;
  await new Promise<void>((resolve) => {
    const script = document.createElement("script");
    script.src = SDK_URL;
    script.onload = () => resolve();
    script.onerror = () => resolve();
    document.head.appendChild(script);
  });
  const app = window.Telegram?.WebApp;
  return app?.initData ? app : null;
}

/** Telegram's theme as the page's CSS variables (`--tg-bg`, `--tg-text`, ...), again on every change. */
export function applyTheme(app: TelegramWebApp): void {
  const apply = () => {
    const root = document.documentElement.style;
    for (const [key, value] of Object.entries(app.themeParams)) {
      if (value) root.setProperty(`--tg-${key.replace(/_/g, "-")}`, value);
    }
    if (app.colorScheme) document.documentElement.dataset.scheme = app.colorScheme;
  };
  apply();
  app.onEvent("themeChanged", apply);
}

/** The signed contact `requestContact` hands over (the same format as initData), or null if refused. */
export function requestContact(app: TelegramWebApp): Promise<string | null> {
  return new Promise((resolve) => {
    if (!app.requestContact) return resolve(null);
    app.requestContact((shared, result) => {
      if (!shared || !result) return resolve(null);
      resolve(typeof result === "string" ? result : (result.response ?? null));
    });
  });
}

/**
 * Opens a page that is not the Mini App's, such as the PSP's payment page. Inside Telegram openLink opens
 * it in the browser and the Mini App stays open, following the order; outside Telegram the page takes this
 * tab, and the PSP sends the buyer back to /app/ (src/awaiting-payment.ts finds the order again).
 */
export function openLink(app: TelegramWebApp | null, url: string): void {
  if (app?.openLink) app.openLink(url);
  else window.location.assign(url);
}
