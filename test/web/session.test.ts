import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

/** The Mini App's session start outside Telegram, against a gateway with and without demo mode. */
describe("the Mini App opened in a browser", () => {
  beforeEach(() => {
    vi.stubGlobal("location", { search: "" });
    const store = new Map<string, string>();
    vi.stubGlobal("sessionStorage", {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    });
    vi.stubGlobal("navigator", { language: "ru" });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("asks to be opened from Telegram when the gateway has no demo sessions (production)", async () => {
    vi.stubGlobal("fetch", async () => new Response("", { status: 404 }));
    const { openSession, OPEN_IN_TELEGRAM } = await import("../../web/src/api/session.ts");
    const { t } = await import("../../web/src/i18n.ts");
    await expect(openSession(null)).rejects.toMatchObject({ code: OPEN_IN_TELEGRAM });
    expect(t.errors[OPEN_IN_TELEGRAM]).toContain("Telegram");
  });

  it("signs in a demo user where the gateway is in demo mode", async () => {
    vi.stubGlobal("fetch", async () => Response.json({ initData: "user=demo&hash=x" }));
    const { openSession } = await import("../../web/src/api/session.ts");
    expect(await openSession(null)).toMatchObject({ initData: "user=demo&hash=x", demo: true });
  });
});
