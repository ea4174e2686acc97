import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  type CircuitBreakerPolicy as CockatielBreaker,
} from "cockatiel";
import type { CircuitStateName } from "../../domain/ports/metrics.port.ts";

/** One attempt's failure as the policies see it: what happened, and whether it counts against the vendor. */
export class AttemptFailure extends Error {
  constructor(
    readonly outcome:
      | { kind: "status"; status: number; body: unknown; retryAfter: string | null }
      | { kind: "timeout" }
      | { kind: "network"; detail: string },
    /** Worth another attempt: 429, 5xx, a timeout or a network error. */
    readonly transient: boolean,
    /** Counts towards opening the circuit: 5xx, timeouts and network errors (not 429, not 4xx). */
    readonly countsAgainstVendor: boolean,
  ) {
    super(`attempt failed: ${outcome.kind}`);
    this.name = "AttemptFailure";
  }
}

/** The breaker of one provider instance (cockatiel's), shared by its call edge and its login edge. */
export type CircuitBreaker = CockatielBreaker;

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the circuit. */
  threshold?: number;
  /** How long the circuit stays open before one trial call is let through. */
  halfOpenAfterMs?: number;
}

/**
 * Opens after `threshold` consecutive vendor failures and answers at once while open; after
 * `halfOpenAfterMs` one trial call goes through (others wait for it), and its result closes or re-opens
 * the circuit. The state lives in cockatiel, so no flag of ours can stay stuck.
 */
export function createCircuitBreaker(settings: CircuitBreakerSettings = {}): CircuitBreaker {
  return circuitBreaker(
    handleWhen((error) => error instanceof AttemptFailure && error.countsAgainstVendor),
    {
      halfOpenAfter: settings.halfOpenAfterMs ?? 10_000,
      breaker: new ConsecutiveBreaker(settings.threshold ?? 5),
    },
  );
}

export function circuitState(breaker: CircuitBreaker): CircuitStateName {
  switch (breaker.state) {
    case CircuitState.Closed:
      return "closed";
    case CircuitState.Open:
      return "open";
    case CircuitState.HalfOpen:
      return "half-open";
    default:
      return "isolated";
  }
}
