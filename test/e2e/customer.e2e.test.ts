import { describe, expect, it } from "vitest";
import { CustomerByPhoneDocument } from "../../generated/graphql/graphql.ts";
import { count } from "../support/db.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const SHOP = "demo-bonusplus";
const gw = useDemoGateway();
const bonusplus = () => gw.t.gateway.simulators!.bonusplus.handler;
const customerRows = () => count(gw.t.databaseUrl, "CustomerLink");

describe("customer query through GraphQL", () => {
  it("returns the BonusPlus balance of a demo customer", async () => {
    const res = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+7 900 123-45-67" }, asService());
    const customer = res.data?.customer;
    expect(customer?.__typename).toBe("QueryCustomerSuccess");
    if (customer?.__typename !== "QueryCustomerSuccess") return;
    expect(customer.data.phone).toBe("79001234567");
    expect(customer.data.name).toBe("Анна Петрова");
    const [account] = customer.data.loyalty;
    expect(account).toMatchObject({
      __typename: "LoyaltyAccount",
      balance: 500,
      pendingBalance: 40,
      tier: "Silver",
      discountRateBasisPoints: 300,
      redeemBlocked: false,
    });
  });

  it("keeps one customer id per shop and phone across lookups", async () => {
    const a = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "89001234567" }, asService());
    const b = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79001234567" }, asService());
    const id = (r: typeof a) =>
      r.data?.customer.__typename === "QueryCustomerSuccess" ? r.data.customer.data.id : null;
    expect(id(a)).toMatch(/^cus_/);
    expect(id(a)).toBe(id(b));
  });

  it("answers CUSTOMER_NOT_FOUND for an unknown phone and stores nothing", async () => {
    const before = await customerRows();
    const res = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79990000000" }, asService());
    expect(res.data?.customer).toMatchObject({ __typename: "NotFoundError", code: "CUSTOMER_NOT_FOUND" });
    expect(await customerRows()).toBe(before);
  });

  it("rejects a bad phone with INVALID_INPUT, without calling the provider or storing anything", async () => {
    const before = await customerRows();
    for (const phone of ["12345", "not a phone", ""]) {
      const res = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone }, asService());
      expect(res.data?.customer).toMatchObject({ __typename: "InvalidInputError", code: "INVALID_INPUT" });
    }
    expect(bonusplus().requests.entries).toHaveLength(0);
    expect(await customerRows()).toBe(before);
  });

  it("rejects an unknown shop with INVALID_INPUT", async () => {
    const res = await gw.t.run(CustomerByPhoneDocument, { shopId: "nope", phone: "+79001234567" }, asService());
    expect(res.data?.customer).toMatchObject({ __typename: "InvalidInputError", code: "INVALID_INPUT" });
  });

  it("costs one provider call when the same customer is asked for twice in one request", async () => {
    const query = `query Twice($p: String!) {
      a: customer(shopId: "${SHOP}", phone: $p) { ... on QueryCustomerSuccess { data { name loyalty { __typename } } } }
      b: customer(shopId: "${SHOP}", phone: $p) { ... on QueryCustomerSuccess { data { name loyalty { __typename } } } }
    }`;
    const res = await (await gw.t.post(query, { p: "+79001234567" }, asService())).json();
    expect(res.data.a.data.name).toBe("Анна Петрова");
    expect(res.data.b.data.name).toBe("Анна Петрова");
    expect(bonusplus().requests.count("GET", "/api/customer")).toBe(1);
  });

  it("maps a BonusPlus 500 to PROVIDER_UNAVAILABLE on that account, after retrying the idempotent lookup", async () => {
    bonusplus().faults.add({ kind: "status", status: 500, times: 10 });
    const res = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79001234567" }, asService());
    const customer = res.data?.customer;
    expect(customer?.__typename).toBe("QueryCustomerSuccess");
    if (customer?.__typename !== "QueryCustomerSuccess") return;
    expect(customer.data.loyalty[0]).toMatchObject({
      __typename: "LoyaltyAccountError",
      code: "PROVIDER_UNAVAILABLE",
      providerId: SHOP,
      vendorCode: "500",
    });
    expect(bonusplus().requests.count("GET", "/api/customer")).toBe(3); // 1 try + 2 retries
    expect(JSON.stringify(res)).not.toContain("simulated");
  });

  it("recovers transparently when a 503 is followed by success", async () => {
    bonusplus().faults.add({ kind: "status", status: 503, times: 1 });
    const res = await gw.t.run(CustomerByPhoneDocument, { shopId: SHOP, phone: "+79001234567" }, asService());
    expect(res.data?.customer.__typename).toBe("QueryCustomerSuccess");
    expect(bonusplus().requests.count("GET", "/api/customer")).toBe(2);
  });
});
