import { randomUUID } from "node:crypto";
import { calendarDate } from "../../src/domain/shop-calendar.ts";
import { describe, expect, it } from "vitest";
import {
  CheckPhoneCodeDocument,
  ConfirmOrderDocument,
  CreateOrderDocument,
  type CreateOrderInput,
  type CartLineInput,
  LinkMyLoyaltyTokenDocument,
  LinkMyPhoneDocument,
  MyCustomerDocument,
  OrderByIdDocument,
  RegisterCustomerDocument,
  SendPhoneCodeDocument,
  UpdateMyProfileDocument,
  UpdateOrderItemsDocument,
  ApplyBonusesDocument,
  CustomerByDocument,
} from "../../generated/graphql/graphql.ts";
import { signedContact, tmaHeader } from "../support/init-data.ts";
import { line } from "../support/orders.ts";
import { COMPLETE_ORDER } from "../support/staff-operations.ts";
import { asService, useDemoGateway } from "../support/test-gateway.ts";

const gw = useDemoGateway();

let nextUser = 950_000;
/** Tomorrow in Moscow: the demo shops sell slots from today on, pickup by the half hour, delivery by three hours. */
const TOMORROW = calendarDate(new Date(Date.now() + 86_400_000), "Europe/Moscow");
const PICKUP_AT = `${TOMORROW}T18:30:00+03:00`;

/** A Telegram user nobody has seen, with typed helpers for what a Mini App does. */
function newUser(shopId: string) {
  const id = nextUser++;
  const me = tmaHeader(id);
  const run = <R, V>(doc: Parameters<typeof gw.t.run<R, V>>[0], variables: V) => gw.t.run(doc, variables, me);
  const data = <T>(r: T | undefined): any => {
    const v = r as { __typename?: string; data?: unknown } | undefined;
    if (!v?.__typename?.endsWith("Success")) throw new Error(`expected success, got ${JSON.stringify(v)}`);
    return v.data;
  };
  return {
    id,
    me,
    run,
    data,
    linkContact: async (phone: string) =>
      (await run(LinkMyPhoneDocument, { input: { shopId, contact: signedContact(id, phone) } })).data?.linkMyPhone,
    myCustomer: async () => data((await run(MyCustomerDocument, { shopId })).data?.me),
    register: async (name: string, consent = true) =>
      (await run(RegisterCustomerDocument, { input: { shopId, name, consent } })).data?.registerCustomer,
    create: async (input: Partial<CreateOrderInput> & { lines: CartLineInput[] }) =>
      (
        await run(CreateOrderDocument, {
          input: { shopId, fulfilment: { kind: "PICKUP", storeId: "store-1" }, contact: {}, ...input },
          key: randomUUID(),
        })
      ).data?.createOrder,
    apply: async (orderId: string, points: number) =>
      data((await run(ApplyBonusesDocument, { orderId, points, key: randomUUID() })).data?.applyBonuses),
    confirm: async (orderId: string) =>
      data((await run(ConfirmOrderDocument, { orderId, key: randomUUID() })).data?.confirmOrder),
    order: async (orderId: string) => data((await run(OrderByIdDocument, { id: orderId })).data?.order),
  };
}

const complete = async (orderId: string) => {
  const body = await (await gw.t.post(COMPLETE_ORDER, { orderId, key: randomUUID() }, asService())).json();
  if (!body.data?.completeOrder?.__typename?.endsWith("Success")) throw new Error(JSON.stringify(body));
  return body.data.completeOrder.data;
};

const balanceOf = (customer: { loyalty: Array<{ __typename: string; balance?: number }> }) =>
  customer.loyalty.find((a) => a.__typename === "LoyaltyAccount")?.balance;

const sims = () => gw.t.gateway.simulators!;
const posiflora = () => sims().posiflora.handler.state;

/** What the Posiflora simulator keeps of an order the gateway placed. */
function posifloraOrder(orderId: string) {
  const order = posiflora().orders.get(orderId)!;
  const customer = order.customerId ? posiflora().customers.get(order.customerId)! : null;
  return { order, customer };
}

