import { describe, expect, it } from "vitest";
import { paymentSettingsSchema } from "./payments.ts";

const valid = {
  provider: {
    id: "flowers-yookassa",
    adapter: "yookassa",
    baseUrl: "https://api.yookassa.ru/v3",
    credentials: { shopId: "env:YOOKASSA_SHOP_ID", secretKey: "env:YOOKASSA_SECRET_KEY" },
  },
  mode: "PREPAY",
  capture: "AT_READY",
  returnUrl: "https://t.me/flowers_bot/app",
  notificationIps: ["185.71.76.0/27", "77.75.156.11", "2a02:5180::/32"],
  receipt: { vatCode: 1 },
};

const issues = (input: unknown) => {
  const parsed = paymentSettingsSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("payment settings", () => {
  it("reads a shop's payment settings, with the provider's defaults", () => {
    const settings = paymentSettingsSchema.parse(valid);
    expect(settings.provider).toMatchObject({ timeoutMs: 5_000, maxRetries: 2 });
    expect(settings.receipt).toEqual({ vatCode: 1, paymentSubject: "commodity", settlement: true, contact: "PHONE" });
  });

  it("names what is wrong", () => {
    expect(issues({ ...valid, mode: "LATER" })[0]).toMatch(/^mode:/);
    expect(issues({ ...valid, notificationIps: ["185.71.76.0/33"] })[0]).toMatch(/^notificationIps.0: an IP address/);
    expect(issues({ ...valid, notificationIps: ["example.com"] })).toHaveLength(1);
    expect(issues({ ...valid, provider: { ...valid.provider, adapter: "stripe" } })[0]).toMatch(
      /provider.adapter: unknown payment adapter "stripe"/,
    );
    expect(issues({ ...valid, receipt: undefined })[0]).toMatch(/^receipt: yookassa makes the 54-FZ receipts/);
    expect(
      issues({ ...valid, provider: { ...valid.provider, credentials: { secretKey: "plain-secret" } } })[0],
    ).toMatch(/provider.credentials.secretKey/);
  });
});
