/** A `Retry-After` value in milliseconds from `now`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(retryAfter: string | null, now = Date.now()): number | null {
  if (!retryAfter) return null;
  const text = retryAfter.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** Exponential backoff with full jitter, or the vendor's Retry-After (seconds or an HTTP date) when given. */
export function retryDelayMs(attempt: number, retryAfter: string | null, baseMs = 100, now = Date.now()): number {
  const given = retryAfterMs(retryAfter, now);
  if (given !== null) return given;
  const cap = baseMs * 2 ** attempt;
  return Math.floor(cap / 2 + Math.random() * (cap / 2));
}
