import autocannon from "autocannon";

export interface Drive {
  name: string;
  method?: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Requests made one after another on each connection in turn (several documents per request). */
  requests?: Array<{ method?: "GET" | "POST"; path?: string; headers?: Record<string, string>; body?: string }>;
}

export interface DriveResult {
  name: string;
  requests: number;
  errors: number;
  non2xx: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Closed-loop load with autocannon: `connections` keep-alive connections for `seconds`. Latencies are
 * taken from every response (autocannon's own histogram is whole milliseconds), so percentiles have
 * sub-millisecond resolution.
 */
export async function drive(target: Drive, connections: number, seconds: number): Promise<DriveResult> {
  const latencies: number[] = [];
  let finish: (result: autocannon.Result) => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finish = resolve), (fail = reject)));
  const instance = autocannon(
    {
      url: target.url,
      method: target.method ?? "GET",
      headers: target.headers,
      body: target.body,
      ...(target.requests ? { requests: target.requests } : {}),
      connections,
      duration: seconds,
      pipelining: 1,
    },
    (error, result) => (error ? fail(error) : finish(result)),
  );
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await done;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies.length ? +latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!.toFixed(2) : NaN;
  return {
    name: target.name,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    rps: Math.round(result.requests.total / seconds),
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
  };
}
