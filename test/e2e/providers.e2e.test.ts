import { describe, expect, it } from "vitest";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import {
  CalculateCartDocument,
  CustomerByPhoneDocument,
  CustomerByQrTokenDocument,
  ShopsDocument,
} from "../../generated/graphql/graphql.ts";
import { DEMO_PHONES, DEMO_QR_TOKENS, DEMO_SHOPS } from "../../src/config/demo.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();
const demo = DEMO_SHOPS.shops.map((s) => ({ shopId: s.id, adapter: s.loyalty[0]!.adapter }));

describe("every provider through the same GraphQL API (demo mode)", () => {
  it("lists a demo shop per built adapter, with declared capabilities", async () => {
    const res = await gw.t.run(ShopsDocument, {}, {});
    expect([...new Set(res.data?.shops.map((s) => s.loyaltyProviders[0]!.adapter))].sort()).toEqual(
      demo.map((d) => d.adapter).sort(),
    );
    for (const shop of res.data!.shops)
      expect(shop.loyaltyProviders[0]!.capabilities.calculation).toMatch(/LINES|CHEQUE|NONE/);
  });

  it.each(demo)("$adapter answers a customer query with a balance", async ({ shopId, adapter }) => {
    const phone = DEMO_PHONES[adapter as keyof typeof DEMO_PHONES].regular;
    const token = DEMO_QR_TOKENS[adapter as keyof typeof DEMO_QR_TOKENS]?.regular;
    const res = token
      ? await gw.t
          .run(CustomerByQrTokenDocument, { shopId, token }, asService())
          .then((r) => ({ ...r, data: r.data && { customer: r.data.customerByQrToken } }))
      : await gw.t.run(CustomerByPhoneDocument, { shopId, phone }, asService());
    const customer = res.data?.customer;
    if (!customer || !("data" in customer)) throw new Error(JSON.stringify(res));
    expect(customer.data.phone).toBe(phone.replace("+", ""));
    const [account] = customer.data.loyalty;
    expect(account?.__typename).toBe("LoyaltyAccount");
    if (account?.__typename === "LoyaltyAccount") {
      expect(account.provider.adapter).toBe(adapter);
      expect(account.balance).toBeGreaterThan(0);
    }
  });

  it("says UNSUPPORTED_BY_PROVIDER on the account of a provider that cannot look up by phone", async () => {
    // Nobody has shown this customer's QR token yet, so the gateway has no id_client for the phone.
    const res = await gw.t.run(
      CustomerByPhoneDocument,
      { shopId: "demo-integrations", phone: DEMO_PHONES.integrations.small },
      asService(),
    );
    if (res.data?.customer.__typename !== "QueryCustomerSuccess") throw new Error(JSON.stringify(res));
    expect(res.data.customer.data.loyalty[0]).toMatchObject({
      __typename: "LoyaltyAccountError",
      code: "UNSUPPORTED_BY_PROVIDER",
      providerId: "demo-integrations",
    });
  });

  it("finds that provider's account by phone once a QR token gave the customer's id", async () => {
    const shopId = "demo-integrations";
    const token = await gw.t.run(
      CustomerByQrTokenDocument,
      { shopId, token: DEMO_QR_TOKENS.integrations.small },
      asService(),
    );
    expect(token.data?.customerByQrToken.__typename).toBe("QueryCustomerByQrTokenSuccess");
    const res = await gw.t.run(CustomerByPhoneDocument, { shopId, phone: DEMO_PHONES.integrations.small }, asService());
    if (res.data?.customer.__typename !== "QueryCustomerSuccess") throw new Error(JSON.stringify(res));
    const client = gw.t.gateway.simulators!.integrations.handler.state.clients.get("cl-502")!;
    expect(res.data.customer.data.loyalty[0]).toMatchObject({ __typename: "LoyaltyAccount", balance: client.balance });
  });

  it.each(demo)("$adapter prices a cart with points", async ({ shopId, adapter }) => {
    const phone = DEMO_PHONES[adapter as keyof typeof DEMO_PHONES].regular;
    const lines = [{ productId: demoItemId("rose-15"), quantity: 2, unitPrice: { amount: 350_000, currency: "RUB" } }];
    const res = await gw.t.run(
      CalculateCartDocument,
      { input: { shopId, phone, lines, redeemPoints: 20 } },
      asService(),
    );
    const r = res.data?.loyaltyCalculation;
    if (r?.__typename !== "QueryLoyaltyCalculationSuccess") throw new Error(JSON.stringify(res));
    expect(r.data.redeemedPoints).toBe(20);
    expect(r.data.total.amount).toBe(r.data.subtotal.amount - r.data.discount.amount - r.data.redeemed.amount);
    expect(r.data.maxRedeemablePoints).toBeGreaterThanOrEqual(20);
  });
});
