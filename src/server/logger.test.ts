import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

describe("createLogger", () => {
  it("writes one JSON line per entry with inherited fields, and respects the level", () => {
    const lines: string[] = [];
    const log = createLogger("info", { service: "gw" }, (l) => lines.push(l)).child({ requestId: "r1" });
    log.debug("hidden");
    log.warn("shown", { err: new Error("boom") });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({
      level: "warn",
      msg: "shown",
      service: "gw",
      requestId: "r1",
      err: { message: "boom" },
    });
  });
});
