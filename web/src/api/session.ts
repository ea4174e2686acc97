import type { TelegramWebApp } from "../telegram/types.ts";

/** Where the gateway is: the page's own origin by default; `?api=https://gw.example` for a static host. */
export const API_BASE = (new URLSearchParams(location.search).get("api") ?? "").replace(/\/$/, "");

export interface Session {
  initData: string;
  /** Outside Telegram: the gateway signed a demo user's initData (demo mode only). */
  demo: boolean;
  telegram: TelegramWebApp | null;
  language: string;
}

const KEY = "mini-app.demo-init-data";

/** The start-up failure of a page opened in a browser against a production gateway. */
export const OPEN_IN_TELEGRAM = "OPEN_IN_TELEGRAM";

/**
 * Who the user is: Telegram's initData inside Telegram; outside it, a demo user the gateway signs in
 * demo mode (`POST /app/demo-session`), kept for the tab's life so a reload is the same user. A gateway
 * outside demo mode has none: the page then asks to be opened from Telegram (OPEN_IN_TELEGRAM).
 */
export async function openSession(telegram: TelegramWebApp | null): Promise<Session> {
  const language = telegram?.initDataUnsafe.user?.language_code ?? navigator.language ?? "ru";
  if (telegram) return { initData: telegram.initData, demo: false, telegram, language };
  let initData = sessionStorage.getItem(KEY);
  if (!initData) {
    const res = await fetch(`${API_BASE}/app/demo-session`, { method: "POST" });
    // A gateway outside demo mode has no demo sessions: the page was opened outside Telegram.
    if (res.status === 404) throw Object.assign(new Error("opened outside Telegram"), { code: OPEN_IN_TELEGRAM });
    if (!res.ok) throw new Error(`demo session: HTTP ${res.status}`);
    initData = ((await res.json()) as { initData: string }).initData;
    sessionStorage.setItem(KEY, initData);
  }
  return { initData, demo: true, telegram: null, language };
}

/** Demo stand-in for `requestContact`: the gateway signs the contact for this demo user. */
export async function demoContact(session: Session, phone: string): Promise<string> {
  const res = await fetch(`${API_BASE}/app/demo-contact`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `tma ${session.initData}` },
    body: JSON.stringify({ phone }),
  });
  const body = (await res.json()) as { contact?: string; error?: string };
  if (!res.ok || !body.contact) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.contact;
}
