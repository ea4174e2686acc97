import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoItemId } from "../../src/simulators/posiflora/catalog-seed.ts";
import { CalculateCartDocument, CustomerByPhoneDocument, MyCustomerDocument } from "../../generated/graphql/graphql.ts";
import { tmaHeader } from "../support/init-data.ts";
import { asService, startTestGateway, type TestGateway } from "../support/test-gateway.ts";

const SHOP = "demo-bonusplus";
const LIMITED_KEY = "limited-service-key-123456";
let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({
    API_KEYS: JSON.stringify([{ name: "reporting", key: LIMITED_KEY, scopes: ["loyalty:calculate"] }]),
  });
});
afterAll(() => t.close());

const link = (telegramUserId: string, phone: string, headers = asService()) =>
  t
    .post(
      `mutation L($i: LinkTelegramUserInput!) { linkTelegramUser(input: $i) { __typename ... on MutationLinkTelegramUserSuccess { data { id phone } } ... on Error { code } } }`,
      { i: { shopId: SHOP, phone, telegramUserId } },
      headers,
    )
    .then((r) => r.json());

describe("who is calling", () => {
  it("rejects a forged, expired or foreign-bot initData with 401 UNAUTHENTICATED", async () => {
    const good = tmaHeader(1001).authorization!;
    const cases = {
      forged: good.replace("user1001", "user1002"),
      expired: tmaHeader(1001, { authDate: Math.floor(Date.now() / 1000) - 2 * 86_400 }).authorization!,
      foreignBot: tmaHeader(1001, { token: "999:another-bot" }).authorization!,
      garbage: "tma not-init-data",
      unknownScheme: "Basic Zm9vOmJhcg==",
      unknownKey: "Bearer not-a-real-key-at-all",
    };
    for (const [name, authorization] of Object.entries(cases)) {
      const res = await t.post("{ shops { id } }", undefined, { authorization });
      expect(res.status, name).toBe(401);
      const body = await res.json();
      expect(body.errors[0].extensions.code, name).toBe("UNAUTHENTICATED");
      expect(body.data ?? null, name).toBeNull();
    }
  });

  it("asks for authentication when initData is missing", async () => {
    const res = await t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79001234567" }, {});
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("lets a Mini App user read only the customer linked to them", async () => {
    const me = tmaHeader(2001);
    const before = await t.run(MyCustomerDocument, { shopId: SHOP }, me);
    expect(before.errors).toBeUndefined();
    expect(before.data?.me).toBeNull();

    const linked = await link("2001", "+79001234567");
    expect(linked.data.linkTelegramUser.__typename).toBe("MutationLinkTelegramUserSuccess");

    const mine = await t.run(MyCustomerDocument, { shopId: SHOP }, me);
    if (mine.data?.me?.__typename !== "QueryMeSuccess") throw new Error(JSON.stringify(mine));
    expect(mine.data.me.data?.phone).toBe("79001234567");
    expect(mine.data.me.data?.loyalty[0]).toMatchObject({ __typename: "LoyaltyAccount", balance: 500 });

    const own = await t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "89001234567" }, me);
    expect(own.data?.customer.__typename).toBe("QueryCustomerSuccess");
    const other = await t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79007654321" }, me);
    expect(other.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(other.data).toBeNull();
  });

  it("uses the Mini App user's own phone in calculations and refuses someone else's", async () => {
    const me = tmaHeader(3001);
    await link("3001", "+79007654321");
    const lines = [{ productId: demoItemId("rose"), quantity: 1, unitPrice: { amount: 100_000, currency: "RUB" } }];
    const own = await t.run(CalculateCartDocument, { input: { shopId: SHOP, lines, redeemPoints: 10 } }, me);
    expect(own.data?.loyaltyCalculation).toMatchObject({
      __typename: "QueryLoyaltyCalculationSuccess",
      data: { redeemedPoints: 10 },
    });
    const foreign = await t.run(CalculateCartDocument, { input: { shopId: SHOP, phone: "+79001234567", lines } }, me);
    expect(foreign.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("enforces service scopes", async () => {
    const limited = asService(LIMITED_KEY);
    const lookup = await t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79001234567" }, limited);
    expect(lookup.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const linkTry = await link("4001", "+79001234567", limited);
    expect(linkTry.errors[0].extensions.code).toBe("FORBIDDEN");
    const lines = [{ productId: demoItemId("rose"), quantity: 1, unitPrice: { amount: 100_000, currency: "RUB" } }];
    const priced = await t.run(
      CalculateCartDocument,
      { input: { shopId: SHOP, phone: "+79001234567", lines } },
      limited,
    );
    expect(priced.data?.loyaltyCalculation.__typename).toBe("QueryLoyaltyCalculationSuccess");
  });

  it("rejects a malformed Telegram user id in the link mutation", async () => {
    const res = await link("not-a-number", "+79001234567");
    expect(res.data.linkTelegramUser).toMatchObject({ __typename: "InvalidInputError", code: "INVALID_INPUT" });
  });
});
