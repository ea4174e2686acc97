import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Plugin } from "graphql-yoga";
import { InitDataVerifier, signInitData } from "../auth/telegram-init-data.ts";
import { AccessError } from "../domain/errors.ts";
import { BodyTooLargeError, readBodyLimited } from "./http-guards.ts";

/** Where the reference Mini App is served, and where `npm run build:web` writes it. */
export const MINI_APP_PATH = "/app";
export const MINI_APP_DIST = "web/dist";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * The page's own rules: scripts only from here (and Telegram's SDK inside Telegram), data only from this
 * origin, framed only by Telegram's web clients.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self' https://telegram.org",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org",
].join("; ");

const staticHeaders = (type: string, cache: string) => ({
  "content-type": type,
  "cache-control": cache,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": CSP,
});

const text = (status: number, body: string, extra: Record<string, string> = {}) =>
  new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...extra },
  });

export interface MiniAppOptions {
  /** The bot token initData is signed with: the demo sessions are signed with it, as Telegram would. */
  botToken: string;
  initDataMaxAgeSeconds: number;
  /** The built app (`npm run build:web`); relative to the working directory. */
  distDir?: string;
}

/**
 * Demo mode only (never mounted in production): the reference Mini App from `web/dist` at `/app`, and
 * the stand-ins for what Telegram gives a Mini App outside Telegram:
 * - `POST /app/demo-session`: `{ initData }` for a fresh demo Telegram user, signed with the bot token;
 * - `POST /app/demo-contact` `{ phone }` with `Authorization: tma <initData>`: `{ contact }`, the
 *   signed contact `WebApp.requestContact()` would hand over for that user.
 * Hashed assets are cached for a year; index.html is revalidated every time.
 */
export function useMiniApp(options: MiniAppOptions): Plugin {
  const root = path.resolve(options.distDir ?? MINI_APP_DIST);
  const verifier = new InitDataVerifier(options.botToken, options.initDataMaxAgeSeconds);
  return {
    async onRequest({ request, url, endResponse }) {
      const p = url.pathname;
      if (p !== MINI_APP_PATH && !p.startsWith(`${MINI_APP_PATH}/`)) return;
      if (p === `${MINI_APP_PATH}/demo-session`) return endResponse(demoSession(request, options.botToken));
      if (p === `${MINI_APP_PATH}/demo-contact`) return endResponse(await demoContact(request, verifier, options));
      if (request.method !== "GET" && request.method !== "HEAD")
        return endResponse(text(405, "GET only", { allow: "GET, HEAD" }));
      if (p === MINI_APP_PATH)
        return endResponse(
          new Response(null, { status: 308, headers: { location: `${MINI_APP_PATH}/${url.search}` } }),
        );
      endResponse(await serveFile(root, p.slice(MINI_APP_PATH.length + 1), request.method === "HEAD"));
    },
  };
}

async function serveFile(root: string, rawPath: string, head: boolean): Promise<Response> {
  if (!existsSync(path.join(root, "index.html"))) {
    return text(503, "The Mini App is not built: run `npm run build:web` (it writes web/dist), then reload.\n");
  }
  let relative: string;
  try {
    relative = decodeURIComponent(rawPath);
  } catch {
    return text(400, "bad path");
  }
  const segments = relative.split("/").filter(Boolean);
  if (segments.some((s) => s === ".." || s === "." || s.startsWith(".") || /[\\\0]/.test(s)))
    return text(404, "not found");
  const ext = path.extname(relative).toLowerCase();
  // Paths without an extension are the app's own screens: index.html answers them all.
  const file = ext ? path.join(root, ...segments) : path.join(root, "index.html");
  if (!file.startsWith(root + path.sep)) return text(404, "not found");
  const type = ext ? TYPES[ext] : TYPES[".html"];
  if (!type) return text(404, "not found");
  try {
    if (!(await stat(file)).isFile()) return text(404, "not found");
    const body = await readFile(file);
    const hashed = segments[0] === "assets";
    const headers = staticHeaders(type, hashed ? "public, max-age=31536000, immutable" : "no-cache");
    return new Response(head ? null : body, {
      status: 200,
      headers: { ...headers, "content-length": String(body.byteLength) },
    });
  } catch {
    return text(404, "not found");
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function demoSession(request: Request, botToken: string): Response {
  if (request.method !== "POST") return text(405, "POST only", { allow: "POST" });
  // A fresh user every time, far above real Telegram ids in use today so it never collides with one.
  const id = 9_000_000_000 + randomInt(0, 999_999_999);
  const language = (request.headers.get("accept-language") ?? "ru").slice(0, 2).toLowerCase();
  const initData = signInitData(
    {
      query_id: `demo-${id}`,
      user: JSON.stringify({ id, first_name: "Гость", username: `demo${id}`, language_code: language }),
      auth_date: String(nowSeconds()),
    },
    botToken,
  );
  return Response.json({ initData, userId: String(id) }, { headers: { "cache-control": "no-store" } });
}

async function demoContact(request: Request, verifier: InitDataVerifier, options: MiniAppOptions): Promise<Response> {
  if (request.method !== "POST") return text(405, "POST only", { allow: "POST" });
  const auth = request.headers.get("authorization") ?? "";
  if (!auth.toLowerCase().startsWith("tma "))
    return Response.json({ error: "send Authorization: tma <initData>" }, { status: 401 });
  let userId: string;
  try {
    userId = verifier.verify(auth.slice(4).trim()).user.id;
  } catch (error) {
    if (error instanceof AccessError) return Response.json({ error: error.message }, { status: 401 });
    throw error;
  }
  let phone: unknown;
  try {
    phone = (JSON.parse(await readBodyLimited(request, 1024)) as { phone?: unknown }).phone;
  } catch (error) {
    if (error instanceof BodyTooLargeError) return Response.json({ error: "body too large" }, { status: 413 });
    return Response.json({ error: 'send JSON {"phone": "+7..."}' }, { status: 400 });
  }
  if (typeof phone !== "string" || !/^\+?[\d\s()-]{5,32}$/.test(phone))
    return Response.json({ error: "phone must be a phone number" }, { status: 400 });
  const contact = signInitData(
    {
      contact: JSON.stringify({
        phone_number: phone.replace(/[^\d+]/g, ""),
        first_name: "Гость",
        user_id: Number(userId),
      }),
      auth_date: String(nowSeconds()),
    },
    options.botToken,
  );
  return Response.json({ contact }, { headers: { "cache-control": "no-store" } });
}
