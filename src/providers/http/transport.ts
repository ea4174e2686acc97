import { EventEmitter } from "node:events";
// undici's Agent and request() from their own modules, not from undici's index: the index also loads
// fetch, WebSocket, EventSource, the HTTP cache and the mocks, 3 MB of heap for the life of the process
// that no vendor call uses (bench/README.md). The version is pinned; transport.test.ts runs this on a
// real socket, so a moved module fails the tests, not production.
import Agent from "undici/lib/dispatcher/agent.js";
import request from "undici/lib/api/api-request.js";

/** The shape of `globalThis.fetch`, which tests and the in-process simulators hand the gateway. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One HTTP exchange with a vendor, as the provider edge needs it: no streams, the whole body as text. */
export interface HttpExchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: CallAbort;
}

/**
 * Ends one call when its deadline passes. It is an EventEmitter with `aborted`, which undici takes as a
 * request's `signal` ("AbortSignal | EventEmitter" in its types and docs). Handing undici an AbortSignal
 * cost about 15 µs more per vendor call, for the EventTarget listener it adds and removes.
 */
export class CallAbort extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }

  /** An AbortSignal that follows this one, for a `fetch`. */
  toSignal(): AbortSignal {
    const controller = new AbortController();
    if (this.aborted) controller.abort();
    else this.once("abort", () => controller.abort());
    return controller.signal;
  }
}

export interface HttpAnswer {
  status: number;
  header(name: string): string | null;
  text: string;
}

/** How provider calls reach the network. Rejects on network failure or when the signal aborts. */
export type HttpTransport = (exchange: HttpExchange) => Promise<HttpAnswer>;

export interface PoolTransportOptions {
  /** Open connections per vendor origin. */
  connections?: number;
  /** How long an idle connection is kept. */
  keepAliveMs?: number;
}

/**
 * The production transport: `undici.request` on one keep-alive Agent (a Pool per origin). Against
 * `fetch` it saves the WHATWG Request/Response/Headers objects and web streams of every call, which
 * were the top of the gateway's CPU profile (bench/README.md).
 */
export function poolTransport(options: PoolTransportOptions = {}): HttpTransport & { close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveMs ?? 30_000,
    keepAliveMaxTimeout: 10 * 60_000,
  });
  const transport = async (exchange: HttpExchange): Promise<HttpAnswer> => {
    // What undici's index does with a URL before it calls the dispatcher.
    const url = new URL(exchange.url);
    const res = await request.call(agent, {
      origin: url.origin,
      path: url.pathname + url.search,
      method: exchange.method as "GET",
      headers: exchange.headers,
      body: exchange.body,
      signal: exchange.signal,
    });
    const text = await res.body.text();
    const headers = res.headers;
    return {
      status: res.statusCode,
      header: (name) => {
        const value = headers[name.toLowerCase()];
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
      },
      text,
    };
  };
  return Object.assign(transport, { close: () => agent.close() });
}

/** A transport over a `fetch`: tests, and demo mode's in-process simulators, hand the gateway one. */
export function fetchTransport(fetch: Fetch): HttpTransport {
  return async (exchange) => {
    const res = await fetch(exchange.url, {
      method: exchange.method,
      headers: exchange.headers,
      body: exchange.body,
      signal: exchange.signal.toSignal(),
    });
    const text = await res.text();
    return { status: res.status, header: (name) => res.headers.get(name), text };
  };
}
