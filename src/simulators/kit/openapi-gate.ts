import type { OpenApiValidator, Problem } from "./openapi-validator.ts";
import type { RequestGate } from "./simulator.ts";
import { noteViolation } from "./violations.ts";

export interface OpenApiGateOptions {
  /** The server's base path before the document's paths: `/api` for `/api/v1/...`. */
  basePath: string;
  /** The vendor's answer to a request with these problems (none of them merely `undocumented`). */
  refuse: (problems: Problem[]) => Response;
}

/**
 * Checks every request the document describes against it before the route runs: a request with
 * errors is refused by `refuse` and recorded as a violation; a field the document does not describe,
 * where the schema does not forbid extra fields, is recorded and the request goes on (the vendor
 * ignores what it does not know). Paths the document does not describe go on unchecked.
 */
export function openApiGate(validator: OpenApiValidator, options: OpenApiGateOptions): RequestGate {
  return async (request) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(options.basePath)) return null;
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.clone().text();
    let body: unknown;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        const problems: Problem[] = [{ in: "body", at: "", message: "is not JSON" }];
        noteViolation(request, { kind: "body", detail: describeProblems(problems) });
        return options.refuse(problems);
      }
    }
    const { documented, problems } = validator.check({
      method: request.method,
      path: url.pathname.slice(options.basePath.length) || "/",
      query: url.searchParams,
      body,
      contentType: body === undefined ? undefined : request.headers.get("content-type"),
    });
    if (!documented || problems.length === 0) return null;
    const errors = problems.filter((p) => !p.undocumented);
    for (const kind of ["query", "body"] as const) {
      const mine = problems.filter((p) =>
        kind === "query" ? p.in === "query" || p.in === "path" : p.in !== "query" && p.in !== "path",
      );
      if (mine.length)
        noteViolation(request, { kind, detail: describeProblems(mine), ...(errors.length ? {} : { status: 0 }) });
    }
    return errors.length ? options.refuse(errors) : null;
  };
}

/** "query sort: is not a declared query parameter; body /data/attributes/x: is not described by the documents" */
export function describeProblems(problems: Problem[]): string {
  return problems.map((p) => `${p.in} ${p.at || "(root)"}: ${p.message}`).join("; ");
}
