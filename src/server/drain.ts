import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/** The code of the last event a subscription gets when the process stops: subscribe again (elsewhere). */
export const SHUTTING_DOWN = "SHUTTING_DOWN";

/**
 * Ends every open subscription, over SSE and WebSocket alike, with one last event (a GraphQL error whose
 * code is SHUTTING_DOWN), after which the transport sends its own `complete`: a client learns the stream
 * ended on purpose and reconnects, and the response ends, so the process can drain. Queries and mutations
 * are not touched.
 */
export class SubscriptionDrain {
  /** Each open subscription's stop, until its consumer has been handed the end of the stream. */
  private readonly open = new Map<object, () => void>();
  private draining = false;
  private settled: (() => void) | null = null;

  /**
   * Ends the open subscriptions, and any that starts from now on; resolves once each one's transport
   * has taken its last event and its end (or after `graceMs`), so the sockets can then be closed.
   */
  async endAll(graceMs = 2_000): Promise<number> {
    this.draining = true;
    const count = this.open.size;
    for (const stop of [...this.open.values()]) stop();
    if (this.open.size) {
      await Promise.race([
        new Promise<void>((resolve) => (this.settled = resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
      ]);
    }
    return count;
  }

  get size(): number {
    return this.open.size;
  }

  plugin(): Plugin {
    return {
      onSubscribe: () => ({
        onSubscribeResult: ({ result, setResult }) => {
          if (!isAsyncIterable(result)) return;
          setResult(this.track(result));
        },
      }),
    };
  }

  private closed(key: object): void {
    this.open.delete(key);
    // A macrotask later: the transport sends its `complete` in the microtasks after the stream's end.
    if (this.open.size === 0) setImmediate(() => this.settled?.());
  }

  private track<T>(source: AsyncIterable<T>): AsyncIterableIterator<T | { errors: GraphQLError[] }> {
    const iterator = source[Symbol.asyncIterator]();
    const key = {};
    let stop: () => void = () => undefined;
    const stopped = new Promise<"stop">((resolve) => (stop = () => resolve("stop")));
    this.open.set(key, stop);
    if (this.draining) stop();
    let sourceClosed = false;
    // Not awaited: an async generator waiting inside (for its next event) takes `return` only after
    // that wait, which for a quiet subscription never ends.
    const closeSource = () => {
      if (sourceClosed) return;
      sourceClosed = true;
      void iterator.return?.()?.catch(() => undefined);
    };
    const lastEvent = {
      errors: [
        new GraphQLError("The server is shutting down: subscribe again.", { extensions: { code: SHUTTING_DOWN } }),
      ],
    };
    let state: "open" | "last-sent" | "done" = "open";
    const done = (): IteratorResult<T | { errors: GraphQLError[] }> => {
      state = "done";
      this.closed(key);
      return { done: true, value: undefined };
    };
    const tracked: AsyncIterableIterator<T | { errors: GraphQLError[] }> = {
      [Symbol.asyncIterator]: () => tracked,
      next: async () => {
        if (state !== "open") return done();
        const winner = await Promise.race([iterator.next(), stopped]);
        if (winner === "stop") {
          closeSource();
          state = "last-sent";
          return { done: false, value: lastEvent };
        }
        if (winner.done) {
          sourceClosed = true;
          return done();
        }
        return winner;
      },
      return: () => {
        closeSource();
        return Promise.resolve(done());
      },
    };
    return tracked;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/**
 * The HTTP server's side of a drain: requests in flight are counted, and once draining starts a new
 * request is answered 503 (with `connection: close`, so a proxy or a load balancer retries elsewhere) and
 * a finished response closes its keep-alive connection.
 */
export class RequestDrain {
  private inFlight = 0;
  private draining = false;
  private idle: (() => void) | null = null;

  constructor(private readonly server: Server) {}

  /** Wraps the request handler. */
  handler(
    next: (req: IncomingMessage, res: ServerResponse) => unknown,
  ): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      if (this.draining) {
        res.writeHead(503, { "content-type": "application/json", connection: "close", "retry-after": "1" });
        res.end(JSON.stringify({ errors: [{ message: "shutting down", extensions: { code: SHUTTING_DOWN } }] }));
        return;
      }
      this.inFlight += 1;
      res.once("close", () => {
        this.inFlight -= 1;
        if (this.draining) {
          this.server.closeIdleConnections();
          if (this.inFlight === 0) this.idle?.();
        }
      });
      void next(req, res);
    };
  }

  get active(): number {
    return this.inFlight;
  }

  /** Stops taking connections and requests; resolves when every request in flight has been answered. */
  start(): Promise<void> {
    this.draining = true;
    this.server.close();
    this.server.closeIdleConnections();
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }
}
