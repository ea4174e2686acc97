import { describe, expect, it } from "vitest";
import { toAccount, toCalculation } from "./mapper.ts";

const client = {
  id_client: "cl-1",
  name: "Анна",
  phone: "+79001234567",
  balance: 400,
  earn_percent: 1.005,
  redeem_limit_percent: 0.145,
  accruals_blocked: false,
  redemptions_blocked: false,
};

describe("integrations mapper: vendor numbers read exactly from their text", () => {
  it("reads percents into basis points digit by digit (1.005 % is 101 bp, not Math.round(100.49999…))", () => {
    const account = toAccount(client, null);
    expect(account.earnRateBp).toBe(101);
    expect(account.maxRedeemRateBp).toBe(15);
    expect(toAccount({ ...client, balance: 10.99 }, null).balance).toBe(10);
  });

  it("reads positions' prices into minor units exactly", () => {
    const calc = toCalculation(
      {
        customer: { phone: "79001234567" },
        currency: "RUB",
        redeemPoints: 0,
        lines: [{ lineId: "1", productId: "p", quantity: 3, unitPrice: 100 }],
      },
      {
        status: "ok",
        positions: [{ id_product: "p", qty: 3, price: 0.145, actions: ["a"], actions_names: ["Акция"] }],
        info: [],
      },
      { status: "ok", max_pay_bonus: 0, bonus_value: 2.9999, final_payable: 0 },
    );
    // 3 × 0.145 rubles is 45 kopecks (0.15 read half up, times 3); floats would make it 42 (14 × 3).
    expect(calc.lines[0]!.discount).toBe(300 - 45);
    expect(calc.pointsEarned).toBe(2);
  });
});
