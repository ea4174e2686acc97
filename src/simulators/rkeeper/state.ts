import { createHash, createHmac, randomUUID } from "node:crypto";
import { allocate, mulDivFloor } from "../kit/money.ts";

export interface Guest {
  phone: string;
  firstName: string;
  lastName: string;
  /** Whole bonuses; one bonus pays one ruble. */
  balance: number;
  rank: { name: string; index: number; cashbackBp: number };
  /** Product codes of which the guest gets one unit free per order (the seed's "gift on the drink"). */
  giftProducts: string[];
}

/** An order line in kopecks, as the vendor's `price` (list) and `cost` (after external discounts). */
export interface Item {
  code: string;
  name: string;
  price: number;
  cost: number;
  quantity: number;
}

export interface Quote {
  discountByCode: Map<string, number>;
  discountTotal: number;
  maxPaymentPoints: number;
  paymentByCode: Map<string, number>;
  accrualMin: number;
  accrualMax: number;
  fingerprint: string;
  gift: { code: string; amount: number } | null;
  /** A promo code that applied, and its discount by product code. */
  promo: { code: string; byCode: Map<string, number> } | null;
}

/** Promo codes the demo restaurant runs: basis points off every line after a gift. */
export const PROMOCODES: Record<string, number> = { FLOWERS10: 1000 };

interface Order {
  id: string;
  phone: string | null;
  /** OrderDto.openedAt of its first confirm: "Дата/время открытия заказа", one moment for one order. */
  openedAt: string;
  status: "CONFIRMED" | "RESET" | "CLOSED";
  payment: number;
  accrual: number;
  /** The promo code the confirmed calculation applied, if any. */
  promocode: string | null;
}

export class RkeeperError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request steps out of the seed's flow (calculate → confirm → reset/close): a violation. */
    readonly flow = false,
  ) {
    super(message);
  }
}

/** What a fingerprint carries: the order it was calculated for, the quote, and the guest's epoch then. */
interface Fingerprint {
  o: string;
  max: number;
  net: number;
  rate: number;
  /** The guest's write count when it was calculated; any confirm, reset or close since makes it stale. */
  e: number;
  /** The promo code it applied. */
  p: string | null;
}

/** The seed 004 guest: balance 100, at most 50% payable in bonuses, a gift on the drink. */
export const DEMO_GUESTS: Guest[] = [
  {
    phone: "+79001234567",
    firstName: "Гость",
    lastName: "Сценарий",
    balance: 100,
    rank: { name: "Серебро", index: 1, cashbackBp: 500 },
    giftProducts: ["drink-1"],
  },
  {
    phone: "+79007654321",
    firstName: "Пётр",
    lastName: "Новиков",
    balance: 20,
    rank: { name: "Бронза", index: 0, cashbackBp: 300 },
    giftProducts: [],
  },
];

export const MAX_PAYMENT_BP = 5000;

/** r_keeper loyalty's books: guests, fingerprints of calculations, and orders confirmed, reset or closed. */
export class RkeeperState {
  guests = new Map<string, Guest>();
  orders = new Map<string, Order>();
  /**
   * How `guests/get` answers a phone with no guest. The documents allow both: a 200 without `guest`
   * (nothing in GetGuestResponseDto is required), or the operation's 400 ErrorResponseDto.
   */
  unknownGuestAnswer: "empty" | "error" = "empty";
  /** Every successful write, for tests that count vendor operations. */
  operations: Array<{ kind: "confirm" | "reset" | "close"; id: string }> = [];
  /** Per guest (or "" for anonymous orders): writes so far; a fingerprint from before the last one is stale. */
  private epochs = new Map<string, number>();
  private readonly secret = randomUUID();

  constructor(private readonly seed: Guest[] = DEMO_GUESTS) {
    this.reset();
  }

  reset(): void {
    this.guests = new Map(
      this.seed.map((g) => [g.phone, { ...g, rank: { ...g.rank }, giftProducts: [...g.giftProducts] }]),
    );
    this.orders = new Map();
    this.operations = [];
    this.epochs = new Map();
    this.unknownGuestAnswer = "empty";
  }

