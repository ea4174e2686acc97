import { z } from "zod";
import { strictObject } from "./format-issues.ts";

/** An instance id: unique across shops, used in URLs and metric labels. */
export const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "lower-case letters, digits and dashes");

/** One configured provider instance: its module, where it lives, and its credentials by variable name. */
export const providerInstanceSchema = strictObject({
  id,
  adapter: z.string().min(1),
  baseUrl: z.string().url(),
  timeoutMs: z.number().int().min(50).max(60_000).default(5_000),
  maxRetries: z.number().int().min(0).max(5).default(2),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Each value names an environment variable: `"env:BONUSPLUS_API_KEY"`. */
  credentials: z
    .record(z.string(), z.string().regex(/^env:[A-Z_][A-Z0-9_]*$/, 'must be "env:VARIABLE_NAME"'))
    .default({}),
});
export type ProviderInstanceInput = z.infer<typeof providerInstanceSchema>;
