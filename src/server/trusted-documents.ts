import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { createGraphQLError, type GraphQLParams, type Plugin } from "graphql-yoga";
import { ConfigError } from "../config/format-issues.ts";
import type { RequestViewers } from "./request-viewer.ts";

/** The persisted documents codegen writes: `{"sha256:<hex>": "<document>"}`, looked up by hash. */
export class PersistedDocuments {
  private readonly byHash = new Map<string, string>();

  constructor(entries: Record<string, string>) {
    for (const [key, document] of Object.entries(entries)) this.byHash.set(key.replace(/^sha256:/, ""), document);
  }

  static load(file: string, required: boolean): PersistedDocuments {
    const full = path.resolve(file);
    if (!existsSync(full)) {
      if (required) {
        throw new ConfigError(
          `Invalid environment:\nPERSISTED_DOCUMENTS_PATH: ${file} does not exist (run npm run generate), and TRUSTED_DOCUMENTS is on`,
        );
      }
      return new PersistedDocuments({});
    }
    return new PersistedDocuments(JSON.parse(readFileSync(full, "utf8")) as Record<string, string>);
  }

  get size(): number {
    return this.byHash.size;
  }

  get(id: string): string | null {
    return this.byHash.get(id.replace(/^sha256:/, "")) ?? null;
  }
}

/**
 * The id a client sends instead of a document: `documentId` (the GraphQL-over-HTTP convention, in a POST
 * body or a GET parameter), or Apollo's `extensions.persistedQuery.sha256Hash`.
 */
export function persistedDocumentId(
  params: GraphQLParams & { documentId?: unknown },
  request?: Request,
): string | null {
  if (typeof params.documentId === "string") return params.documentId;
  const pq = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (pq && typeof pq.sha256Hash === "string") return pq.sha256Hash;
  if (request?.method === "GET") return new URL(request.url).searchParams.get("documentId");
  return null;
}

export const PERSISTED_ONLY = {
  message: "only persisted documents are accepted from this caller: send documentId",
  extensions: { code: "PERSISTED_QUERY_ONLY", http: { status: 400 } },
};
export const PERSISTED_NOT_FOUND = {
  message: "unknown persisted document",
  extensions: { code: "PERSISTED_QUERY_NOT_FOUND", http: { status: 400 } },
};

/**
 * Trusted documents (TRUSTED_DOCUMENTS, on in production): a Mini App or anonymous caller may run only
 * the documents codegen persisted; a service with an API key may send any document, within the limits.
 * A persisted id is always accepted from anyone.
 */
export function useTrustedDocuments(options: {
  documents: PersistedDocuments;
  enforce: boolean;
  viewers: RequestViewers;
}): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: options.enforce ? (request) => options.viewers.lenient(request).kind === "service" : true,
    extractPersistedOperationId: (params, request) => persistedDocumentId(params, request),
    getPersistedOperation: (id) => options.documents.get(id),
    customErrors: {
      persistedQueryOnly: PERSISTED_ONLY,
      notFound: PERSISTED_NOT_FOUND,
      keyNotFound: {
        message: "send a query or a documentId",
        extensions: { code: "PERSISTED_QUERY_ID_REQUIRED", http: { status: 400 } },
      },
    },
  });
}

/** The same rule for graphql-ws, where no Yoga params hook runs: the document to execute, or an error. */
export function trustedDocumentFor(
  payload: { query?: unknown; extensions?: unknown; documentId?: unknown },
  options: { documents: PersistedDocuments; enforce: boolean; isService: boolean },
): string {
  if (typeof payload.query === "string" && payload.query.length > 0) {
    if (options.enforce && !options.isService) throw createGraphQLError(PERSISTED_ONLY.message, PERSISTED_ONLY);
    return payload.query;
  }
  const id = persistedDocumentId(payload as GraphQLParams & { documentId?: unknown });
  const document = id ? options.documents.get(id) : null;
  if (!document) throw createGraphQLError(PERSISTED_NOT_FOUND.message, PERSISTED_NOT_FOUND);
  return document;
}
