import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook } from "./webhook-signature.ts";

describe("webhook signatures", () => {
  const body = JSON.stringify({ id: "e1" });
  it("accepts a fresh, correctly signed body", () => {
    expect(
      verifyWebhook("s", { signature: signWebhook("s", 1000, body), timestamp: "1000" }, body, 300, 1100),
    ).toBeNull();
  });
  it("rejects another secret, a changed body, a stale timestamp and missing headers", () => {
    const sig = signWebhook("s", 1000, body);
    expect(verifyWebhook("other", { signature: sig, timestamp: "1000" }, body, 300, 1000)).toMatch(/does not match/);
    expect(verifyWebhook("s", { signature: sig, timestamp: "1000" }, `${body} `, 300, 1000)).toMatch(/does not match/);
    expect(verifyWebhook("s", { signature: sig, timestamp: "1000" }, body, 300, 1400)).toMatch(/replay window/);
    expect(verifyWebhook("s", { signature: null, timestamp: null }, body, 300, 1000)).toMatch(/missing/);
  });
});
