import { FLOW_KINDS, type FlowKind, flowKindOf, ORDER_PROCESS } from "../src/domain/order-process.ts";
import { ORDER_STATUSES, ORDER_TRANSITIONS } from "../src/domain/order-state.ts";
import { LOYALTY_MODULES } from "../src/providers/registry.ts";

/**
 * docs/order-process.md, drawn from the declarations alone (the status table, the order process and the
 * modules' declared behaviour), so the page cannot say what the code does not. A test fails when the
 * committed page differs; `npm run docs:order-process` writes it again.
 */
export async function renderOrderProcessDoc(): Promise<string> {
  const commands = Object.entries(ORDER_PROCESS);
  const edge = new Map<string, string[]>();
  for (const [name, step] of commands)
    for (const from of step.from)
      for (const to of step.to) {
        const key = `${from} --> ${to}`;
        edge.set(key, [...(edge.get(key) ?? []), name]);
      }
  const lines = ["stateDiagram-v2", "  [*] --> CALCULATED: createOrder"];
  for (const from of ORDER_STATUSES)
    for (const to of ORDER_TRANSITIONS[from].to) {
      const names = edge.get(`${from} --> ${to}`) ?? ["order system report"];
      lines.push(`  ${from} --> ${to}: ${names.join(", ")}`);
    }
  for (const end of ["CANCELLED", "REFUNDED"]) lines.push(`  ${end} --> [*]`);

  const kinds = new Map<FlowKind, string[]>(FLOW_KINDS.map((k) => [k, []]));
  for (const module of Object.values(LOYALTY_MODULES)) kinds.get(flowKindOf(module))!.push(module.id);

  const out = [
    "# The order process",
    "",
    "Drawn from `src/domain/order-process.ts`, `src/domain/order-state.ts` and the provider modules' declared",
    "behaviour by `npm run docs:order-process`; a test fails when this page and the code differ. Edit the",
    "declarations, never this page.",
    "",
    "## Statuses and the commands that move them",
    "",
    "A move no command makes is the order system's report (status sync or webhook).",
    "",
    "```mermaid",
    ...lines,
    "```",
    "",
    "## Flow kinds",
    "",
    "| flow kind | providers |",
    "|---|---|",
    ...[...kinds].map(([k, ids]) => `| \`${k}\` | ${ids.join(", ") || "none"} |`),
    "",
    "## Commands: guards, then effects in order, per flow kind",
    "",
    `| command | from | to | guards | ${FLOW_KINDS.map((k) => `\`${k}\``).join(" | ")} |`,
    `|---|---|---|---|${FLOW_KINDS.map(() => "---").join("|")}|`,
    ...commands.map(
      ([name, step]) =>
        `| \`${name}\` | ${step.from.join(", ")} | ${step.to.join(", ")} | ${step.guards.join(", ") || "none"} | ${FLOW_KINDS.map((k) => step.effects[k].join(" → ")).join(" | ")} |`,
    ),
    "",
  ];
  // As the project's formatter writes it, so that `prettier --check` and the drift test agree.
  const { format, resolveConfig } = await import("prettier");
  const options = (await resolveConfig("docs/order-process.md")) ?? {};
  return format(out.join("\n"), { ...options, parser: "markdown" });
}

// `npm run docs:order-process`
if (process.argv[1]?.endsWith("order-process-doc.ts")) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync("docs/order-process.md", await renderOrderProcessDoc());
  process.stdout.write("wrote docs/order-process.md\n");
}
