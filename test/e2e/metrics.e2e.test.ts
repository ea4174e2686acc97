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
});