  private epoch(phone: string | null): number {
    return this.epochs.get(phone ?? "") ?? 0;
  }

  private written(phone: string | null): void {
    this.epochs.set(phone ?? "", this.epoch(phone) + 1);
  }

  guest(phone: string): Guest | undefined {
    return this.guests.get(phone);
  }

  available(phone: string, exceptOrder?: string): number {
    let held = 0;
    for (const o of this.orders.values())
      if (o.phone === phone && o.status === "CONFIRMED" && o.id !== exceptOrder) held += o.payment;
    return (this.guests.get(phone)?.balance ?? 0) - held;
  }

  calculate(phone: string | null, openedAt: string, items: Item[], promocodes: string[]): Quote {
    const guest = phone ? this.guests.get(phone) : undefined;
    if (phone && !guest) throw new RkeeperError(400, "GUEST_NOT_FOUND", "Guest not found");
    const giftItem = guest && items.find((i) => guest.giftProducts.includes(i.code));
    const gift = giftItem ? { code: giftItem.code, amount: Math.round(giftItem.cost / giftItem.quantity) } : null;
    const promoCode = promocodes.find((c) => PROMOCODES[c] !== undefined) ?? null;
    const promo = promoCode ? PROMOCODES[promoCode]! : 0;
    const discountByCode = new Map<string, number>();
    const promoByCode = new Map<string, number>();
    const nets = items.map((i) => {
      const giftPart = gift?.code === i.code ? gift.amount : 0;
      const promoPart = mulDivFloor(i.cost - giftPart, promo, 10_000);
      discountByCode.set(i.code, (discountByCode.get(i.code) ?? 0) + giftPart + promoPart);
      if (promoPart > 0) promoByCode.set(i.code, (promoByCode.get(i.code) ?? 0) + promoPart);
      return i.cost - giftPart - promoPart;
    });
    const net = nets.reduce((a, b) => a + b, 0);
    const maxPaymentPoints = guest
      ? Math.max(0, Math.min(this.available(guest.phone), Math.floor(mulDivFloor(net, MAX_PAYMENT_BP, 10_000) / 100)))
      : 0;
    const shares = allocate(maxPaymentPoints * 100, nets);
    const paymentByCode = new Map<string, number>();
    items.forEach((i, n) => paymentByCode.set(i.code, (paymentByCode.get(i.code) ?? 0) + shares[n]!));
    const rate = guest?.rank.cashbackBp ?? 0;
    const accrualMin = Math.floor(mulDivFloor(net, rate, 10_000) / 100);
    const accrualMax = Math.floor(mulDivFloor(net - maxPaymentPoints * 100, rate, 10_000) / 100);
    const fingerprint = this.sign({
      o: orderHash(phone, openedAt, items),
      max: maxPaymentPoints,
      net,
      rate,
      e: this.epoch(phone),
      p: promoCode,
    });
    return {
      discountByCode,
      discountTotal: [...discountByCode.values()].reduce((a, b) => a + b, 0),
      maxPaymentPoints,
      paymentByCode,
      accrualMin,
      accrualMax,
      fingerprint,
      gift,
      promo: promoCode ? { code: promoCode, byCode: promoByCode } : null,
    };
  }

