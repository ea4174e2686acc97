import { z } from "zod";

/** A scripted failure, applied to the next `times` matching requests. */
export const faultSchema = z.object({
  /** lostResponse: the request is carried out, then the answer is a 504, as when a connection drops. */
  kind: z.enum(["latency", "timeout", "status", "rateLimit", "malformed", "unauthorized", "lostResponse"]),
  /** Only requests whose path contains this text. */
  path: z.string().optional(),
  times: z.number().int().positive().default(1),
  /** Let this many matching requests through first ("fail the third import"). */
  after: z.number().int().nonnegative().default(0),
  latencyMs: z.number().int().nonnegative().default(0),
  status: z.number().int().min(400).max(599).default(503),
  retryAfterSeconds: z.number().int().nonnegative().default(1),
});
export type Fault = z.infer<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

/** The switchboard every simulator consults before answering: latency, hangs, 5xx, 429, bad JSON, 401. */
export class Faults {
  private queue: Fault[] = [];
  /** Latency added to every request, for benchmarks. */
  baseLatencyMs = 0;

  add(input: FaultInput): void {
    this.queue.push(faultSchema.parse(input));
  }

  clear(): void {
    this.queue = [];
    this.baseLatencyMs = 0;
  }

  /** Takes the fault that applies to this path, if any, counting it down. */
  take(path: string): Fault | null {
    const index = this.queue.findIndex((f) => !f.path || path.includes(f.path));
    if (index < 0) return null;
    const fault = this.queue[index]!;
    if (fault.after > 0) {
      fault.after -= 1;
      return null;
    }
    if (--fault.times <= 0) this.queue.splice(index, 1);
    return fault;
  }

  get pending(): number {
    return this.queue.length;
  }
}

/** Waits `ms`, or until the caller gives up on the request. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
