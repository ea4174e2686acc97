import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderOrderProcessDoc } from "../../scripts/order-process-doc.ts";

describe("docs/order-process.md", () => {
  it("is what the declarations draw (npm run docs:order-process writes it again)", async () => {
    expect(readFileSync("docs/order-process.md", "utf8")).toBe(await renderOrderProcessDoc());
  });
});
