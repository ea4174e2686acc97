import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Plugin } from "graphql-yoga";
import { LRUCache } from "lru-cache";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text worth compressing; event streams and multipart (@defer) answers are streamed, so never buffered here. */
const COMPRESSIBLE =
  /^(text\/(html|css|javascript|plain)|application\/(json|graphql-response\+json|javascript|manifest\+json)|image\/svg\+xml)/;

type Encoding = "br" | "gzip";

/** The encoding the client accepts that we prefer: brotli, then gzip (a `q=0` refuses one). */
export function chooseEncoding(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
    accepted.set(name!, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get("*") ?? 0) > 0;
  return ok("br") ? "br" : ok("gzip") ? "gzip" : null;
}

/**
 * Compresses what the gateway sends whole (GraphiQL's page, the Mini App's files, JSON answers) when the
 * client accepts brotli or gzip, from `minBytes` up. Bodies are compressed off the event loop, and the
 * same bytes (the 9 MB GraphiQL page, hashed assets) once: the results are kept by the body's hash, up
 * to `cacheBytes`. Compressed request bodies are not accepted: the body limits count what arrives.
 */
export function useCompression(options: { minBytes?: number; cacheBytes?: number } = {}): Plugin {
  const minBytes = options.minBytes ?? 1024;
  const cache = new LRUCache<string, Buffer>({
    maxSize: options.cacheBytes ?? 16 * 1024 * 1024,
    sizeCalculation: (value) => value.length || 1,
  });
  return {
    async onResponse({ request, response, setResponse }) {
      const type = response.headers.get("content-type") ?? "";
      if (
        !response.body ||
        request.method === "HEAD" ||
        response.headers.has("content-encoding") ||
        !COMPRESSIBLE.test(type)
      )
        return;
      const encoding = chooseEncoding(request.headers.get("accept-encoding"));
      const headers = new Headers(response.headers);
      headers.append("vary", "Accept-Encoding");
      const init = { status: response.status, statusText: response.statusText, headers };
      const body = Buffer.from(await response.arrayBuffer());
      if (!encoding || body.length < minBytes) {
        setResponse(new Response(body as Uint8Array<ArrayBuffer>, init));
        return;
      }
      const key = `${encoding}:${createHash("sha256").update(body).digest("base64")}`;
      let compressed = cache.get(key);
      if (!compressed) {
        compressed =
          encoding === "br"
            ? await brotli(body, {
                params: {
                  [constants.BROTLI_PARAM_QUALITY]: 5,
                  [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
                  [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
                },
              })
            : await gzipAsync(body, { level: 6 });
        cache.set(key, compressed);
      }
      headers.set("content-encoding", encoding);
      headers.set("content-length", String(compressed.length));
      setResponse(new Response(compressed as Uint8Array<ArrayBuffer>, init));
    },
  };
}
