/** When a token is renewed ahead of its expiry. */
export interface RenewalPolicy {
  /**
   * Renew at this share of the token's lifetime (`expiresAt - issuedAt`): 0.8 renews a one-hour token
   * after 48 minutes and a 20-second one after 16 seconds.
   */
  shareOfLifetime: number;
  /**
   * Keep a token at least this long before renewing it ahead of time (it is still renewed once it has
   * expired, or after a 401): a very short-lived token is then used until it expires rather than
   * renewed on every call.
   */
  minAgeMs: number;
}

interface Token {
  token: string;
  expiresAt: number;
  /** When the vendor issued it; the time the answer arrived when not given. */
  issuedAt?: number;
}

/**
 * A bearer token shared by every call of one provider instance: fetched once (concurrent callers
 * share the same request), renewed ahead of its expiry, and dropped after a 401. "Ahead" is either a
 * fixed margin before `expiresAt` (a number of ms) or a share of the token's lifetime (RenewalPolicy).
 */
export class SessionToken {
  private current: { token: string; renewAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<Token>,
    private readonly renewal: number | RenewalPolicy = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.current && this.current.renewAt > this.now()) return Promise.resolve(this.current.token);
    this.inFlight ??= this.fetchToken()
      .then((fresh) => {
        this.current = { token: fresh.token, renewAt: this.renewAt(fresh) };
        return fresh.token;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  /**
   * After a 401: the token is dropped, unless a renewal is already under way, or (when the caller says
   * which token was refused) it was already replaced. Concurrent calls in flight during a renewal come
   * back with 401s for the old token; they must not drop the new one, or each would renew again.
   */
  invalidate(refused?: string): void {
    if (this.inFlight) return;
    if (refused !== undefined && this.current && this.current.token !== refused) return;
    this.current = null;
  }

  private renewAt(t: Token): number {
    if (typeof this.renewal === "number") return t.expiresAt - this.renewal;
    const issuedAt = t.issuedAt ?? this.now();
    const lifetime = Math.max(0, t.expiresAt - issuedAt);
    const age = Math.max(lifetime * this.renewal.shareOfLifetime, Math.min(this.renewal.minAgeMs, lifetime));
    return issuedAt + age;
  }
}
