import { LEDGER_STATES } from "../domain/ledger-entry.ts";
import { ATTENTION_REASONS } from "../domain/order-attention.ts";
import {
  createCounter,
  createHistogram,
  type FillLabelsFnParams,
  usePrometheus,
} from "@graphql-yoga/plugin-prometheus";
import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CircuitStateName, ProviderCallObserver, SecurityObserver } from "../domain/ports/metrics.port.ts";
import { errorPathLabel, operationNameLabel } from "./metric-labels.ts";

/** Distinct operation names and error paths kept as label values; later ones count as `other`. */
const MAX_OPERATION_NAMES = 200;
const MAX_ERROR_PATHS = 200;

/** `lg_provider_circuit_state`: 0 closed, 1 half-open (one trial call let through), 2 open (or isolated). */
const CIRCUIT_VALUE: Record<CircuitStateName, number> = { closed: 0, "half-open": 1, open: 2, isolated: 2 };

export interface GatewayMetrics {
  registry: Registry;
  /** Handed to every provider's HTTP edge. */
  observer: ProviderCallObserver;
  /** Handed to the domain for what should alert a person. */
  security: SecurityObserver;
  /** `/metrics` in Prometheus text format, GraphQL operation counts and latencies, and open subscriptions. */
  plugin(): Plugin;
  /** Figures read at scrape time. */
  watch(sources: {
    cache?: () => Record<string, number>;
    ledger?: () => Promise<Record<string, number>>;
    attention?: () => Promise<Array<{ reason: string; count: number }>>;
    statusLag?: () => Array<{ provider: string; seconds: number }>;
  }): void;
}

