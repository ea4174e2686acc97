import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useDemoGateway } from "../support/test-gateway.ts";

// The operations kit: Prometheus alert rules (deploy/prometheus/alerts.yml, with promtool unit tests in
// alerts.test.yml), a Grafana dashboard (deploy/grafana/loyalty-gateway.json) and docs/runbook.md.
// promtool checks the rules; this file also checks that every metric they name is one the gateway serves.

const RULES = "deploy/prometheus/alerts.yml";
const RULE_TESTS = "deploy/prometheus/alerts.test.yml";
const DASHBOARD = "deploy/grafana/loyalty-gateway.json";
const RUNBOOK = "docs/runbook.md";

/** Series Prometheus itself writes for every target, not the gateway. */
const PROMETHEUS_OWN = new Set(["up"]);
const PROMQL_WORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);

/** The metric names a PromQL expression selects (not its functions, labels, strings or keywords). */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names: string[] = [];
  for (const m of bare.matchAll(/(?<![\w.$])[a-zA-Z_:][\w:]*/g)) {
    const after = bare.slice(m.index + m[0].length).trimStart();
    if (after.startsWith("(") || PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    names.push(m[0]);
  }
  return names;
}

/** The rules file's alert names and expressions; each `expr:` is kept on one line so a line reader suffices. */
function rules(): Array<{ alert: string; expr: string; runbook: string | undefined }> {
  const text = readFileSync(RULES, "utf8");
  return text
    .split(/^\s*- alert:\s*/m)
    .slice(1)
    .map((block) => ({
      alert: block.split("\n")[0]!.trim(),
      expr: /^\s*expr:\s*(.+)$/m.exec(block)?.[1]?.trim() ?? "",
      runbook: /^\s*runbook:\s*"?([^"\n]+)"?$/m.exec(block)?.[1],
    }));
}

interface Panel {
  title?: string;
  type?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

/** Every PromQL expression of the dashboard: its panels' targets and its variables' queries. */
function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as {
    panels: Panel[];
    templating: { list: Array<{ type: string; definition?: string }> };
  };
  const exprs: string[] = [];
  const visit = (panel: Panel): void => {
    for (const target of panel.targets ?? []) if (target.expr) exprs.push(target.expr);
    for (const inner of panel.panels ?? []) visit(inner);
  };
  for (const panel of dashboard.panels) visit(panel);
  for (const variable of dashboard.templating.list) {
    const metric =
      variable.type === "query" ? /label_values\(\s*([a-zA-Z_:][\w:]*)/.exec(variable.definition ?? "") : null;
    if (metric) exprs.push(metric[1]!);
  }
  return exprs;
}

/** The series names a scrape can carry: each `# TYPE` line's name, with a histogram's and summary's suffixes. */
function servedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    if (type === "summary") for (const suffix of ["_sum", "_count"]) names.add(name + suffix);
  }
  return names;
}

function promtoolPresent(): boolean {
  return spawnSync("promtool", ["--version"], { encoding: "utf8" }).status === 0;
}
const hasPromtool = promtoolPresent();
if (!hasPromtool && process.env.CI) throw new Error("no promtool on PATH: run bash scripts/promtool.sh");

describe.skipIf(!hasPromtool)(`promtool on ${RULES} (bash scripts/promtool.sh installs Debian's prometheus)`, () => {
  it("accepts the rules, every one of them", () => {
    const run = spawnSync("promtool", ["check", "rules", RULES], { encoding: "utf8" });
    expect(run.stderr + run.stdout).toContain(`SUCCESS: ${rules().length} rules found`);
    expect(run.status).toBe(0);
  });

  it("passes the rules' unit tests: each alert fires on its series and not on the healthy ones", () => {
    const run = spawnSync("promtool", ["test", "rules", RULE_TESTS], { encoding: "utf8" });
    expect(run.stdout + run.stderr).toContain("SUCCESS");
    expect(run.status).toBe(0);
    const tested = new Set([...readFileSync(RULE_TESTS, "utf8").matchAll(/alertname:\s*(\w+)/g)].map((m) => m[1]));
    expect(rules().filter(({ alert }) => !tested.has(alert))).toEqual([]);
  });
});

describe("the metric names read from the rules and the dashboard", () => {
  it("are read from PromQL: functions, labels, grouping, ranges and numbers left out", () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (provider, le) (rate(lg_a_bucket{x=~"y|z"}[$__rate_interval]))) / 1e9 > 2 and on (provider) lg_b',
      ),
    ).toEqual(["lg_a_bucket", "lg_b"]);
    expect(metricNamesIn('max(lg_c{state="UNKNOWN"}) offset 5m > bool 0')).toEqual(["lg_c"]);
  });

  it("are found in every rule and dashboard panel", () => {
    const all = rules();
    expect(all.length).toBeGreaterThan(5);
    for (const { alert, expr } of all) expect(metricNamesIn(expr), alert).not.toEqual([]);
    const exprs = dashboardExpressions();
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) expect(metricNamesIn(expr), expr).not.toEqual([]);
  });
});

describe("a demo gateway's /metrics", () => {
  const demo = useDemoGateway();

  it("serves every metric the alert rules and the dashboard name", async () => {
    const response = await demo.t.gateway.yoga.fetch("http://gateway.test/metrics");
    expect(response.status).toBe(200);
    const served = servedNames(await response.text());
    const named = [...rules().map((rule) => rule.expr), ...dashboardExpressions()].flatMap(metricNamesIn);
    // The kit covers what issue 28 names: provider errors and latency, circuits, attention, lag, 5xx, subscriptions, ledger.
    for (const metric of [
      "lg_provider_errors_total",
      "lg_provider_call_duration_seconds_bucket",
      "lg_provider_circuit_state",
      "lg_orders_attention",
      "lg_status_sync_lag_seconds",
      "lg_http_responses_total",
      "lg_subscriptions_open",
      "lg_ledger_rows",
    ])
      expect(named).toContain(metric);
    const missing = [...new Set(named)].filter((name) => !served.has(name) && !PROMETHEUS_OWN.has(name));
    expect(missing).toEqual([]);
  });
});

describe(RUNBOOK, () => {
  it("has a section for every alert, where the alert's runbook annotation points", () => {
    const runbook = readFileSync(RUNBOOK, "utf8");
    const headings = new Set([...runbook.matchAll(/^##+\s+(.+)$/gm)].map((m) => m[1]!.trim().toLowerCase()));
    for (const { alert, runbook: link } of rules()) {
      expect(headings, alert).toContain(alert.toLowerCase());
      expect(link, alert).toBe(`${RUNBOOK}#${alert.toLowerCase()}`);
    }
  });
});
