/** The part of Telegram's `window.Telegram.WebApp` the Mini App uses (core.telegram.org/bots/webapps). */
export interface TelegramButton {
  show(): void;
  hide(): void;
  onClick(cb: () => void): void;
  offClick(cb: () => void): void;
}

export interface TelegramMainButton extends TelegramButton {
  setText(text: string): void;
  enable(): void;
  disable(): void;
  showProgress(leaveActive?: boolean): void;
  hideProgress(): void;
}

export type ContactCallback = (shared: boolean, result?: { status?: string; response?: string } | string) => void;

export interface TelegramWebApp {
  initData: string;
  initDataUnsafe: { user?: { id: number; first_name?: string; language_code?: string } };
  themeParams: Record<string, string | undefined>;
  colorScheme?: "light" | "dark";
  version?: string;
  ready(): void;
  expand(): void;
  onEvent(event: "themeChanged", cb: () => void): void;
  BackButton: TelegramButton;
  MainButton: TelegramMainButton;
  requestContact?(cb?: ContactCallback): void;
  /** Bot API 6.1: opens a web page in the browser, the Mini App staying open. */
  openLink?(url: string, options?: { try_instant_view?: boolean }): void;
  HapticFeedback?: { notificationOccurred(kind: "success" | "error" | "warning"): void };
}

declare global {
  interface Window {
    Telegram?: { WebApp?: TelegramWebApp };
  }
}