/** One registry per process: provider calls, retries, errors by gateway code, cache and ledger figures. */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "lg_" });
  const calls = new Histogram({
    name: "lg_provider_call_duration_seconds",
    help: "Provider calls, retries included, by provider instance, route and outcome (ok or the gateway code)",
    labelNames: ["provider", "operation", "outcome"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: "lg_provider_errors_total",
    help: "Provider calls that failed, by gateway error code",
    labelNames: ["provider", "code"],
    registers: [registry],
  });
  const retries = new Counter({
    name: "lg_provider_retries_total",
    help: "Retries of idempotent provider calls",
    labelNames: ["provider", "operation"],
    registers: [registry],
  });
  // An instance may have several breakers under one id (Posiflora as loyalty and as order system): the worst one shows.
  const breakers = new Map<string, Array<() => CircuitStateName>>();
  new Gauge({
    name: "lg_provider_circuit_state",
    help: "Circuit breaker of each provider instance: 0 closed, 1 half-open, 2 open",
    labelNames: ["provider"],
    registers: [registry],
    collect() {
      for (const [provider, states] of breakers)
        this.set({ provider }, Math.max(...states.map((state) => CIRCUIT_VALUE[state()])));
    },
  });
  const subscriptions = new Gauge({
    name: "lg_subscriptions_open",
    help: "Open GraphQL subscriptions on this instance, by transport (sse, multipart, websocket)",
    labelNames: ["transport"],
    registers: [registry],
  });
  for (const transport of ["sse", "websocket"]) subscriptions.set({ transport }, 0);
  const contested = new Counter({
    name: "lg_phone_code_contested_total",
    help: "Codes sent to a phone while another Mini App user's code for it was live: someone may be guessing",
    labelNames: ["shop"],
    registers: [registry],
  });
  const security: SecurityObserver = { phoneCodeContested: (shop) => contested.inc({ shop }) };
  const observer: ProviderCallObserver = {
    call(provider, operation, seconds, outcome) {
      calls.observe({ provider, operation, outcome }, seconds);
      if (outcome !== "ok") errors.inc({ provider, code: outcome });
    },
    retry(provider, operation) {
      retries.inc({ provider, operation });
    },
    breaker(provider, state) {
      const states = breakers.get(provider);
      if (states) states.push(state);
      else breakers.set(provider, [state]);
    },
  };
  /** Counts a subscription from its stream's start to its end, however it ends; a refused one is never counted. */
  const subscriptionGauge: Plugin = {
    onSubscribe({ args }) {
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          const transport = transportOf((args.contextValue as { request?: Request }).request);
          subscriptions.inc({ transport });
          let open = true;
          return {
            onEnd() {
              if (!open) return;
              open = false;
              subscriptions.dec({ transport });
            },
          };
        },
      };
    },
  };
  // Caller-chosen label values are bounded (metric-labels.ts): operation names and error paths.
  const operationName = operationNameLabel(MAX_OPERATION_NAMES);
  const errorPath = errorPathLabel(MAX_ERROR_PATHS);
  const operation = (params: FillLabelsFnParams) => ({
    operationName: operationName(params.operationName),
    operationType: params.operationType ?? "unknown",
  });
  const prometheus = () =>
    usePrometheus({
      registry,
      endpoint: "/metrics",
      metrics: {
        graphql_envelop_request: createCounter({
          registry,
          counter: {
            name: "graphql_envelop_request",
            help: "GraphQL operations executed",
            labelNames: ["operationName", "operationType"],
          },
          fillLabelsFn: operation,
        }),
        graphql_envelop_request_duration: createHistogram({
          registry,
          histogram: {
            name: "graphql_envelop_request_duration",
            help: "Time spent on running the GraphQL operation from parse to execute",
            labelNames: ["operationName", "operationType"],
          },
          fillLabelsFn: operation,
        }),
        graphql_envelop_error_result: createCounter({
          registry,
          counter: {
            name: "graphql_envelop_error_result",
            help: "Operations that answered with errors, by phase and error path",
            labelNames: ["operationName", "operationType", "phase", "path"],
          },
          fillLabelsFn: (params) => ({
            ...operation(params),
            phase: params.errorPhase ?? "unknown",
            path: errorPath(params.error?.path),
          }),
        }),
        // Off: it labels every series with the request's whole URL, which a caller varies at will; it sees
        // only requests that reached the parser (none of the 4xx refusals) and repeats request_duration for
        // those. With it the metrics code was 5.2% of the lookup's CPU profile, without it 2.9%.
        // lg_http_responses_total counts every answer by status instead.
        graphql_yoga_http_duration: false,
        // The execute phase alone repeats request_duration at a cost on every operation.
        graphql_envelop_phase_execute: false,
        graphql_envelop_deprecated_field: false,
        graphql_envelop_request_time_summary: false,
        graphql_envelop_phase_parse: false,
        graphql_envelop_phase_validate: false,
        graphql_envelop_phase_context: false,
        graphql_envelop_phase_subscribe: false,
        graphql_envelop_schema_change: false,
      },
    });
  const responses = new Counter({
    name: "lg_http_responses_total",
    help: "HTTP answers by status, refusals before the GraphQL parser (400, 413, 429) included",
    labelNames: ["status"],
    registers: [registry],
  });
  const byStatus = new Map<number, { inc(): void }>();
  const httpResponses: Plugin = {
    onResponse({ response }) {
      let counter = byStatus.get(response.status);
      if (!counter) byStatus.set(response.status, (counter = responses.labels(String(response.status))));
      counter.inc();
    },
  };
  return {
    registry,
    observer,
    security,
    plugin: () => ({
      onPluginInit({ addPlugin }) {
        addPlugin(prometheus());
        addPlugin(subscriptionGauge);
        addPlugin(httpResponses);
      },
    }),
    watch({ cache, ledger, attention, statusLag }) {
      if (attention) {
        new Gauge({
          name: "lg_orders_attention",
          help: "Open attention records by reason: orders a person must look at (ordersNeedingAttention)",
          labelNames: ["reason"],
          registers: [registry],
          async collect() {
            this.reset();
            for (const reason of ATTENTION_REASONS) this.set({ reason }, 0);
            for (const { reason, count } of await attention()) this.set({ reason }, count);
          },
        });
      }
      if (statusLag) {
        new Gauge({
          name: "lg_status_sync_lag_seconds",
          help: "Seconds an order system's statuses may be behind: since the start of its last complete poll",
          labelNames: ["provider"],
          registers: [registry],
          collect() {
            for (const { provider, seconds } of statusLag()) this.set({ provider }, seconds);
          },
        });
      }
      if (cache) {
        new Gauge({
          name: "lg_cache_events",
          help: "Catalog cache hits, stale hits, misses, loads and stale-on-error answers since start",
          labelNames: ["event"],
          registers: [registry],
          collect() {
            for (const [event, n] of Object.entries(cache())) this.set({ event }, n);
          },
        });
      }
      if (ledger) {
        new Gauge({
          name: "lg_ledger_rows",
          help: "Loyalty ledger rows by state (UNKNOWN rows wait for recovery, NEEDS_ATTENTION rows for a person)",
          labelNames: ["state"],
          registers: [registry],
          // Every state is present, at 0 when no row has it: a state whose last row moved on reads 0, not its old count.
          async collect() {
            const counts = await ledger();
            this.reset();
            for (const state of LEDGER_STATES) this.set({ state }, 0);
            for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
          },
        });
      }
    },
  };
}

/** SSE and multipart come over HTTP with their Accept header; graphql-ws builds its requests without one. */
function transportOf(request: Request | undefined): string {
  const accept = request?.headers.get("accept");
  if (!accept) return "websocket";
  if (accept.includes("text/event-stream")) return "sse";
  if (accept.includes("multipart/mixed")) return "multipart";
  return "http";
}
