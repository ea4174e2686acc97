import type { Plugin } from "graphql-yoga";
import type { Env } from "../config/env.ts";
import type { Logger } from "./logger.ts";

/** OpenTelemetry tracing while it is on: the Yoga plugins, the vendor-call headers, and the flush at close. */
export interface Tracing {
  /** Continue a caller's `traceparent`, and one SERVER span per GraphQL operation (`@envelop/opentelemetry`). */
  plugins: Plugin[];
  /** ProviderDeps.decorate: the active trace context as `traceparent`/`tracestate` on every vendor call. */
  decorate(headers: Record<string, string>): void;
  /** Ends the export: spans still buffered are sent, then the global OpenTelemetry API is reset. */
  shutdown(): Promise<void>;
}

export type TracingEnv = Pick<
  Env,
  | "OTEL_EXPORTER_OTLP_ENDPOINT"
  | "OTEL_EXPORTER_OTLP_HEADERS"
  | "OTEL_SERVICE_NAME"
  | "OTEL_TRACES_SAMPLER_RATIO"
  | "OTEL_TRACE_RESOLVERS"
>;

let running = false;

/**
 * Starts tracing when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and answers null otherwise. Off, nothing of
 * OpenTelemetry is loaded: no context manager, so no AsyncLocalStorage on the hot path. On, a
 * NodeTracerProvider exports in batches over OTLP/HTTP (JSON) to `<endpoint>/v1/traces`, and registers
 * the W3C trace-context propagator and the AsyncLocalStorage context manager that carries a request's
 * span from its resolvers to the vendor calls. Once per process: the API's globals are process-wide.
 */
export async function startTracing(env: TracingEnv, logger: Logger): Promise<Tracing | null> {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return null;
  if (running) throw new Error("OpenTelemetry tracing is already started in this process");
  running = true;
  const [api, { NodeTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler }] =
    await Promise.all([import("@opentelemetry/api"), import("@opentelemetry/sdk-trace-node")]);
  const [
    { OTLPTraceExporter },
    { Resource },
    { W3CTraceContextPropagator },
    { useOpenTelemetry, setCurrentOtelContext },
  ] = await Promise.all([
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/core"),
    import("@envelop/opentelemetry"),
  ]);

  const exporter = new OTLPTraceExporter({
    url: `${endpoint.replace(/\/+$/, "")}/v1/traces`,
    headers: env.OTEL_EXPORTER_OTLP_HEADERS,
  });
  const provider = new NodeTracerProvider({
    resource: new Resource({ "service.name": env.OTEL_SERVICE_NAME }),
    // A caller's sampling decision is kept; new traces are sampled at the ratio.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(env.OTEL_TRACES_SAMPLER_RATIO) }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  // Trace context only: W3C baggage from a caller is not forwarded to the vendors.
  const propagator = new W3CTraceContextPropagator();
  provider.register({ propagator });
  logger.info("OpenTelemetry tracing on", {
    endpoint,
    serviceName: env.OTEL_SERVICE_NAME,
    ratio: env.OTEL_TRACES_SAMPLER_RATIO,
  });

  const headerGetter = {
    get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
    keys: (headers: Headers) => [...headers.keys()],
  };
  /** A caller's `traceparent` becomes the parent of the operation's span (set before @envelop/opentelemetry reads it). */
  const continueCallerTrace = (contextValue: unknown) => {
    const request = (contextValue as { request?: Request } | undefined)?.request;
    if (!request?.headers.has("traceparent")) return;
    setCurrentOtelContext(contextValue, api.propagation.extract(api.ROOT_CONTEXT, request.headers, headerGetter));
  };
  const incoming: Plugin = {
    onExecute: ({ args }) => continueCallerTrace(args.contextValue),
    onSubscribe: ({ args }) => continueCallerTrace(args.contextValue),
  };

  return {
    plugins: [
      incoming,
      useOpenTelemetry(
        {
          // Variables and results carry phones, names and balances; a document is kept only when it has no
          // inline arguments (the plugin's own rule). Resolver spans carry their arguments, so they are opt-in.
          variables: false,
          result: false,
          resolvers: env.OTEL_TRACE_RESOLVERS,
          defaultResolvers: false,
        },
        provider,
        api.SpanKind.SERVER,
        {},
        "loyalty-gateway",
      ) as Plugin,
    ],
    decorate(headers) {
      api.propagation.inject(api.context.active(), headers);
    },
    async shutdown() {
      try {
        await provider.shutdown();
      } finally {
        api.trace.disable();
        api.propagation.disable();
        api.context.disable();
        running = false;
      }
    },
  };
}
