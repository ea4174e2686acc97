import { describe, expect, it } from "vitest";
import { AccessError } from "../domain/errors.ts";
import { InitDataVerifier, signInitData } from "./telegram-init-data.ts";

const TOKEN = "123456:test-token";
const NOW = 1_800_000_000;
const user = JSON.stringify({ id: 42, first_name: "Anna", username: "anna" });

describe("InitDataVerifier", () => {
  const verifier = new InitDataVerifier(TOKEN, 3600, 100, () => NOW);

  it("accepts initData signed with the bot token", () => {
    const initData = signInitData({ query_id: "q1", user, auth_date: String(NOW - 10) }, TOKEN);
    expect(verifier.verify(initData).user).toEqual({ id: "42", firstName: "Anna", username: "anna" });
  });

  it("rejects a forged signature, another bot's token, a stale date and a missing hash", () => {
    const good = signInitData({ user, auth_date: String(NOW - 10) }, TOKEN);
    const forged = good.replace("anna", "mallory");
    const otherBot = signInitData({ user, auth_date: String(NOW - 10) }, "999:other");
    const stale = signInitData({ user, auth_date: String(NOW - 7200) }, TOKEN);
    for (const bad of [forged, otherBot, stale, `user=${encodeURIComponent(user)}&auth_date=${NOW}`, ""]) {
      expect(() => verifier.verify(bad)).toThrow(AccessError);
    }
  });

  it("serves a repeated initData from its cache until it expires", () => {
    let now = NOW;
    const v = new InitDataVerifier(TOKEN, 60, 100, () => now);
    const initData = signInitData({ user, auth_date: String(NOW) }, TOKEN);
    expect(v.verify(initData).expiresAt).toBe(NOW + 60);
    now = NOW + 61;
    expect(() => v.verify(initData)).toThrow(/expired/);
  });
});
