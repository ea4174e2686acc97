import { ProviderError } from "../../src/domain/errors.ts";

/** Runs `fn` and returns the ProviderError it throws; anything else fails the test. */
export async function providerError(fn: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error("expected a ProviderError");
}
