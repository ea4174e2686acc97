/**
 * A bearer token shared by every call of one provider instance: fetched once (concurrent callers
 * share the same request), renewed `marginMs` before it expires, and dropped after a 401.
 */
export class SessionToken {
  private current: { token: string; expiresAt: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<{ token: string; expiresAt: number }>,
    private readonly marginMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<string> {
    if (this.current && this.current.expiresAt - this.marginMs > this.now()) return Promise.resolve(this.current.token);
    this.inFlight ??= this.fetchToken()
      .then((fresh) => {
        this.current = fresh;
        return fresh.token;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  invalidate(): void {
    this.current = null;
  }
}
