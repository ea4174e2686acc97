import { describe, expect, it } from "vitest";
import { CustomerByPhoneDocument } from "../../generated/graphql/graphql.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();

const scrape = async () => {
  const res = await gw.t.gateway.yoga.fetch("http://gateway.test/metrics");
  return { type: res.headers.get("content-type") ?? "", text: await res.text(), status: res.status };
};

/** The value of one sample line of the Prometheus text format, or 0 when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("/metrics", () => {
  it("answers in Prometheus text format, with a provider-call histogram that counts a lookup", async () => {
    const labels = { provider: "demo-bonusplus", operation: "GET customer", outcome: "ok" };
    const before = sample((await scrape()).text, "lg_provider_call_duration_seconds_count", labels);
    const res = await gw.t.run(
      CustomerByPhoneDocument,
      { shopId: "demo-bonusplus", phone: "+79001234567" },
      asService(),
    );
    expect(res.data?.customer.__typename).toBe("QueryCustomerSuccess");
    const { type, text, status } = await scrape();
    expect(status).toBe(200);
    expect(type).toContain("text/plain");
    expect(sample(text, "lg_provider_call_duration_seconds_count", labels)).toBe(before + 1);
    expect(text).toContain('lg_provider_call_duration_seconds_bucket{le="0.05"');
    expect(text).toMatch(/graphql_envelop_request_duration_count\{[^}]*operationName="CustomerByPhone"/);
    expect(text).toMatch(/lg_ledger_rows|# HELP lg_ledger_rows/);
    expect(text).toContain("# HELP lg_cache_events");
  });

  it("lets no caller grow the series: no URL label, and operation names past the bound count as other", async () => {
    const send = (url: string, body: unknown) =>
      gw.t.gateway.yoga.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...asService() },
        body: JSON.stringify(body),
      });
    for (const junk of ["a1", "b2", "c3"]) {
      const res = await send(`http://gateway.test/graphql?junk=${junk}`, { query: "query Junk { __typename }" });
      expect(res.status).toBe(200);
    }
    // Every operation name a caller makes up is a new series, up to the bound; then they count as other.
    for (let i = 0; i <= 200; i++)
      await send("http://gateway.test/graphql", { query: `query Made${i} { __typename }` });
    const { text } = await scrape();
    expect(text).not.toContain("junk=");
    expect(text).not.toMatch(/\burl="/);
    expect(sample(text, "graphql_envelop_request", { operationName: "Junk" })).toBeGreaterThanOrEqual(3);
    const names = new Set(
      text
        .split("\n")
        .filter((l) => l.startsWith("graphql_envelop_request{"))
        .map((l) => /operationName="([^"]*)"/.exec(l)![1]),
    );
    expect(names.has("other")).toBe(true);
    expect(names.size).toBeLessThanOrEqual(201); // 200 names and other
    expect(names.has("Made200")).toBe(false);
  });

  it("counts every HTTP answer by status, refusals before the parser included", async () => {
    const before = sample((await scrape()).text, "lg_http_responses_total", { status: "415" });
    const res = await gw.t.gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: { "content-type": "text/html", ...asService() },
      body: "<p>",
    });
    expect(res.status).toBe(415);
    const { text } = await scrape();
    expect(sample(text, "lg_http_responses_total", { status: "415" })).toBe(before + 1);
    expect(sample(text, "lg_http_responses_total", { status: "200" })).toBeGreaterThan(0);
  });

  it("counts a provider's failure by the gateway's code", async () => {
    gw.t.gateway.simulators!.bonusplus.handler.faults.add({
      kind: "status",
      status: 503,
      path: "/api/customer",
      times: 5,
    });
    await gw.t.run(CustomerByPhoneDocument, { shopId: "demo-bonusplus", phone: "+79001234567" }, asService());
    gw.t.gateway.simulators!.bonusplus.handler.faults.clear();
    const { text } = await scrape();
    expect(
      sample(text, "lg_provider_errors_total", { provider: "demo-bonusplus", code: "PROVIDER_UNAVAILABLE" }),
    ).toBeGreaterThan(0);
  });

  it("shows each instance's circuit: 0 closed, then 2 once failures open it", async () => {
    const provider = { provider: "demo-loyalclient" };
    expect((await scrape()).text).toMatch(/^lg_provider_circuit_state\{provider="demo-loyalclient"\} 0$/m);
    // 3 attempts per lookup (maxRetries 2): the second lookup's fifth failure in a row opens the circuit.
    gw.t.gateway.simulators!.loyalclient.handler.faults.add({ kind: "status", status: 503, times: 20 });
    for (let i = 0; i < 4 && sample((await scrape()).text, "lg_provider_circuit_state", provider) !== 2; i++)
      await gw.t.run(CustomerByPhoneDocument, { shopId: "demo-loyalclient", phone: "+79001234567" }, asService());
    gw.t.gateway.simulators!.loyalclient.handler.faults.clear();
    const { text } = await scrape();
    expect(sample(text, "lg_provider_circuit_state", provider)).toBe(2);
    expect(sample(text, "lg_provider_circuit_state", { provider: "demo-bonusplus" })).toBe(0);
    expect(text).toContain("# HELP lg_provider_circuit_state Circuit breaker of each provider instance: 0 closed");
  });

  it("counts an open SSE subscription until its stream closes", async () => {
    const open = () => sample(text, "lg_subscriptions_open", { transport: "sse" });
    let { text } = await scrape();
    expect(open()).toBe(0);
    const res = await gw.t.post(
      `subscription P($s: ID!) { productSyncProgress(shopId: $s) { __typename } }`,
      { s: "demo-bonusplus" },
      { ...asService(), accept: "text/event-stream" },
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the first chunk (a ping): the stream is open
    ({ text } = await scrape());
    expect(open()).toBe(1);
    await reader.cancel();
    for (let i = 0; i < 20 && open() !== 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      ({ text } = await scrape());
    }
    expect(open()).toBe(0);
    expect(sample(text, "lg_subscriptions_open", { transport: "websocket" })).toBe(0);
  });
});
