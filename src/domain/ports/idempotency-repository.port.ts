/** What claiming a key found: it was new, done with a stored answer, taken with another input, or still in flight. */
export type Claim =
  { kind: "new" } | { kind: "done"; response: string } | { kind: "conflict" } | { kind: "busy"; since: Date };

/** Idempotency keys: the first request under a key claims it; its result is stored for every repeat. */
export interface IdempotencyRepository {
  claim(key: string, requestHash: string, takeOverAfterMs: number): Promise<Claim>;
  complete(key: string, response: string): Promise<void>;
  /** Forgets a claim whose request failed before it changed anything, so that a retry can run. */
  abandon(key: string): Promise<void>;
}