  /**
   * Seed 004: an order is confirmed with the fingerprint of its own, latest calculation. A confirmed
   * order is reset before it is confirmed again ("При изменении заказа сбросьте заказ"), and a closed one
   * is done. A fingerprint of another order, or one calculated before the guest's last confirm, reset or
   * close, is stale: "Пересчитайте лояльность" comes before the new confirm. An order is opened once
   * (OrderDto.openedAt, "Дата/время открытия заказа"), so a confirm again after a reset carries the
   * opening time of its first confirm.
   */
  confirm(
    id: string,
    phone: string | null,
    openedAt: string,
    items: Item[],
    fingerprint: string,
    payment: number,
  ): void {
    const existing = this.orders.get(id);
    if (existing?.status === "CONFIRMED")
      throw new RkeeperError(400, "ORDER_ALREADY_CONFIRMED", "Order is confirmed; reset it first", true);
    if (existing?.status === "CLOSED") throw new RkeeperError(400, "ORDER_ALREADY_CLOSED", "Order is closed", true);
    if (existing && Date.parse(existing.openedAt) !== Date.parse(openedAt))
      throw new RkeeperError(
        400,
        "ORDER_OPENED_AT_CHANGED",
        `The order was opened at ${existing.openedAt}, not ${openedAt}`,
        true,
      );
    const fp = this.verify(fingerprint);
    if (fp.o !== orderHash(phone, openedAt, items))
      throw new RkeeperError(400, "FINGERPRINT_MISMATCH", "Order differs from the calculated one", true);
    if (fp.e !== this.epoch(phone))
      throw new RkeeperError(
        400,
        "FINGERPRINT_STALE",
        "The calculation is out of date; calculate the order again",
        true,
      );
    if (payment > fp.max) throw new RkeeperError(400, "BONUS_PAYMENT_EXCEEDS_MAX", `At most ${fp.max} bonuses`);
    if (phone && payment > this.available(phone, id))
      throw new RkeeperError(400, "NOT_ENOUGH_BONUSES", "Not enough bonuses");
    const accrual = Math.floor(mulDivFloor(fp.net - payment * 100, fp.rate, 10_000) / 100);
    this.orders.set(id, { id, phone, openedAt, status: "CONFIRMED", payment, accrual, promocode: fp.p ?? null });
    this.operations.push({ kind: "confirm", id });
    this.written(phone);
  }

  /**
   * A reset undoes a confirm. Resetting what was reset changes nothing. An id the vendor never saw is
   * refused without a violation: after a lost answer the client cannot know whether its confirm arrived,
   * and releasing just in case is the careful step.
   */
  resetOrder(id: string): void {
    const order = this.orders.get(id);
    if (!order) throw new RkeeperError(400, "ORDER_NOT_FOUND", "Order not found");
    if (order.status === "CLOSED") throw new RkeeperError(400, "ORDER_ALREADY_CLOSED", "Order is closed", true);
    if (order.status === "RESET") return;
    order.status = "RESET";
    order.payment = 0;
    this.operations.push({ kind: "reset", id });
    this.written(order.phone);
  }

  /** Seed 004's last step: a confirmed order is closed, once. Closing anything else breaks the flow. */
  close(id: string): void {
    const order = this.orders.get(id);
    if (!order || order.status === "RESET")
      throw new RkeeperError(400, "ORDER_NOT_CONFIRMED", "Order is not confirmed", true);
    if (order.status === "CLOSED") throw new RkeeperError(400, "ORDER_ALREADY_CLOSED", "Order is closed", true);
    order.status = "CLOSED";
    const guest = order.phone ? this.guests.get(order.phone) : undefined;
    if (guest) guest.balance += order.accrual - order.payment;
    this.operations.push({ kind: "close", id });
    this.written(order.phone);
  }

  snapshot() {
    return { guests: [...this.guests.values()], orders: [...this.orders.values()], operations: this.operations };
  }

  private sign(payload: Fingerprint): string {
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${createHmac("sha256", this.secret).update(body).digest("base64url")}`;
  }

  private verify(fingerprint: string): Fingerprint {
    const [body, mac] = fingerprint.split(".");
    if (!body || mac !== createHmac("sha256", this.secret).update(body).digest("base64url")) {
      throw new RkeeperError(400, "FINGERPRINT_INVALID", "Fingerprint is not valid", true);
    }
    return JSON.parse(Buffer.from(body, "base64url").toString()) as Fingerprint;
  }
}

function orderHash(phone: string | null, openedAt: string, items: Item[]): string {
  const canonical = JSON.stringify([
    phone,
    Date.parse(openedAt),
    items.map((i) => [i.code, i.price, i.cost, i.quantity]),
  ]);
  return createHash("sha256").update(canonical).digest("base64url");
}
