/** Exponential backoff with full jitter, or the vendor's Retry-After (seconds or an HTTP date) when given. */
export function retryDelayMs(attempt: number, retryAfter: string | null, baseMs = 100, now = Date.now()): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  const cap = baseMs * 2 ** attempt;
  return Math.floor(cap / 2 + Math.random() * (cap / 2));
}
