import type { z } from "zod";
import { ProviderError, type ProviderErrorCode } from "../../domain/errors.ts";
import type { Logger } from "../../domain/ports/logger.port.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { retryDelayMs } from "./retry-delay.ts";

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

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
  fetch: Fetch;
  /** Deadline for one call, retries included. */
  timeoutMs: number;
  /** Retries for idempotent calls on 429, 5xx, timeouts and network errors. */
  maxRetries: number;
  retryBaseMs?: number;
  breaker?: CircuitBreaker;
  headers: () => Record<string, string> | Promise<Record<string, string>>;
  /** Maps a 4xx answer to a typed error. Called only for statuses other than 401 (with a refresher), 429 and 5xx. */
  mapError: (failure: VendorFailure) => ProviderError;
  /** Renews credentials after a 401; the call is then repeated once. */
  onUnauthorized?: () => Promise<void>;
  logger?: Logger;
}

export interface RequestSpec<T> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: z.ZodType<T>;
  /** Safe to repeat: a GET, or a write the vendor deduplicates by a key we send. */
  idempotent: boolean;
  contentType?: string;
}

/** One provider's HTTP edge: deadline, retries only where idempotent, circuit breaker, zod-checked answers. */
export class ProviderHttp {
  readonly breaker: CircuitBreaker;

  constructor(private readonly options: ProviderHttpOptions) {
    this.breaker = options.breaker ?? new CircuitBreaker(5, 10_000);
  }

  /** With `nullWhen`, that mapped error (a lookup of something the vendor does not know) is answered as null. */
  request<T>(spec: RequestSpec<T> & { nullWhen: ProviderErrorCode }): Promise<T | null>;
  request<T>(spec: RequestSpec<T>): Promise<T>;
  async request<T>(spec: RequestSpec<T> & { nullWhen?: ProviderErrorCode }): Promise<T | null> {
    if (!spec.nullWhen) return this.send(spec);
    try {
      return await this.send(spec);
    } catch (error) {
      if (error instanceof ProviderError && error.code === spec.nullWhen) return null;
      throw error;
    }
  }

  private async send<T>(spec: RequestSpec<T>): Promise<T> {
    const { provider, timeoutMs, maxRetries } = this.options;
    if (!this.breaker.tryAcquire()) {
      throw new ProviderError(
        "PROVIDER_UNAVAILABLE",
        `${provider} is failing; calls are paused`,
        provider,
        "CIRCUIT_OPEN",
      );
    }
    const deadline = Date.now() + timeoutMs;
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - Date.now();
      const outcome = remaining > 0 ? await this.attempt(spec, remaining) : timeoutOutcome();
      if (outcome.kind === "ok") {
        this.breaker.onSuccess();
        return this.parse(spec, outcome.body);
      }
      if (outcome.kind === "status" && outcome.status === 401 && this.options.onUnauthorized && !reauthenticated) {
        reauthenticated = true;
        await this.options.onUnauthorized();
        continue;
      }
      const transient = outcome.kind !== "status" || outcome.status === 429 || outcome.status >= 500;
      if (outcome.kind !== "status" || outcome.status >= 500) this.breaker.onFailure();
      else this.breaker.onSuccess();
      const delay =
        transient && spec.idempotent && attempt < maxRetries
          ? retryDelayMs(attempt, outcome.kind === "status" ? outcome.retryAfter : null, this.options.retryBaseMs)
          : null;
      if (delay !== null && Date.now() + delay < deadline) {
        await sleep(delay);
        continue;
      }
      throw this.toError(spec, outcome);
    }
  }

  private async attempt(spec: RequestSpec<unknown>, budgetMs: number): Promise<Outcome> {
    const url = new URL(this.options.baseUrl.replace(/\/?$/, "/") + spec.path.replace(/^\//, ""));
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: "application/json", ...(await this.options.headers()) };
    if (spec.body !== undefined) headers["content-type"] = spec.contentType ?? "application/json";
    // A plain controller and timer: AbortSignal.timeout builds a DOMException per call, which shows in profiles.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), budgetMs);
    try {
      const res = await this.options.fetch(url, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal: controller.signal,
      });
      const text = await res.text();
      if (res.ok) return { kind: "ok", body: text };
      return { kind: "status", status: res.status, body: safeJson(text), retryAfter: res.headers.get("retry-after") };
    } catch (error) {
      return controller.signal.aborted ? timeoutOutcome() : { kind: "network", detail: String(error) };
    } finally {
      clearTimeout(timer);
    }
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
      "BAD_RESPONSE",
      null,
      spec.method !== "GET",
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
      return new ProviderError(
        "PROVIDER_UNAVAILABLE",
        `${provider} did not answer in time`,
        provider,
        "TIMEOUT",
        null,
        write,
      );
    }
    if (outcome.kind === "network") {
      return new ProviderError(
        "PROVIDER_UNAVAILABLE",
        `${provider} could not be reached`,
        provider,
        "NETWORK",
        null,
        write,
      );
    }
    if (outcome.status === 429) {
      const seconds = outcome.retryAfter ? Math.max(0, Math.ceil(Number(outcome.retryAfter))) || null : null;
      return new ProviderError("RATE_LIMITED", `${provider} is rate limiting the gateway`, provider, "429", seconds);
    }
    if (outcome.status >= 500) {
      return new ProviderError(
        "PROVIDER_UNAVAILABLE",
        `${provider} failed (HTTP ${outcome.status})`,
        provider,
        String(outcome.status),
        null,
        write,
      );
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

function safeJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED;
  }
}

function timeoutOutcome(): Outcome {
  return { kind: "timeout" };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
