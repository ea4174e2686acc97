import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

describe("createLogger", () => {
  it("gives a child's child both sets of fields, made when it first writes", () => {
    const lines: string[] = [];
    const root = createLogger("info", { service: "gw" }, (l) => lines.push(l));
    const request = root.child({ requestId: "r1" });
    const call = request.child({ provider: "bp" });
    root.child({ unused: true });
    call.info("one");
    call.info("two");
    request.info("three");
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ msg: "one", service: "gw", requestId: "r1", provider: "bp" }),
      expect.objectContaining({ msg: "two", requestId: "r1", provider: "bp" }),
      expect.objectContaining({ msg: "three", requestId: "r1" }),
    ]);
    expect(JSON.parse(lines[2]!)).not.toHaveProperty("provider");
  });

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

  it("serialises Errors nested in arrays and objects, in fields and in a child's own fields", () => {
    const lines: string[] = [];
    const log = createLogger("info", {}, (l) => lines.push(l)).child({ cause: { err: new Error("inner") } });
    log.info("plain", { ms: 1.5, path: "/graphql" });
    log.error("many", { errors: [new Error("a"), { nested: new Error("b") }] });
    const [plain, many] = lines.map((l) => JSON.parse(l));
    expect(plain).toMatchObject({ msg: "plain", ms: 1.5, path: "/graphql", cause: { err: { message: "inner" } } });
    expect(many.errors[0]).toMatchObject({ name: "Error", message: "a" });
    expect(many.errors[1].nested).toMatchObject({ message: "b" });
  });
});
