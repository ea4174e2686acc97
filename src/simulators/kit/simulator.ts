import { z } from "zod";
import { delay, type Fault, Faults, faultSchema } from "./faults.ts";
import { type FetchHandler, json, readJson, Router } from "./router.ts";
import { noteViolation, takeNotes, ViolationLog } from "./violations.ts";

/** How a simulator renders a failure in its vendor's own error format. */
export interface VendorErrorStyle {
  /** `source` says where in the request the fault is, for vendors whose error body tells (JSON:API). */
  error(status: number, code: string, message: string, source?: { pointer?: string; parameter?: string }): Response;
}

/**
 * Checks a request against the vendor's documents before its route sees it (an OpenAPI gate): a
 * Response refuses it, null lets it through. Problems it finds are noted on the request (noteViolation).
 */
export type RequestGate = (request: Request) => Promise<Response | null>;

export interface SimulatorState {
  reset(): void;
  snapshot(): unknown;
}

/**
 * Wraps a vendor router with the parts every simulator shares: scripted faults and a control API
 * under `/__sim` (faults, reset, state) that tests and demos drive over HTTP.
 */
export function createSimulatorHandler(options: {
  /** The vendor's name in violation reports. */
  name: string;
  vendor: Router;
  state: SimulatorState;
  style: VendorErrorStyle;
  faults?: Faults;
  /** Vendor-specific controls under /__sim, such as moving an order (Posiflora). */
  control?: Router;
  /** Validates every vendor request first (Posiflora's and r_keeper's OpenAPI documents). */
  gate?: RequestGate;
}): FetchHandler & { faults: Faults; requests: RequestLog; violations: ViolationLog } {
  const faults = options.faults ?? new Faults();
  const requests = new RequestLog();
  const violations = new ViolationLog(options.name);
  const control = new Router("/__sim")
    .on("POST", "/faults", async (req) => {
      const body = z.union([faultSchema, z.array(faultSchema)]).safeParse(await readJson(req));
      if (!body.success) return json({ error: body.error.message }, 400);
      for (const f of [body.data].flat()) faults.add(f);
      return json({ pending: faults.pending });
    })
    .on("POST", "/latency", async (req) => {
      const body = z.object({ ms: z.number().int().nonnegative() }).safeParse(await readJson(req));
      if (!body.success) return json({ error: body.error.message }, 400);
      faults.baseLatencyMs = body.data.ms;
      return json({ ms: faults.baseLatencyMs });
    })
    .on("POST", "/reset", () => {
      faults.clear();
      requests.clear();
      options.state.reset();
      return json({ ok: true });
    })
    .on("GET", "/state", () => json(options.state.snapshot()))
    .on("GET", "/requests", () => json(requests.entries))
    .on("GET", "/request-count", () => json({ total: requests.total }))
    // Not cleared by /__sim/reset: a test that breaks a rule on purpose takes its own violations.
    .on("GET", "/violations", () => json(violations.entries))
    .on("DELETE", "/violations", () => json(violations.take()));

  /** The vendor's answer, after the gate; what was noted on the request goes into the log. */
  const vendorAnswer = async (request: Request): Promise<Response> => {
    let answer: Response | null = null;
    try {
      answer = (options.gate ? await options.gate(request) : null) ?? (await options.vendor.handle(request));
      if (answer) return answer;
      const route = `${request.method} ${new URL(request.url).pathname}`;
      noteViolation(request, { kind: "route", detail: `${route}: no such endpoint in the documents` });
      return (answer = options.style.error(404, "NOT_FOUND", `no route ${route}`));
    } finally {
      for (const note of takeNotes(request)) {
        const status = note.status ?? (answer && answer.status >= 400 ? answer.status : 0);
        violations.record(request, { ...note, status });
      }
    }
  };

  const handler = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/__sim/")) {
      return (
        (await control.handle(request)) ??
        (await options.control?.handle(request)) ??
        json({ error: "no such control" }, 404)
      );
    }
    requests.record(request.method, path);
    if (faults.baseLatencyMs) await delay(faults.baseLatencyMs, request.signal);
    const fault = faults.take(path);
    if (fault?.kind === "lostResponse") {
      await vendorAnswer(request);
      return options.style.error(504, "GATEWAY_TIMEOUT", "simulated lost answer");
    }
    if (fault) {
      const answer = await applyFault(fault, request, options.style);
      if (answer) return answer;
    }
    return vendorAnswer(request);
  };
  return Object.assign(handler, { faults, requests, violations });
}

/** What reached the vendor API, for tests that count provider calls. Bounded, oldest dropped first. */
export class RequestLog {
  entries: Array<{ method: string; path: string }> = [];
  /** Every request since start, not bounded (the benchmark's vendor calls per request). */
  total = 0;

  constructor(private readonly max = 10_000) {}

  record(method: string, path: string): void {
    this.total += 1;
    if (this.entries.length >= this.max) this.entries.shift();
    this.entries.push({ method, path });
  }

  count(method: string, pathPart: string): number {
    return this.entries.filter((e) => e.method === method && e.path.includes(pathPart)).length;
  }

  clear(): void {
    this.entries = [];
  }
}

async function applyFault(fault: Fault, request: Request, style: VendorErrorStyle): Promise<Response | null> {
  switch (fault.kind) {
    case "latency":
      await delay(fault.latencyMs, request.signal);
      return null;
    case "timeout":
      // Hang far longer than any client deadline; stop as soon as the caller gives up.
      await delay(fault.latencyMs || 60_000, request.signal);
      return style.error(504, "TIMEOUT", "simulated hang");
    case "status":
      return style.error(fault.status, "SIMULATED", `simulated HTTP ${fault.status}`);
    case "rateLimit": {
      const res = style.error(429, "RATE_LIMITED", "simulated rate limit");
      res.headers.set("retry-after", String(fault.retryAfterSeconds));
      return res;
    }
    case "malformed":
      return new Response('{"truncated": ', { status: 200, headers: { "content-type": "application/json" } });
    case "unauthorized":
      return style.error(401, "UNAUTHORIZED", "simulated expired credentials");
    case "lostResponse":
      return null;
  }
}
