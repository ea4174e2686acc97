/** Where the edge reports each provider call; the server turns it into Prometheus metrics. */
export interface ProviderCallObserver {
  /** One call, retries included: its duration and how it ended (`ok` or the gateway error code). */
  call(provider: string, operation: string, seconds: number, outcome: string): void;
  /** One retry of an idempotent call. */
  retry(provider: string, operation: string): void;
}

export const NO_OBSERVER: ProviderCallObserver = { call: () => {}, retry: () => {} };
