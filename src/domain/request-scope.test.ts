import { describe, expect, it } from "vitest";
import { createRequestScope } from "./request-scope.ts";

describe("createRequestScope", () => {
  it("makes each part once, when first asked for, and never shares it with another scope", () => {
    const viewer = { kind: "anonymous" } as const;
    const a = createRequestScope(viewer);
    const b = createRequestScope(viewer);
    expect(a.viewer).toBe(viewer);
    expect(a.accounts).toBe(a.accounts);
    expect(a.viewerLinks).toBe(a.viewerLinks);
    expect(a.memo).toBe(a.memo);
    expect(a.accounts).not.toBe(b.accounts);
    expect(a.viewerLinks).not.toBe(b.viewerLinks);
    expect(a.memo).not.toBe(b.memo);
    a.memo.set("k", Promise.resolve(1));
    expect(b.memo.has("k")).toBe(false);
  });
});
