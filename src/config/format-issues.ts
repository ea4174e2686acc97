import type { z } from "zod";

/** `shops[0].loyalty[1].baseUrl: Invalid URL` — the bad key named in full. */
export function formatIssues(issues: z.core.$ZodIssue[], root = ""): string {
  return issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
        root,
      );
      return `${path || "(root)"}: ${issue.message}`;
    })
    .join("\n");
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
