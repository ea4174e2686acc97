/** A Markdown table, so that a run pastes straight into bench/README.md. */
export function table(head: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export const verdict = (met: boolean) => (met ? "met" : "**not met**");
