import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";

/** An expected failure from a result union, or a failure of the request itself: both carry a code. */
export interface Problem {
  code: string;
  message?: string;
  maxRedeemablePoints?: number | null;
  currentPrice?: { amount: number } | null;
  available?: number | null;
  retryAfterSeconds?: number | null;
  attemptsLeft?: number | null;
  /** INVALID_INPUT: the fields at fault, by their path in the request. */
  issues?: Array<{ path: string; message: string }> | null;
}

/** A typed error from a result union: the member whose `__typename` is not the success. */
export function problemOf(result: { __typename: string } & Partial<Problem>): Problem | null {
  if (result.__typename.endsWith("Success") || !result.code) return null;
  return result as Problem;
}

/** The error as a person would put it: the code's sentence, with what the gateway said precisely. */
export function describe(p: Problem): string {
  const code = p.code === "INVALID_INPUT" && p.issues?.length ? "INVALID_INPUT_FIELDS" : p.code;
  const base = t.errors[code] ?? t.unknownError;
  const extra: string[] = [];
  if (p.maxRedeemablePoints != null) extra.push(t.maxPoints(p.maxRedeemablePoints));
  if (p.currentPrice) extra.push(t.priceNow(rub(p.currentPrice.amount, language)));
  if (p.available != null) extra.push(t.available(p.available));
  if (p.attemptsLeft != null) extra.push(t.attemptsLeft(p.attemptsLeft));
  return [base, ...extra].join(". ");
}

export function ErrorNote({ problem }: { problem: Problem | null | undefined }) {
  if (!problem) return null;
  return (
    <p class="error" role="alert" data-code={problem.code}>
      {describe(problem)}
    </p>
  );
}