describe("a new buyer at BonusPlus: SMS code, registration, a promo code, an order, points", () => {
  const shopId = "demo-bonusplus";
  const phone = "+79005550101";
  const bonusplus = () => sims().bonusplus.handler.state;
  /** The code the simulator sent, as a test reads it over the control API (`GET /__sim/bonusplus/state`). */
  const sentCode = async (digits: string) => {
    const state = (await (await gw.t.gateway.yoga.fetch("http://gateway.test/__sim/bonusplus/state")).json()) as {
      codes: Array<{ phone: string; code: string }>;
    };
    return state.codes.find((c) => c.phone === digits)?.code;
  };

  it("verifies the phone by the vendor's code, joins, orders with SPRING10 and sees the points arrive", async () => {
    const user = newUser(shopId);
    const sent = await user.run(SendPhoneCodeDocument, { input: { shopId, phone } });
    expect(user.data(sent.data?.sendPhoneCode)).toMatchObject({ phone: "79005550101", providerId: "demo-bonusplus" });
    const code = await sentCode("79005550101");
    expect(code).toMatch(/^\d{4}$/);

    // Asked again at once: refused without a second SMS.
    const again = (await user.run(SendPhoneCodeDocument, { input: { shopId, phone } })).data?.sendPhoneCode;
    expect(again).toMatchObject({ __typename: "VerificationError", code: "RATE_LIMITED" });
    expect((again as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    expect(sims().bonusplus.handler.requests.count("PUT", "/sendCode")).toBe(1);

    // A wrong code is the vendor's 412, VERIFICATION_FAILED, and links nothing.
    const wrong = code === "0000" ? "1111" : "0000";
    const refused = await user.run(CheckPhoneCodeDocument, { input: { shopId, phone, code: wrong } });
    expect(refused.data?.checkPhoneCode).toMatchObject({ code: "VERIFICATION_FAILED" });
    expect((await user.run(MyCustomerDocument, { shopId })).data?.me).toBeNull();

    const checked = await user.run(CheckPhoneCodeDocument, { input: { shopId, phone, code: code! } });
    expect(user.data(checked.data?.checkPhoneCode)).toMatchObject({ phone: "79005550101" });
    // BonusPlus does not know the phone yet.
    expect((await user.myCustomer()).loyalty[0]).toMatchObject({ code: "CUSTOMER_NOT_FOUND" });

    expect(await user.register("Вера Новикова", false)).toMatchObject({ code: "INVALID_INPUT" });
    const joined = user.data(await user.register("Вера Новикова"));
    expect(joined.loyalty[0]).toMatchObject({ __typename: "LoyaltyAccount", balance: 0 });
    expect(bonusplus().customers.get("79005550101")).toMatchObject({ fn: "Вера", ln: "Новикова", balance: 0 });

    const renamed = await user.run(UpdateMyProfileDocument, { input: { shopId, name: "Вера Старкова" } });
    expect(user.data(renamed.data?.updateMyProfile).name).toBe("Вера Старкова");

    const created = user.data(
      await user.create({
        lines: [line("rose-15", 1)],
        coupons: ["SPRING10", "NOSUCH"],
        contact: { name: "Вера" },
        fulfilment: { kind: "PICKUP", storeId: "store-1", windowFrom: PICKUP_AT },
      }),
    );
    expect(created.coupons).toEqual([
      { code: "SPRING10", applied: true, reason: null, reasonCode: null },
      { code: "NOSUCH", applied: null, reason: expect.stringContaining("no rule message"), reasonCode: "UNCONFIRMED" },
    ]);
    expect(created.lines[0].promotions.map((p: { name: string }) => p.name)).toContain("Купон SPRING10: скидка 10%");
    expect(created.discount.amount).toBe(35_000); // 10% of 3500.00 (a Base card has no discount of its own)
    expect(created.paymentState).toBe("UNPAID");

    // A changed cart keeps the promo code; one may also replace it.
    const updated = await user.run(UpdateOrderItemsDocument, {
      orderId: created.id,
      lines: [line("rose-15", 2)],
      key: randomUUID(),
    });
    expect(user.data(updated.data?.updateOrderItems).coupons[0]).toMatchObject({ code: "SPRING10", applied: true });
    const update = async (coupons: string[]) =>
      user.data(
        (
          await user.run(UpdateOrderItemsDocument, {
            orderId: created.id,
            lines: [line("rose-15", 2)],
            coupons,
            key: randomUUID(),
          })
        ).data?.updateOrderItems,
      );
    expect(await update([])).toMatchObject({ coupons: [], discount: { amount: 0 } });
    expect(await update(["SPRING10"])).toMatchObject({
      coupons: [{ code: "SPRING10", applied: true }],
      discount: { amount: 70_000 },
    });

    const placed = await user.confirm(created.id);
    expect(placed.status).toBe("PLACED");
    const { order, customer } = posifloraOrder(created.id);
    // The points are BonusPlus's: the Posiflora order names no customer for Posiflora to accrue to, and
    // tells the florist who the buyer is.
    expect(customer).toBeNull();
    expect(order.attributes).toMatchObject({
      dueTime: PICKUP_AT,
      delivery: false,
      byBonuses: false,
      description: "Покупатель: Вера, +79005550101",
    });
    // The lines at what the customer pays: 2 × 3500.00 less the coupon.
    expect(order.lines[0]).toMatchObject({
      qty: 200,
      price: 350_000,
      totalAmount: 700_000,
      totalAmountWithDiscount: 630_000,
    });
    expect(order.payments).toEqual([]);

    const done = await complete(created.id);
    expect(done).toMatchObject({ status: "COMPLETED" });
    expect(done.pointsEarned).toBeGreaterThan(0);
    // The sale went to BonusPlus with the coupon, and the balance moved by what was earned.
    expect(bonusplus().retail.at(-1)!.items[0]!.messages).toContain("Купон SPRING10: скидка 10%");
    expect(balanceOf(await user.myCustomer())).toBe(done.pointsEarned);
    expect((await user.order(created.id)).paymentState).toBe("PAID");
  });

  it("enrols a buyer whose phone the shop's bot proved on their first order (CUSTOMER_NOT_FOUND no longer blocks)", async () => {
    const user = newUser(shopId);
    expect(await user.linkContact("+79005550102")).toMatchObject({ __typename: "MutationLinkMyPhoneSuccess" });
    const created = user.data(await user.create({ lines: [line("rose-15", 1)], contact: { name: "Глеб Орлов" } }));
    expect(created.status).toBe("CALCULATED");
    expect(created.pointsEarned).toBeGreaterThan(0);
    expect(bonusplus().customers.get("79005550102")).toMatchObject({ fn: "Глеб", ln: "Орлов" });
  });

  it("limits wrong codes: after five, every check fails until a new code is sent", async () => {
    const user = newUser(shopId);
    const digits = "79005550103";
    user.data((await user.run(SendPhoneCodeDocument, { input: { shopId, phone: digits } })).data?.sendPhoneCode);
    const code = (await sentCode(digits))!;
    const wrong = code === "0000" ? "1111" : "0000";
    for (let i = 0; i < 5; i++) {
      const r = await user.run(CheckPhoneCodeDocument, { input: { shopId, phone: digits, code: wrong } });
      expect(r.data?.checkPhoneCode).toMatchObject({ code: "VERIFICATION_FAILED" });
    }
    const calls = sims().bonusplus.handler.requests.count("PUT", "/checkCode/");
    const sixth = await user.run(CheckPhoneCodeDocument, { input: { shopId, phone: digits, code } });
    expect(sixth.data?.checkPhoneCode).toMatchObject({
      code: "VERIFICATION_FAILED",
      message: expect.stringMatching(/too many/),
    });
    expect(sims().bonusplus.handler.requests.count("PUT", "/checkCode/")).toBe(calls);
  });
});

describe("a new buyer at Posiflora: contact, registration, a delivery, then points spent on a pickup", () => {
  const shopId = "demo-posiflora";

  it("places honest orders: buyer, recipient, real amounts, pickup time and a payment state that matches", async () => {
    const user = newUser(shopId);
    expect(await user.linkContact("+79005550201")).toMatchObject({ __typename: "MutationLinkMyPhoneSuccess" });
    const joined = user.data(await user.register("Ольга Синицына"));
    expect(joined.loyalty[0]).toMatchObject({ __typename: "LoyaltyAccount", balance: 0, tier: "Бонусы 10%" });

    // Posiflora takes no promo codes: a typed refusal, not a silent drop.
    expect(await user.create({ lines: [line("rose-15", 1)], coupons: ["SPRING10"] })).toMatchObject({
      code: "UNSUPPORTED_BY_PROVIDER",
    });

    const delivery = user.data(
      await user.create({
        lines: [line("rose-15", 1)],
        contact: { name: "Ольга" },
        fulfilment: {
          kind: "DELIVERY",
          address: { city: "Москва", street: "Тверская", house: "7", apartment: "12" },
          windowFrom: `${TOMORROW}T15:00:00+03:00`,
          windowTo: `${TOMORROW}T18:00:00+03:00`,
          recipientName: "Мама",
          recipientPhone: "+79005550299",
        },
      }),
    );
    await user.confirm(delivery.id);
    const first = posifloraOrder(delivery.id);
    expect(first.customer).toMatchObject({ title: "Ольга Синицына", phone: "9005550201", bonusGroupId: "57" });
    expect(first.order.attributes).toMatchObject({
      delivery: true,
      deliveryCity: "Москва",
      deliveryStreet: "Тверская",
      deliveryHouse: "7",
      deliveryApartment: "12",
      deliveryTimeFrom: `${TOMORROW}T15:00:00+03:00`,
      deliveryTimeTo: `${TOMORROW}T18:00:00+03:00`,
      deliveryContact: "Мама",
      deliveryPhoneNumber: "+79005550299",
      byBonuses: false,
    });
    expect(first.order.payments).toEqual([]);
    expect((await user.order(delivery.id)).paymentState).toBe("UNPAID");
    await complete(delivery.id);
    // Posiflora accrues 10% of what was paid when the order is done.
    const earned = balanceOf(await user.myCustomer())!;
    expect(earned).toBe(350);

    const pickup = user.data(
      await user.create({
        lines: [line("rose-15", 1)],
        fulfilment: { kind: "PICKUP", storeId: "store-1", windowFrom: PICKUP_AT },
      }),
    );
    const held = await user.apply(pickup.id, 300);
    expect(held.status).toBe("BONUSES_HELD");
    const placed = await user.confirm(pickup.id);
    expect(placed.paymentState).toBe("POINTS_ONLY");
    const second = posifloraOrder(pickup.id);
    expect(second.order.attributes).toMatchObject({ dueTime: PICKUP_AT, delivery: false, byBonuses: true });
    // Points are a bonus payment only: no money was paid, and the line keeps its price.
    expect(second.order.payments).toEqual([
      expect.objectContaining({ paymentType: "payment", amount: 0, bonusAmount: 300 }),
    ]);
    expect(second.order.lines[0]).toMatchObject({ price: 350_000, totalAmountWithDiscount: 350_000 });
    expect(balanceOf(await user.myCustomer())).toBe(earned - 300);
    await complete(pickup.id);
    expect((await user.order(pickup.id)).paymentState).toBe("PAID");
    // 10% of the 3200.00 paid in money.
    expect(balanceOf(await user.myCustomer())).toBe(earned - 300 + 320);

    // The shop finds the customer by the bonus card Posiflora keeps.
    const card = (await gw.t.run(CustomerByDocument, { shopId, by: { card: "PF-0001" } }, asService())).data?.customer;
    expect(card).toMatchObject({ __typename: "QueryCustomerSuccess", data: { phone: "79001234567" } });
  });
});

describe("a new buyer at r_keeper: contact, no registration there, FLOWERS10, an order, points", () => {
  const shopId = "demo-rkeeper";
  const rkeeper = () => sims().rkeeper.handler.state;
  const cafe = (id: string, rubles: number): CartLineInput => ({
    productId: id,
    quantity: 1,
    unitPrice: { amount: rubles * 100, currency: "RUB" },
  });

  it("verifies a guest's phone, applies the promo code with its campaign, and closes the order", async () => {
    const user = newUser(shopId);
    await user.linkContact("+79007654321");
    expect(await user.register("Пётр")).toMatchObject({ code: "UNSUPPORTED_BY_PROVIDER" });
    const before = balanceOf(await user.myCustomer())!;

    const created = user.data(
      await user.create({ lines: [cafe("hot-1", 500), cafe("dessert-1", 300)], coupons: ["FLOWERS10"] }),
    );
    expect(created.coupons).toEqual([{ code: "FLOWERS10", applied: true, reason: null, reasonCode: null }]);
    expect(created.discount.amount).toBe(8_000);
    expect(created.lines[0].promotions).toEqual([
      expect.objectContaining({ name: "Промокод FLOWERS10", kind: "DISCOUNT", amount: { amount: 5_000 } }),
    ]);
    expect(created.loyaltyMessages).toContain("Промокод FLOWERS10: скидка 10%");
    await user.apply(created.id, 10);
    await user.confirm(created.id);
    const done = await complete(created.id);
    expect(done.status).toBe("COMPLETED");
    expect(balanceOf(await user.myCustomer())).toBe(before - 10 + done.pointsEarned);
    expect(
      rkeeper()
        .operations.filter((o) => o.id === created.id)
        .map((o) => o.kind),
    ).toEqual(["confirm", "close"]);
  });

  it("sells to a proved phone r_keeper has no guest for, without loyalty, instead of refusing the buyer", async () => {
    const user = newUser(shopId);
    await user.linkContact("+79005550301");
    const created = user.data(await user.create({ lines: [cafe("hot-1", 500)] }));
    expect(created).toMatchObject({ status: "CALCULATED", pointsEarned: 0, total: { amount: 50_000 } });
    expect(created.history[0].cause).toBe("createOrder: without loyalty");
    await user.confirm(created.id);
    expect((await complete(created.id)).status).toBe("COMPLETED");
  });
});

describe("a new buyer at LoyalClient: contact, an order, points (no registration, no promo codes)", () => {
  const shopId = "demo-loyalclient";

  it("orders and earns; promo codes are refused as unsupported; the shop finds them by card", async () => {
    const user = newUser(shopId);
    await user.linkContact("+79007654321");
    const before = balanceOf(await user.myCustomer())!;
    expect(await user.register("Иван")).toMatchObject({ code: "UNSUPPORTED_BY_PROVIDER" });
    expect(await user.create({ lines: [line("rose-15", 1)], coupons: ["SPRING10"] })).toMatchObject({
      code: "UNSUPPORTED_BY_PROVIDER",
    });
    const created = user.data(await user.create({ lines: [line("rose-15", 1)] }));
    await user.confirm(created.id);
    const done = await complete(created.id);
    expect(done.pointsEarned).toBeGreaterThan(0);
    expect(balanceOf(await user.myCustomer())).toBe(before + done.pointsEarned);
    for (const by of [{ card: "100002" }, { token: "APP1002" }]) {
      const found = (await gw.t.run(CustomerByDocument, { shopId, by }, asService())).data?.customer;
      expect(found).toMatchObject({ data: { phone: "79007654321" } });
    }
  });
});

describe("a new buyer at Integrations: contact, their own QR token, an order, points", () => {
  const shopId = "demo-integrations";
  const integrations = () => sims().integrations.handler.state;

  it("links the loyalty QR so `bonus` gets id_client, and the points move at completion", async () => {
    const user = newUser(shopId);
    await user.linkContact("+79007654321");
    // Another customer's token is refused, without telling whose it is.
    const stolen = (await user.run(LinkMyLoyaltyTokenDocument, { input: { shopId, token: "qr-anna-501" } })).data;
    expect(stolen?.linkMyLoyaltyToken).toMatchObject({ code: "VERIFICATION_FAILED" });
    const linked = (await user.run(LinkMyLoyaltyTokenDocument, { input: { shopId, token: "qr-ivan-502" } })).data;
    expect(user.data(linked?.linkMyLoyaltyToken)).toMatchObject({ phone: "79007654321" });

    expect(await user.create({ lines: [line("rose-15", 1)], coupons: ["SPRING10"] })).toMatchObject({
      code: "UNSUPPORTED_BY_PROVIDER",
    });
    const created = user.data(await user.create({ lines: [line("rose-15", 1), line("card", 3, 150)] }));
    // Promotions as data: double points on roses, every third card free.
    expect(created.lines[0].promotions).toEqual([
      expect.objectContaining({ id: "act-x2", kind: "POINTS_MULTIPLIER", amount: null }),
    ]);
    expect(created.lines[1].promotions).toEqual([
      expect.objectContaining({ id: "act-nth-3", kind: "GIFT", freeQuantity: 1, amount: { amount: 15_000 } }),
    ]);
    expect(created.loyaltyMessages).toEqual(expect.arrayContaining(["Двойные баллы на розы"]));
    await user.apply(created.id, 10);
    await user.confirm(created.id);
    const before = integrations().clients.get("cl-502")!.balance;
    const done = await complete(created.id);
    expect(done.status).toBe("COMPLETED");
    expect(integrations().clients.get("cl-502")!.balance).toBe(before - 10 + done.pointsEarned);
    expect(integrations().operations.at(-1)).toMatchObject({ client: "cl-502", paid: 10 });
  });
});
