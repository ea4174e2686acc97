export type FetchHandler = (request: Request) => Promise<Response>;
/** One route's handler, with the `:name` parts of its path. */
export type RouteHandler = (request: Request, params: Record<string, string>) => Promise<Response> | Response;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: RouteHandler;
}

/** A minimal method + path router for the simulators' fetch handlers: `/customer/:phone/sendCode`. */
export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly prefix = "") {}

  on(method: string, path: string, handler: RouteHandler): this {
    const keys: string[] = [];
    const source = (this.prefix + path).replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return "([^/]+)";
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler });
    return this;
  }

  async handle(request: Request): Promise<Response | null> {
    const { pathname } = new URL(request.url);
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)]));
      return route.handler(request, params);
    }
    return null;
  }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** Reads a JSON body; `undefined` when it is missing or not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}
