import { describe, expect, it } from "vitest";
import { signedContact, tmaHeader } from "../support/init-data.ts";
import { useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();

const LINK = `mutation L($i: LinkMyPhoneInput!) {
  linkMyPhone(input: $i) { __typename ... on MutationLinkMyPhoneSuccess { data { id phone } } ... on Error { code } }
}`;
const ME = `query M($s: ID!) { me(shopId: $s) { __typename ... on QueryMeSuccess { data { phone } } } }`;

let nextUser = 910_000;
const link = async (userId: number, contact: string, shopId = "demo-bonusplus") =>
  (await (await gw.t.post(LINK, { i: { shopId, contact } }, tmaHeader(userId))).json()).data?.linkMyPhone;

describe("a Mini App user proves their phone with the contact Telegram signed (requestContact)", () => {
  it("links the phone to the user; `me` then answers with it", async () => {
    const user = nextUser++;
    const linked = await link(user, signedContact(user, "+79001234567"));
    expect(linked).toMatchObject({ __typename: "MutationLinkMyPhoneSuccess", data: { phone: "79001234567" } });
    const me = (await (await gw.t.post(ME, { s: "demo-bonusplus" }, tmaHeader(user))).json()).data.me;
    expect(me).toMatchObject({ data: { phone: "79001234567" } });
  });

  it("refuses a replayed contact, another user's contact, a stale one and a forged one, linking nothing", async () => {
    const user = nextUser++;
    const contact = signedContact(user, "+79007654321");
    expect(await link(user, contact)).toMatchObject({ __typename: "MutationLinkMyPhoneSuccess" });
    expect(await link(user, contact)).toMatchObject({ code: "VERIFICATION_REPLAYED" });

    const thief = nextUser++;
    expect(await link(thief, signedContact(user, "+79001234567"))).toMatchObject({ code: "VERIFICATION_FAILED" });
    const stale = signedContact(thief, "+79001234567", { authDate: Math.floor(Date.now() / 1000) - 3600 });
    expect(await link(thief, stale)).toMatchObject({ code: "VERIFICATION_EXPIRED" });
    const forged = signedContact(thief, "+79001234567", { token: "999:not-the-bot-token" });
    expect(await link(thief, forged)).toMatchObject({ code: "VERIFICATION_FAILED" });
    const me = (await (await gw.t.post(ME, { s: "demo-bonusplus" }, tmaHeader(thief))).json()).data.me;
    expect(me).toBeNull();
  });

  it("is for Mini App users only", async () => {
    const res = await (await gw.t.post(LINK, { i: { shopId: "demo-bonusplus", contact: "x" } })).json();
    expect(res.errors?.[0]?.extensions?.code ?? res.data?.linkMyPhone?.code).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
  });
});
