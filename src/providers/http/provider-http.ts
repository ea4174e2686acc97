import type { z } from "zod";
import { ProviderError, type ProviderErrorCode } from "../../domain/errors.ts";
import type { Logger } from "../../domain/ports/logger.port.ts";
import type { ProviderCallObserver } from "../../domain/ports/metrics.port.ts";
import {
  handleWhen,
  isBrokenCircuitError,
  retry,
  type FailureReason,
  type IBackoff,
  type IRetryBackoffContext,
  type RetryPolicy,
} from "cockatiel";
import { AttemptFailure, type CircuitBreaker, createCircuitBreaker } from "./circuit-breaker.ts";
import { retryAfterMs, retryDelayMs } from "./retry-delay.ts";
import { CallAbort, fetchTransport, type Fetch, type HttpAnswer, type HttpTransport } from "./transport.ts";

export type { Fetch };

/** What a vendor's error body said, for the adapter's own mapping. */
export interface VendorFailure {
  status: number;
  body: unknown;
  path: string;
}

export interface ProviderHttpOptions {
  /** Provider instance id, carried by every error. */
  provider: string;
  baseUrl: string;
  /** How calls reach the vendor; without one, `fetch` (or the global fetch) carries them. */
  transport?: HttpTransport;
  fetch?: Fetch;
  /** Adds headers to every attempt, such as the trace context. */
  decorate?: (headers: Record<string, string>) => void;
  /** Deadline for one call, retries included. */
  timeoutMs: number;
  /** Retries for idempotent calls on 429, 5xx, timeouts and network errors. */
  maxRetries: number;
  retryBaseMs?: number;
  breaker?: CircuitBreaker;
  /**
   * Credentials for one attempt. `call` is the same object for every attempt of one request, so that
   * what the headers sent (a session token) can be read back by `onUnauthorized`.
   */
  headers: (call: CallNotes) => Record<string, string> | Promise<Record<string, string>>;
  /** Maps a 4xx answer to a typed error. Called only for statuses other than 401 (with a refresher), 429 and 5xx. */
  mapError: (failure: VendorFailure) => ProviderError;
  /** Renews credentials after a 401; the call is then repeated once. */
  onUnauthorized?: (call: CallNotes) => Promise<void>;
  logger?: Logger;
  /** Told of every call and retry, for the metrics. */
  observer?: ProviderCallObserver;
}

/** What one request's credentials noted (such as the token they sent), for its own 401 handling. */
export type CallNotes = { token?: string };

export interface RequestSpec<T> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** Safe to repeat: a GET, or a write the vendor deduplicates by a key we send. */
  idempotent: boolean;
  contentType?: string;
  /** Headers of this request alone, such as an idempotency key. */
  headers?: Record<string, string>;
}

/**
 * One provider's HTTP edge: a deadline over every attempt (a timer, see withDeadline), and cockatiel's
 * policies for the rest: retries only where the call is idempotent (retry, honouring Retry-After in seconds or as an HTTP date), and the
 * instance's circuit breaker around each attempt. Credentials (`headers()`, which may log in or refresh a
 * session through its own call) are resolved before an attempt enters the breaker, never inside it: a
 * half-open trial that needs a new token must not wait on itself.
 */
export class ProviderHttp {
  readonly breaker: CircuitBreaker;
  private readonly retries: RetryPolicy;
  private readonly transport: HttpTransport;
  private readonly base: string;

  constructor(private readonly options: ProviderHttpOptions) {
    this.transport = options.transport ?? fetchTransport(options.fetch ?? globalThis.fetch);
    this.base = options.baseUrl.replace(/\/?$/, "/");
    this.breaker = options.breaker ?? createCircuitBreaker();
    this.retries = retry(
      handleWhen((error) => error instanceof AttemptFailure && retryDelays.has(error)),
      {
        maxAttempts: options.maxRetries,
        backoff: { next: (context) => delayOf(context.result) },
      },
    );
  }

