import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerByPhoneDocument } from "../../generated/graphql/graphql.ts";
import { createBonusPlusSimulator } from "../../src/simulators/bonusplus/server.ts";
import { asService, startTestGateway, type TestGateway } from "../support/test-gateway.ts";

const KEY = "tracing-test-key-00001";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: { stringValue?: string } }>;
}
interface ReceivedSpan extends OtlpSpan {
  service: string | undefined;
  scope: string;
  attribute(key: string): string | undefined;
}

/** A tiny OTLP/HTTP receiver: every span of every JSON export POSTed to /v1/traces. */
function otlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      contentTypes.push(String(req.headers["content-type"]));
      const parsed = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: OtlpSpan["attributes"] };
          scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
        }>;
      };
      for (const rs of parsed.resourceSpans) {
        const service = rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue;
        for (const ss of rs.scopeSpans)
          for (const span of ss.spans)
            spans.push({
              ...span,
              service,
              scope: ss.scope.name,
              attribute: (key) => span.attributes.find((a) => a.key === key)?.value.stringValue,
            });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  return {
    spans,
    contentTypes,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)", () => {
  const receiver = otlpReceiver();
  const bonusplus = createBonusPlusSimulator({ apiKey: "bp" });
  /** The headers of every vendor call, as the gateway sent them. */
  const vendorCalls: Array<{ url: string; traceparent: string | null; baggage: string | null }> = [];
  let t: TestGateway;
  let closed = false;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lg-tracing-")), "shops.json");
    writeFileSync(
      file,
      JSON.stringify({
        shops: [
          {
            id: "traced",
            name: "Traced shop",
            loyalty: [
              {
                id: "traced-bp",
                adapter: "bonusplus",
                baseUrl: "http://bonusplus.vendor.test/api",
                timeoutMs: 5000,
                maxRetries: 0,
                options: { store: "Main" },
                credentials: { apiKey: "env:BP_KEY" },
              },
            ],
            prices: [{ productId: "rose-15", name: "Розы", price: "3500.00" }],
          },
        ],
      }),
    );
    t = await startTestGateway(
      {
        SHOPS_CONFIG: file,
        BP_KEY: "bp",
        API_KEYS: JSON.stringify([{ name: "crm", key: KEY, scopes: ["customers:read"] }]),
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_SERVICE_NAME: "lg-tracing-test",
      },
      // The gateway's network: every vendor call is seen here, then served by the simulator in-process.
      async (input, init) => {
        const request = new Request(input, init);
        vendorCalls.push({
          url: request.url,
          traceparent: request.headers.get("traceparent"),
          baggage: request.headers.get("baggage"),
        });
        return bonusplus(request);
      },
    );
  });
  afterAll(async () => {
    if (t && !closed) await t.close();
    await receiver.close();
  });

  it("exports a span per operation and carries its trace id to the vendor; a caller's trace is continued", async () => {
    const lookup = await t.run(CustomerByPhoneDocument, { shopId: "traced", phone: "+79001234567" }, asService(KEY));
    expect(lookup.data?.customer.__typename).toBe("QueryCustomerSuccess");
    const firstCalls = vendorCalls.length;
    expect(firstCalls).toBeGreaterThan(0);

    // A caller that is already tracing: its trace id and span become the operation's parent.
    const callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const callerSpan = "00f067aa0ba902b7";
    const continued = await t.run(
      CustomerByPhoneDocument,
      { shopId: "traced", phone: "+79007654321" },
      { ...asService(KEY), traceparent: `00-${callerTrace}-${callerSpan}-01`, baggage: "user=secret" },
    );
    expect(continued.data?.customer.__typename).toBe("QueryCustomerSuccess");

    // Closing the gateway flushes the batch processor.
    await t.close();
    closed = true;
    const operations = receiver.spans.filter((s) => s.name === "query.CustomerByPhone");
    expect(operations).toHaveLength(2);
    const [first, second] = operations as [ReceivedSpan, ReceivedSpan];
    expect(receiver.contentTypes[0]).toContain("application/json");
    expect(first).toMatchObject({ service: "lg-tracing-test", kind: 2 /* SERVER */ });
    expect(first.attribute("graphql.execute.operationName")).toBe("CustomerByPhone");
    expect(first.attribute("graphql.execute.operationType")).toBe("query");
    // Variables carry the phone: never on a span.
    expect(JSON.stringify(receiver.spans)).not.toContain("79001234567");

    // Every vendor call of the first lookup: `00-<the operation's trace id>-<a span of it>-01`.
    for (const call of vendorCalls.slice(0, firstCalls))
      expect(call.traceparent).toMatch(new RegExp(`^00-${first.traceId}-${first.spanId}-01$`));
    expect(first.parentSpanId ?? "").toBe("");

    expect(second.traceId).toBe(callerTrace);
    expect(second.parentSpanId).toBe(callerSpan);
    for (const call of vendorCalls.slice(firstCalls)) {
      expect(call.traceparent).toMatch(new RegExp(`^00-${callerTrace}-${second.spanId}-01$`));
      expect(call.baggage).toBeNull(); // a caller's baggage is not forwarded to vendors
    }
  });
});
