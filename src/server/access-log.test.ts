import { describe, expect, it } from "vitest";
import { pathOf } from "./access-log.ts";

describe("pathOf", () => {
  it("keeps the path as sent and drops the query and fragment", () => {
    expect(pathOf("http://127.0.0.1:4000/graphql?query=%7B__typename%7D")).toBe("/graphql");
    expect(pathOf("https://gw.example/app/assets/index-abc.js#x")).toBe("/app/assets/index-abc.js");
    expect(pathOf("http://localhost:4000/a/%2e%2e/b?x=1")).toBe("/a/%2e%2e/b");
  });

  it("answers / for a URL without a path", () => {
    expect(pathOf("http://localhost:4000")).toBe("/");
    expect(pathOf("http://localhost:4000?x=1")).toBe("/");
  });
});
