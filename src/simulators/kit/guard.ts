import type { z } from "zod";
import { readJson, type RouteHandler } from "./router.ts";
import type { VendorErrorStyle } from "./simulator.ts";
import { noteViolation, type ViolationKind } from "./violations.ts";

/** A refusal, before the server's VendorErrorStyle renders it as the vendor's error body. */
export interface VendorFailure {
  status: number;
  code: string;
  message: string;
  /**
   * Set when the refusal is for a request that breaks the vendor's documents (a flow rule, a field),
   * not for a business outcome such as "not enough bonuses": the simulator then records a violation.
   */
  violation?: ViolationKind;
  /** Where in the request (JSON:API `source`), for styles that report it. */
  source?: { pointer?: string; parameter?: string };
}

export type ZodIssues = z.ZodError["issues"];

export interface GuardOptions {
  /** Renders every refusal of this guard. */
  style: VendorErrorStyle;
  /** Checks credentials before anything else; a failure refuses the request. */
  admit?: (request: Request) => VendorFailure | null;
  /** The vendor's own error (thrown by its state) as a failure; anything else is not caught. */
  failure: (error: unknown) => VendorFailure | undefined;
  /** How a JSON body (or a query) that does not match its schema is refused (needed by servers that call `body`). */
  invalidBody?: (issues: ZodIssues) => VendorFailure;
  /**
   * Query parameters are checked on every guarded route: a route declares its own with `{ query }`, and
   * any parameter of a route that declares none is undocumented. Servers that validate queries against
   * an OpenAPI document instead leave this off.
   */
  strictQuery?: boolean;
}

export interface RouteOptions {
  /** The query parameters the documents give this route (a strict zod object). */
  query?: z.ZodType<unknown>;
}

export interface Guard {
  /** Wraps a route: refused unless `admit` lets the request in; vendor errors thrown inside become error bodies. */
  (handler: RouteHandler, route?: RouteOptions): RouteHandler;
  /** The same without the credential check, for routes that are open (the `/__sim` controls). */
  open(handler: RouteHandler, route?: RouteOptions): RouteHandler;
  /** Reads the JSON body with a schema, inside a guarded route; a mismatch refuses the request by `invalidBody`. */
  body<T>(request: Request, schema: z.ZodType<T>): Promise<T>;
}

/** Thrown by `body` and caught by the guard around the route. */
class RefusedBody extends Error {
  constructor(readonly failure: VendorFailure) {
    super(failure.message);
  }
}

/**
 * The part every vendor server of the simulators repeats: the credential check, zod-checked query and
 * JSON body, and the vendor's errors turned into its error body through the server's VendorErrorStyle.
 * A refused body or query, and a refusal the state marks as a `violation`, are noted on the request, and
 * the simulator's handler records them in its violation log.
 */
export function createGuard(options: GuardOptions): Guard {
  const refuse = (request: Request, f: VendorFailure) => {
    if (f.violation) noteViolation(request, { kind: f.violation, detail: `${f.code}: ${f.message}`, status: f.status });
    return options.style.error(f.status, f.code, f.message, f.source);
  };
  const invalid = (issues: ZodIssues, kind: ViolationKind): VendorFailure => {
    if (!options.invalidBody) throw new Error("this guard has no invalidBody rule");
    return { ...options.invalidBody(issues), violation: kind };
  };

  const checkQuery = (request: Request, route: RouteOptions | undefined): VendorFailure | null => {
    if (!route?.query && !options.strictQuery) return null;
    const params = new URL(request.url).searchParams;
    if (!route?.query) {
      const names = [...new Set(params.keys())];
      if (names.length === 0) return null;
      const issues = names.map((name) => ({
        code: "custom" as const,
        path: [name],
        message: "is not a documented query parameter",
        input: params.get(name),
      }));
      return invalid(issues, "query");
    }
    const parsed = route.query.safeParse(Object.fromEntries(params));
    return parsed.success ? null : invalid(parsed.error.issues, "query");
  };

  const wrap =
    (handler: RouteHandler, checkCredentials: boolean, route?: RouteOptions): RouteHandler =>
    async (request, params) => {
      if (checkCredentials && options.admit) {
        const denied = options.admit(request);
        if (denied) return refuse(request, denied);
      }
      const badQuery = checkQuery(request, route);
      if (badQuery) return refuse(request, badQuery);
      try {
        return await handler(request, params);
      } catch (error) {
        if (error instanceof RefusedBody) return refuse(request, error.failure);
        const failure = options.failure(error);
        if (failure) return refuse(request, failure);
        throw error;
      }
    };

  return Object.assign((handler: RouteHandler, route?: RouteOptions) => wrap(handler, true, route), {
    open: (handler: RouteHandler, route?: RouteOptions) => wrap(handler, false, route),
    body: async <T>(request: Request, schema: z.ZodType<T>): Promise<T> => {
      const parsed = schema.safeParse(await readJson(request));
      if (parsed.success) return parsed.data;
      throw new RefusedBody(invalid(parsed.error.issues, "body"));
    },
  });
}

/** Zod issues as one line, "path.to.field: message; ...", with the vendor's path separator. */
export function describeIssues(issues: ZodIssues, separator = "."): string {
  return issues.map((i) => `${i.path.join(separator)}: ${i.message}`).join("; ");
}
