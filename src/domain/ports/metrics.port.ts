/** A provider instance's circuit breaker, as the metrics read it. */
export type CircuitStateName = "closed" | "half-open" | "open" | "isolated";

/** Where the edge reports each provider call; the server turns it into Prometheus metrics. */
export interface ProviderCallObserver {
  /** One call, retries included: its duration and how it ended (`ok` or the gateway error code). */
  call(provider: string, operation: string, seconds: number, outcome: string): void;
  /** One retry of an idempotent call. */
  retry(provider: string, operation: string): void;
  /** A provider instance's breaker, registered once when it is built; `state` is read at scrape time. */
  breaker(provider: string, state: () => CircuitStateName): void;
}

export const NO_OBSERVER: ProviderCallObserver = { call: () => {}, retry: () => {}, breaker: () => {} };

/** Where the domain reports what should alert a person; the server turns it into Prometheus metrics. */
export interface SecurityObserver {
  /** A new code for a phone replaced a live one that another Mini App user had asked for. */
  phoneCodeContested(shopId: string): void;
}

export const NO_SECURITY_OBSERVER: SecurityObserver = { phoneCodeContested: () => {} };
