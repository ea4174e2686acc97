import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { API_BASE } from "./session.ts";

/**
 * The codegen documents carry their persisted hash (`__meta__.hash`). Only the hash goes over the wire,
 * as the GraphQL-over-HTTP `documentId`: what a gateway with TRUSTED_DOCUMENTS (production) accepts.
 */
type Persisted = {
  __meta__?: { hash?: string };
  definitions?: ReadonlyArray<{ kind: string; name?: { value: string } }>;
};

export function documentIdOf(doc: TypedDocumentNode<unknown, never> | object): string {
  const hash = (doc as Persisted).__meta__?.hash;
  if (!hash) throw new Error("a document without a persisted hash: run graphql-codegen");
  return hash;
}

function operationNameOf(doc: object): string | undefined {
  return (doc as Persisted).definitions?.find((d) => d.kind === "OperationDefinition")?.name?.value;
}

/** A failure outside the typed result unions: transport, auth or a masked error, with its code. */
export class GatewayFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let authorization = "";
export function setInitData(initData: string): void {
  authorization = `tma ${initData}`;
}

export function requestBody(doc: object, variables: unknown): string {
  return JSON.stringify({ documentId: documentIdOf(doc), operationName: operationNameOf(doc), variables });
}

export function headers(accept: string): Record<string, string> {
  return { "content-type": "application/json", accept, ...(authorization ? { authorization } : {}) };
}

export async function request<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/graphql`, {
      method: "POST",
      headers: headers("application/graphql-response+json, application/json"),
      body: requestBody(doc, variables),
    });
  } catch {
    throw new GatewayFailure("NETWORK", "network");
  }
  let body: { data?: R | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new GatewayFailure(res.status >= 500 ? "PROVIDER_UNAVAILABLE" : "HTTP", `HTTP ${res.status}`);
  }
  const error = body.errors?.[0];
  if (error && !body.data) throw new GatewayFailure(error.extensions?.code ?? "INTERNAL", error.message);
  if (!body.data) throw new GatewayFailure("HTTP", `HTTP ${res.status}`);
  return body.data;
}
