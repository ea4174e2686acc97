import type { FetchHandler } from "./router.ts";

/** The shape of `globalThis.fetch`, which the gateway's provider clients take. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A `fetch` that serves some hosts from in-process handlers and sends the rest to the network.
 * Like a real fetch it rejects when the request's signal aborts, even if the handler hangs.
 */
export function inProcessFetch(hosts: Record<string, FetchHandler>, fallback: Fetch = globalThis.fetch): Fetch {
  return (input, init) => {
    const request = new Request(input, init);
    const handler = hosts[new URL(request.url).host];
    if (!handler) return fallback(input, init);
    const signal = request.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      handler(request).then(
        (res) => {
          signal.removeEventListener("abort", onAbort);
          resolve(res);
        },
        (err) => {
          signal.removeEventListener("abort", onAbort);
          reject(err);
        },
      );
    });
  };
}
