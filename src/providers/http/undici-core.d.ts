// Types for the two undici modules the pool transport loads instead of undici's index, which also loads
// fetch, WebSocket, EventSource, the cache and the mocks (transport.ts says why). The shapes are undici's
// own, from its public typings.
declare module "undici/lib/dispatcher/agent.js" {
  import { Agent } from "undici";
  export default Agent;
}

declare module "undici/lib/api/api-request.js" {
  import type { Dispatcher } from "undici";
  /** Dispatcher.prototype.request: `this` is the dispatcher. */
  export default function request(
    this: Dispatcher,
    options: Dispatcher.RequestOptions,
  ): Promise<Dispatcher.ResponseData>;
}
