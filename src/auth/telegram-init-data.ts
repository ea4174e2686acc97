import { createHmac, timingSafeEqual } from "node:crypto";
import { AccessError } from "../domain/errors.ts";

export interface TelegramUser {
  id: string;
  firstName: string | null;
  username: string | null;
}

export interface VerifiedInitData {
  user: TelegramUser;
  authDate: number;
  /** Unix seconds after which this initData is no longer accepted. */
  expiresAt: number;
}

/** Telegram's data-check string: every field but `hash`, sorted by key, `key=value`, joined by "\n". */
export function dataCheckString(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([k]) => k !== "hash")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}

export function initDataSecret(botToken: string): Buffer {
  return createHmac("sha256", "WebAppData").update(botToken).digest();
}

/** Signs initData fields the way Telegram does; for tests and the demo helper script. */
export function signInitData(fields: Record<string, string>, botToken: string): string {
  const params = new URLSearchParams(fields);
  const hash = createHmac("sha256", initDataSecret(botToken)).update(dataCheckString(params)).digest("hex");
  params.set("hash", hash);
  return params.toString();
}

/**
 * Validates Mini App initData (HMAC-SHA256 with the bot token, constant-time compare, maximum age)
 * and caches each accepted string until it expires, so the crypto runs once per initData.
 */
export class InitDataVerifier {
  private readonly secret: Buffer;
  private readonly cache = new Map<string, VerifiedInitData>();

  constructor(
    botToken: string,
    private readonly maxAgeSeconds: number,
    private readonly maxCached = 10_000,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.secret = initDataSecret(botToken);
  }

  verify(initData: string): VerifiedInitData {
    const cached = this.cache.get(initData);
    if (cached && cached.expiresAt >= this.now()) return cached;
    if (cached) this.cache.delete(initData);
    const verified = this.check(initData);
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(initData, verified);
    return verified;
  }

  private check(initData: string): VerifiedInitData {
    const params = new URLSearchParams(initData);
    const hash = params.get("hash") ?? "";
    if (!/^[0-9a-f]{64}$/.test(hash)) throw invalid("initData has no valid hash");
    const expected = createHmac("sha256", this.secret).update(dataCheckString(params)).digest();
    if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) throw invalid("initData signature does not match");
    const authDate = Number(params.get("auth_date"));
    if (!Number.isInteger(authDate) || authDate <= 0) throw invalid("initData has no auth_date");
    const expiresAt = authDate + this.maxAgeSeconds;
    if (expiresAt < this.now()) throw invalid("initData has expired");
    if (authDate > this.now() + 60) throw invalid("initData is dated in the future");
    return { user: parseUser(params.get("user")), authDate, expiresAt };
  }
}

function parseUser(raw: string | null): TelegramUser {
  try {
    const user = JSON.parse(raw ?? "") as { id?: unknown; first_name?: unknown; username?: unknown };
    if (typeof user.id !== "number" && typeof user.id !== "string") throw new Error("no id");
    return {
      id: String(user.id),
      firstName: typeof user.first_name === "string" ? user.first_name : null,
      username: typeof user.username === "string" ? user.username : null,
    };
  } catch {
    throw invalid("initData has no user");
  }
}

function invalid(message: string): AccessError {
  return new AccessError("UNAUTHENTICATED", message);
}
