import { GraphQLError } from "graphql";
import { createGraphQLError, type Plugin } from "graphql-yoga";

/** A body larger than the limit: answered 413 before the rest of it is read. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/**
 * Reads a request body as text, refusing (BodyTooLargeError) as soon as Content-Length or the bytes
 * read pass `limit`; the rest of the stream is cancelled, never buffered.
 */
export async function readBodyLimited(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > limit)) throw new BodyTooLargeError(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const jsonError = (status: number, message: string, code: string) =>
  Response.json({ errors: [{ message, extensions: { code } }] }, { status });

/** Content types a browser may POST cross-origin without a preflight (and so without CORS's consent). */
const SIMPLE_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];
/** Any of these headers forces a preflight, which CORS then decides; the Mini App's client may send one. */
// Not Yoga's CSRF plugin: it asks for one of these headers on every request, so the Mini App's and the
// services' ordinary JSON POSTs would need it too. Here only a request a browser could send cross-origin
// without a preflight (a simple content type) needs one, as Apollo's CSRF prevention does
// (test/e2e/security.e2e.test.ts, "refuses form-encoded, multipart and text POSTs").
export const CSRF_HEADERS = ["x-graphql-yoga-csrf", "graphql-require-preflight", "apollo-require-preflight"];

/**
 * The HTTP edge of /graphql before Yoga reads anything:
 * - a URL longer than `maxUrlBytes` (a GET's query and variables) is 414;
 * - CSRF prevention: a POST that a browser could send cross-origin without a preflight (a form, multipart,
 *   text/plain, or no content type) is 403 unless it carries one of CSRF_HEADERS;
 * - a GET (or form) whose `variables` or `extensions` is not JSON is 400 with a GraphQL error, not 500, and
 *   request-parsing errors never echo the parser's own text.
 */
export function useHttpGuards(options: { graphqlEndpoint: string; maxUrlBytes: number }): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== options.graphqlEndpoint) return;
      if (Buffer.byteLength(request.url) > options.maxUrlBytes) {
        return endResponse(
          jsonError(414, `the request URL is longer than ${options.maxUrlBytes} bytes; use POST`, "URL_TOO_LONG"),
        );
      }
      if (request.method !== "POST") return;
      const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      const simple = type === "" || SIMPLE_CONTENT_TYPES.includes(type);
      if (simple && !CSRF_HEADERS.some((h) => request.headers.has(h))) {
        return endResponse(
          jsonError(
            403,
            "POST a GraphQL request as application/json (form, multipart and text bodies are refused: CSRF prevention)",
            "CSRF_PREVENTED",
          ),
        );
      }
    },
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          throw cleanParseError(error);
        }
      });
    },
  };
}

function cleanParseError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError || (error instanceof Error && error.name === "GraphQLError")) {
    const e = error as GraphQLError;
    if (!e.extensions?.originalError) return e;
    const { originalError: _dropped, ...extensions } = e.extensions;
    return createGraphQLError(e.message, { extensions });
  }
  if (error instanceof SyntaxError) {
    return createGraphQLError("variables and extensions must be JSON objects", {
      extensions: { code: "BAD_REQUEST", http: { status: 400 } },
    });
  }
  return createGraphQLError("the request could not be read", {
    extensions: { code: "BAD_REQUEST", http: { status: 400 } },
  });
}
