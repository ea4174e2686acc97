const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

/** Closed-loop load: `BENCH_CONNECTIONS` clients each sending `request` back to back for `BENCH_SECONDS`. */
export async function load(name: string, request: () => Promise<Response>) {
  const latencies: number[] = [];
  let errors = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        try {
          const res = await request();
          await res.arrayBuffer();
          if (!res.ok) errors += 1;
        } catch {
          errors += 1;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  return {
    name,
    connections: CONNECTIONS,
    seconds: SECONDS,
    requests: latencies.length,
    rps: Math.round(latencies.length / SECONDS),
    p50: +pct(0.5).toFixed(2),
    p99: +pct(0.99).toFixed(2),
    errors,
  };
}