  /** With `nullWhen`, that mapped error (a lookup of something the vendor does not know) is answered as null. */
  request<T>(spec: RequestSpec<T> & { nullWhen: ProviderErrorCode }): Promise<T | null>;
  request<T>(spec: RequestSpec<T>): Promise<T>;
  async request<T>(spec: RequestSpec<T> & { nullWhen?: ProviderErrorCode }): Promise<T | null> {
    const started = performance.now();
    const observer = this.options.observer;
    try {
      const answer = await this.send(spec);
      observer?.call(this.options.provider, operationOf(spec), (performance.now() - started) / 1000, "ok");
      return answer;
    } catch (error) {
      const code = error instanceof ProviderError ? error.code : "UNEXPECTED";
      observer?.call(this.options.provider, operationOf(spec), (performance.now() - started) / 1000, code);
      if (spec.nullWhen && error instanceof ProviderError && error.code === spec.nullWhen) return null;
      throw error;
    }
  }

  private async send<T>(spec: RequestSpec<T>): Promise<T> {
    const { provider } = this.options;
    const deadline = Date.now() + this.options.timeoutMs;
    let body: string;
    try {
      // cockatiel gets no signal: a retry's wait is only chosen when it ends before the deadline, and
      // the attempt after it sees the aborted call and stops.
      body = await this.withDeadline((signal) =>
        spec.idempotent
          ? this.retries.execute(({ attempt }) => this.once(spec, attempt, deadline, signal))
          : this.once(spec, 0, deadline, signal),
      );
    } catch (error) {
      if (error instanceof AttemptFailure) throw this.toError(spec, error.outcome);
      if (isBrokenCircuitError(error)) {
        throw new ProviderError("PROVIDER_UNAVAILABLE", `${provider} is failing; calls are paused`, provider, {
          vendorCode: "CIRCUIT_OPEN",
        });
      }
      if (error === DEADLINE) throw this.toError(spec, { kind: "timeout" });
      throw error;
    }
    return this.parse(spec, body);
  }

