import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { GatewayFailure, headers, requestBody } from "./graphql.ts";
import { API_BASE } from "./session.ts";

/**
 * A subscription over SSE (graphql-yoga: POST with `Accept: text/event-stream`), by persisted hash like
 * every other request. fetch rather than EventSource, which cannot send Authorization. A dropped stream
 * reconnects (the gateway sends the current state first, so nothing is missed); returns the stop.
 */
export function subscribe<R, V>(
  doc: TypedDocumentNode<R, V>,
  variables: V,
  onData: (data: R) => void,
  onError: (failure: GatewayFailure) => void = () => undefined,
): () => void {
  const controller = new AbortController();
  let stopped = false;
  let attempt = 0;
  const run = async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${API_BASE}/graphql`, {
          method: "POST",
          headers: headers("text/event-stream"),
          body: requestBody(doc, variables),
          signal: controller.signal,
        });
        if (!res.ok || !res.body) throw new GatewayFailure("HTTP", `HTTP ${res.status}`);
        let completed = false;
        for await (const message of events(res.body, () => (completed = true))) {
          attempt = 0;
          const payload = JSON.parse(message) as {
            data?: R;
            errors?: Array<{ message: string; extensions?: { code?: string } }>;
          };
          if (payload.data) onData(payload.data);
          else if (payload.errors?.[0]) {
            const e = payload.errors[0];
            onError(new GatewayFailure(e.extensions?.code ?? "INTERNAL", e.message));
            return; // a refusal (not found, not linked) does not get better by asking again
          }
        }
        if (completed) return;
      } catch (error) {
        if (stopped) return;
        if (error instanceof GatewayFailure) onError(error);
      }
      attempt += 1;
      await new Promise((r) => window.setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}

/** The `data:` of each `next` event; comments (keep-alives) and `complete` are skipped. */
async function* events(body: ReadableStream<Uint8Array>, onComplete: () => void): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const chunk = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
      const lines = chunk.split(/\r?\n/);
      if (lines.some((l) => l === "event: complete")) return onComplete();
      const data = lines
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      if (data) yield data;
    }
  }
}
