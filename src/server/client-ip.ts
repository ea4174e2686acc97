/**
 * The client's IP for per-IP limits: the socket's peer address, or, behind a trusted reverse proxy
 * (TRUST_PROXY), the first X-Forwarded-For entry. Null when neither is known (in-process `yoga.fetch`).
 */
const ips = new WeakMap<Request, string | null>();

interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

export function rememberClientIp(request: Request, serverContext: unknown, trustProxy: boolean): string | null {
  let ip: string | null = null;
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded && /^[0-9a-fA-F:.]{2,45}$/.test(forwarded)) ip = forwarded;
  }
  ip ??= (serverContext as NodeServerContext | undefined)?.req?.socket?.remoteAddress ?? null;
  ips.set(request, ip);
  return ip;
}

export function clientIpOf(request: Request): string | null {
  return ips.get(request) ?? null;
}

/** For requests made up by the server itself (graphql-ws builds one per subscription). */
export function setClientIp(request: Request, ip: string | null): void {
  ips.set(request, ip);
}
