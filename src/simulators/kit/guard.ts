import type { z } from "zod";
import { readJson, type RouteHandler } from "./router.ts";
import type { VendorErrorStyle } from "./simulator.ts";

/** A refusal, before the server's VendorErrorStyle renders it as the vendor's error body. */
export interface VendorFailure {
  status: number;
  code: string;
  message: string;
}

export type ZodIssues = z.ZodError["issues"];

export interface GuardOptions {
  /** Renders every refusal of this guard. */
  style: VendorErrorStyle;
  /** Checks credentials before anything else; a failure refuses the request. */
  admit?: (request: Request) => VendorFailure | null;
  /** The vendor's own error (thrown by its state) as a failure; anything else is not caught. */
  failure: (error: unknown) => VendorFailure | undefined;
  /** How a JSON body that does not match its schema is refused (needed only by servers that call `body`). */
  invalidBody?: (issues: ZodIssues) => VendorFailure;
}

export interface Guard {
  /** Wraps a route: refused unless `admit` lets the request in; vendor errors thrown inside become error bodies. */
  (handler: RouteHandler): RouteHandler;
  /** The same without the credential check, for routes that are open (the `/__sim` controls). */
  open(handler: RouteHandler): RouteHandler;
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
 * The part every vendor server of the simulators repeats: the credential check, a zod-checked JSON
 * body, and the vendor's errors turned into its error body through the server's VendorErrorStyle.
 */
export function createGuard(options: GuardOptions): Guard {
  const refuse = (f: VendorFailure) => options.style.error(f.status, f.code, f.message);

  const wrap =
    (handler: RouteHandler, checkCredentials: boolean): RouteHandler =>
    async (request, params) => {
      if (checkCredentials && options.admit) {
        const denied = options.admit(request);
        if (denied) return refuse(denied);
      }
      try {
        return await handler(request, params);
      } catch (error) {
        if (error instanceof RefusedBody) return refuse(error.failure);
        const failure = options.failure(error);
        if (failure) return refuse(failure);
        throw error;
      }
    };

  return Object.assign((handler: RouteHandler) => wrap(handler, true), {
    open: (handler: RouteHandler) => wrap(handler, false),
    body: async <T>(request: Request, schema: z.ZodType<T>): Promise<T> => {
      const parsed = schema.safeParse(await readJson(request));
      if (parsed.success) return parsed.data;
      if (!options.invalidBody) throw new Error("this guard has no invalidBody rule");
      throw new RefusedBody(options.invalidBody(parsed.error.issues));
    },
  });
}

/** Zod issues as one line, "path.to.field: message; ...", with the vendor's path separator. */
export function describeIssues(issues: ZodIssues, separator = "."): string {
  return issues.map((i) => `${i.path.join(separator)}: ${i.message}`).join("; ");
}