  /**
   * The call's deadline over every attempt, aggressive like cockatiel's TimeoutStrategy.Aggressive: at
   * the deadline the signal aborts and the call fails at once, even if a step ignores the signal. Unlike
   * cockatiel's timeout it does not abort its controller when the call succeeds, which cost a DOMException
   * (a captured stack) per vendor call, 3% of the gateway's CPU in the lookup profile.
   */
  private withDeadline<T>(task: (signal: CallAbort) => Promise<T>): Promise<T> {
    const controller = new CallAbort();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        controller.abort();
        reject(DEADLINE);
      }, this.options.timeoutMs);
      task(controller).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** One attempt through the breaker, repeated once with fresh credentials after a 401. */
  private async once(spec: RequestSpec<unknown>, attempt: number, deadline: number, signal: CallAbort) {
    let reauthenticated = false;
    const call: CallNotes = {};
    for (;;) {
      if (signal.aborted) throw new AttemptFailure({ kind: "timeout" }, false, false);
      // Outside the breaker: a login or refresh is its own call through its own policies.
      const headers = await this.options.headers(call);
      let outcome: Extract<Outcome, { kind: "status" }>;
      try {
        const answer = await this.breaker.execute(() => this.attempt(spec, headers, signal));
        if (answer.kind === "ok") return answer.body;
        outcome = answer;
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        if (error.transient && spec.idempotent && attempt < this.options.maxRetries) {
          const retryAfter = error.outcome.kind === "status" ? error.outcome.retryAfter : null;
          const delay = retryDelayMs(attempt, retryAfter, this.options.retryBaseMs);
          if (Date.now() + delay < deadline) {
            retryDelays.set(error, delay);
            this.options.observer?.retry(this.options.provider, operationOf(spec));
          }
        }
        throw error;
      }
      if (outcome.status === 401 && this.options.onUnauthorized && !reauthenticated) {
        reauthenticated = true;
        await this.options.onUnauthorized(call);
        continue;
      }
      throw new AttemptFailure(outcome, false, false);
    }
  }

  /**
   * The HTTP exchange. Answers (2xx and 4xx other than 429) resolve, which the breaker counts as the
   * vendor working; 5xx, timeouts and network errors throw a failure that counts against it; 429 throws
   * one that is retried but does not open the circuit.
   */
  private async attempt(
    spec: RequestSpec<unknown>,
    headers: Record<string, string>,
    signal: CallAbort,
  ): Promise<Extract<Outcome, { kind: "ok" | "status" }>> {
    const url = new URL(this.base + spec.path.replace(/^\//, ""));
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const all: Record<string, string> = { accept: "application/json", ...headers, ...spec.headers };
    if (spec.body !== undefined) all["content-type"] = spec.contentType ?? "application/json";
    this.options.decorate?.(all);
    let res: HttpAnswer;
    try {
      res = await this.transport({
        method: spec.method,
        url: url.href,
        headers: all,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
      });
    } catch (error) {
      throw signal.aborted
        ? new AttemptFailure({ kind: "timeout" }, true, true)
        : new AttemptFailure({ kind: "network", detail: String(error) }, true, true);
    }
    const text = res.text;
    if (res.status >= 200 && res.status < 300) return { kind: "ok", body: text };
    const outcome = {
      kind: "status" as const,
      status: res.status,
      body: safeJson(text),
      retryAfter: res.header("retry-after"),
    };
    if (res.status === 429) throw new AttemptFailure(outcome, true, false);
    if (res.status >= 500) throw new AttemptFailure(outcome, true, true);
    return outcome;
  }

  private parse<T>(spec: RequestSpec<T>, text: string): T {
    const raw = text.length === 0 ? undefined : safeJson(text);
    const parsed = spec.schema.safeParse(raw === MALFORMED ? Symbol("malformed") : raw);
    if (parsed.success) return parsed.data;
    this.options.logger?.warn("provider answer failed validation", {
      provider: this.options.provider,
      path: spec.path,
      issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`),
    });
    throw new ProviderError(
      "PROVIDER_UNAVAILABLE",
      `${this.options.provider} sent an answer the gateway cannot read`,
      this.options.provider,
      { vendorCode: "BAD_RESPONSE", uncertain: spec.method !== "GET" },
    );
  }

  private toError(spec: RequestSpec<unknown>, outcome: Exclude<Outcome, { kind: "ok" }>): ProviderError {
    const { provider, logger } = this.options;
    const write = spec.method !== "GET";
    logger?.warn("provider call failed", {
      provider,
      path: spec.path,
      outcome: outcome.kind,
      status: outcome.kind === "status" ? outcome.status : undefined,
    });
    if (outcome.kind === "timeout") {
      return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} did not answer in time`, provider, {
        vendorCode: "TIMEOUT",
        uncertain: write,
      });
    }
    if (outcome.kind === "network") {
      return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} could not be reached`, provider, {
        vendorCode: "NETWORK",
        uncertain: write,
      });
    }
    if (outcome.status === 429) {
      const wait = retryAfterMs(outcome.retryAfter);
      const seconds = wait === null ? null : Math.ceil(wait / 1000) || null;
      return new ProviderError("RATE_LIMITED", `${provider} is rate limiting the gateway`, provider, {
        vendorCode: "429",
        retryAfterSeconds: seconds,
      });
    }
    if (outcome.status >= 500) {
      return new ProviderError("PROVIDER_UNAVAILABLE", `${provider} failed (HTTP ${outcome.status})`, provider, {
        vendorCode: String(outcome.status),
        uncertain: write,
      });
    }
    return this.options.mapError({ status: outcome.status, body: outcome.body, path: spec.path });
  }
}

type Outcome =
  | { kind: "ok"; body: string }
  | { kind: "status"; status: number; body: unknown; retryAfter: string | null }
  | { kind: "timeout" }
  | { kind: "network"; detail: string };

const MALFORMED = Symbol("malformed");
/** What a call that outlived its deadline rejects with. */
/** The deadline's own rejection, told apart by identity. */
const DEADLINE = new Error("deadline");

function safeJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED;
  }
}

/** The wait chosen for a failure that may be retried; a failure without one is not retried. */
const retryDelays = new WeakMap<AttemptFailure, number>();

function delayOf(result: FailureReason<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
  const error = "error" in result ? result.error : null;
  const duration = error instanceof AttemptFailure ? (retryDelays.get(error) ?? 0) : 0;
  return { duration, next: (context) => delayOf(context.result) };
}

/** The call's route for metrics: ids, phones and tokens in the path become `:id`, so labels stay few. */
function operationOf(spec: { method: string; path: string }): string {
  const path = spec.path
    .split("/")
    .map((part) =>
      /^\+?\d{3,}$|^[0-9a-f-]{16,}$/i.test(part) || (part.length >= 12 && /\d/.test(part)) ? ":id" : part,
    )
    .join("/");
  return `${spec.method} ${path}`;
}
