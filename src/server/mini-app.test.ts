import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createSchema, createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { TelegramContactProofs } from "../auth/telegram-contact.ts";
import { InitDataVerifier } from "../auth/telegram-init-data.ts";
import { useMiniApp } from "./mini-app.ts";

const TOKEN = "123456:unit-test-token";
const schema = createSchema({ typeDefs: "type Query { ok: Boolean }" });
const yogaFor = (distDir: string) =>
  createYoga({
    schema,
    logging: false,
    plugins: [useMiniApp({ botToken: TOKEN, initDataMaxAgeSeconds: 600, distDir })],
  });

function builtApp(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mini-app-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(path.join(dir, "index.html"), "<!doctype html><p>app</p>");
  writeFileSync(path.join(dir, "assets", "index-abc123.js"), "console.log(1)");
  writeFileSync(path.join(dir, ".secret"), "no");
  return dir;
}

describe("the Mini App at /app (demo mode)", () => {
  it("answers 503 with what to run when web/dist is not built", async () => {
    const res = await yogaFor(path.join(tmpdir(), "no-such-dist")).fetch("http://t/app/");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build:web");
  });

  it("serves the page with no-cache, hashed assets for a year, and screens without an extension as the page", async () => {
    const yoga = yogaFor(builtApp());
    const redirect = await yoga.fetch("http://t/app?shop=x", { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("/app/?shop=x");
    const index = await yoga.fetch("http://t/app/");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(await index.text()).toContain("<p>app</p>");
    const asset = await yoga.fetch("http://t/app/assets/index-abc123.js");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await yoga.fetch("http://t/app/orders")).status).toBe(200);
    expect((await yoga.fetch("http://t/app/assets/missing.js")).status).toBe(404);
    expect((await yoga.fetch("http://t/app/", { method: "DELETE" })).status).toBe(405);
  });

  it("never serves a file outside web/dist, or a hidden one", async () => {
    const yoga = yogaFor(builtApp());
    for (const p of [
      "/app/%2e%2e/etc/passwd",
      "/app/..%2f..%2fpackage.json",
      "/app/.secret",
      "/app/a%5c..%5cx.js",
      "/app/%00.js",
    ])
      expect((await yoga.fetch(`http://t${p}`)).status, p).toBe(404);
  });

  it("signs a fresh demo user's initData, and that user's contact, as Telegram would", async () => {
    const yoga = yogaFor(builtApp());
    const session = (await (await yoga.fetch("http://t/app/demo-session", { method: "POST" })).json()) as {
      initData: string;
      userId: string;
    };
    const user = new InitDataVerifier(TOKEN, 600).verify(session.initData).user;
    expect(user.id).toBe(session.userId);
    const other = (await (await yoga.fetch("http://t/app/demo-session", { method: "POST" })).json()) as {
      userId: string;
    };
    expect(other.userId).not.toBe(session.userId);

    const contact = await yoga.fetch("http://t/app/demo-contact", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `tma ${session.initData}` },
      body: JSON.stringify({ phone: "+7 900 123-45-67" }),
    });
    const proof = new TelegramContactProofs(TOKEN).verify(((await contact.json()) as { contact: string }).contact);
    expect(proof).toMatchObject({ telegramUserId: session.userId, phone: "+79001234567" });

    const unsigned = await yoga.fetch("http://t/app/demo-contact", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "tma hash=00" },
      body: JSON.stringify({ phone: "+79001234567" }),
    });
    expect(unsigned.status).toBe(401);
  });
});
