import { randomInt } from "node:crypto";
import { allocate, mulDivFloor } from "../kit/money.ts";
import { ProductBook } from "./products.ts";

export interface Level {
  name: string;
  next: string | null;
  discountBp: number;
  earnBp: number;
  maxDebitBp: number;
}

export interface SimCustomer {
  phone: string;
  fn: string;
  ln: string;
  level: string;
  /** Whole bonuses; one bonus pays one ruble. */
  balance: number;
  notActive: number;
  debitDenied: boolean;
  multiplicity: number;
  purchasesSum: number;
}

export interface Item {
  /** The shop's line id; the seed asks that it be unique ("Необходимо добиться уникальности"). */
  ext: string | null;
  product: string;
  qnt: number;
  /** Kopecks. */
  sum: number;
  ds: number;
}

export interface PricedItem extends Item {
  ids: number;
  db: number;
  cb: number;
  messages: string[];
}

export interface RetailOp {
  id: string;
  externalId: string | null;
  phone: string;
  debit: number;
  earned: number;
  items: PricedItem[];
  /** By ext: the `sum` returned so far, in kopecks of the line's `sum` (before discounts). */
  returned: Record<string, number>;
  /** Bonuses given back and taken away by returns so far. */
  restored: number;
  revoked: number;
}

export const LEVELS: Record<string, Level> = {
  Base: { name: "Base", next: "Silver", discountBp: 0, earnBp: 500, maxDebitBp: 3000 },
  Silver: { name: "Silver", next: "Gold", discountBp: 300, earnBp: 700, maxDebitBp: 5000 },
  Gold: { name: "Gold", next: null, discountBp: 500, earnBp: 1000, maxDebitBp: 5000 },
};

export const DEMO_CUSTOMERS: SimCustomer[] = [
  {
    phone: "79001234567",
    fn: "Анна",
    ln: "Петрова",
    level: "Silver",
    balance: 500,
    notActive: 40,
    debitDenied: false,
    multiplicity: 1,
    purchasesSum: 1_200_000,
  },
  {
    phone: "79007654321",
    fn: "Иван",
    ln: "Смирнов",
    level: "Base",
    balance: 50,
    notActive: 0,
    debitDenied: false,
    multiplicity: 1,
    purchasesSum: 0,
  },
  {
    phone: "79000000003",
    fn: "Олег",
    ln: "Заблокированный",
    level: "Gold",
    balance: 1000,
    notActive: 0,
    debitDenied: true,
    multiplicity: 1,
    purchasesSum: 5_000_000,
  },
  {
    phone: "79000000004",
    fn: "Мария",
    ln: "Кратная",
    level: "Base",
    balance: 300,
    notActive: 0,
    debitDenied: false,
    multiplicity: 10,
    purchasesSum: 0,
  },
];

/** Coupons set up in the demo cabinet: a share off each line, after the card's discount (basis points). */
export const DEMO_COUPONS: Record<string, number> = { SPRING10: 1000 };

export interface SentCode {
  phone: string;
  code: string;
  sentAt: string;
}

export class BusinessError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request breaks seed 001's flow (not a business outcome): a violation. */
    readonly flow = false,
  ) {
    super(message);
  }
}

/** BonusPlus's books: customers, reserves by order id, and recorded sales. */
export class BonusPlusState {
  customers = new Map<string, SimCustomer>();
  reserves = new Map<string, Map<string, number>>();
  retail: RetailOp[] = [];
  /** Codes sent by `sendCode`, by phone (the latest one counts); readable under /__sim/state for tests. */
  codes = new Map<string, SentCode>();
  /** Phones whose code was checked right, in order. */
  verified: string[] = [];
  readonly products = new ProductBook();
  private seq = 0;

  constructor(private readonly seed: SimCustomer[] = DEMO_CUSTOMERS) {
    this.reset();
  }

  reset(): void {
    this.customers = new Map(this.seed.map((c) => [c.phone, { ...c }]));
    this.reserves = new Map();
    this.retail = [];
    this.codes = new Map();
    this.verified = [];
    this.products.reset();
    this.seq = 0;
  }

  customer(phone: string): SimCustomer {
    const c = this.customers.get(phone);
    if (!c) throw new BusinessError(404, "CUSTOMER_NOT_FOUND", `customer ${phone} not found`);
    return c;
  }

  /** `PUT /customer/{phone}/sendCode`: a new four-digit code replaces the last one. */
  sendCode(phone: string): void {
    this.codes.set(phone, {
      phone,
      code: String(randomInt(0, 10_000)).padStart(4, "0"),
      sentAt: new Date().toISOString(),
    });
  }

  /** `PUT /customer/{phone}/checkCode/{code}`: 204 when right (the code is used up), 412 when wrong. */
  checkCode(phone: string, code: string): void {
    const sent = this.codes.get(phone);
    if (!sent || sent.code !== code) throw new BusinessError(412, "INVALID_CODE", "the code is wrong");
    this.codes.delete(phone);
    this.verified.push(phone);
  }

  /** `POST /customer`: a new customer at the first level, with no bonuses yet. */
  createCustomer(phone: string, person: { fn?: string; ln?: string; mn?: string } | undefined): SimCustomer {
    if (this.customers.has(phone)) throw new BusinessError(412, "CUSTOMER_ALREADY_EXISTS", `customer ${phone} exists`);
    const c: SimCustomer = {
      phone,
      fn: person?.fn ?? "",
      ln: person?.ln ?? "",
      level: "Base",
      balance: 0,
      notActive: 0,
      debitDenied: false,
      multiplicity: 1,
      purchasesSum: 0,
    };
    this.customers.set(phone, c);
    return c;
  }

  /** `PUT /customer`: the person's names change. */
  updateCustomer(phone: string, person: { fn?: string; ln?: string; mn?: string } | undefined): SimCustomer {
    const c = this.customer(phone);
    if (person?.fn !== undefined) c.fn = person.fn;
    if (person?.ln !== undefined) c.ln = person.ln;
    return c;
  }

  reserved(phone: string): number {
    let total = 0;
    for (const v of this.reserves.get(phone)?.values() ?? []) total += v;
    return total;
  }

  available(phone: string): number {
    return this.customer(phone).balance - this.reserved(phone);
  }

  /** `PUT /retail/calc`: discounts by level, points spread over lines, earning on what is paid. */
  calculate(
    phone: string,
    items: Item[],
    bonusDebit: number,
    extraAvailable = 0,
    store?: string,
    coupons: string[] = [],
  ) {
    const c = this.customer(phone);
    const level = LEVELS[c.level]!;
    const coupon = coupons.find((code) => DEMO_COUPONS[code] !== undefined);
    const couponBp = coupon ? DEMO_COUPONS[coupon]! : 0;
    const afterLevel = items.map((i) => i.sum - i.ds - mulDivFloor(i.sum - i.ds, level.discountBp, 10_000));
    const nets = afterLevel.map((n) => n - mulDivFloor(n, couponBp, 10_000));
    const netTotal = nets.reduce((a, b) => a + b, 0);
    const available = this.available(phone) + extraAvailable;
    const byShare = Math.floor(mulDivFloor(netTotal, level.maxDebitBp, 10_000) / 100);
    let max = c.debitDenied ? 0 : Math.max(0, Math.min(available, byShare));
    max -= max % c.multiplicity;
    if (bonusDebit > 0) {
      if (c.debitDenied) throw new BusinessError(412, "BONUS_DEBIT_DENIED", "bonus debit is denied for this customer");
      if (bonusDebit % c.multiplicity !== 0)
        throw new BusinessError(412, "BONUS_DEBIT_MULTIPLICITY", `bonusDebit must be a multiple of ${c.multiplicity}`);
      if (bonusDebit > available) throw new BusinessError(412, "NOT_ENOUGH_BONUSES", "not enough bonuses");
      if (bonusDebit > max)
        throw new BusinessError(412, "BONUS_DEBIT_EXCEEDS_MAX", `at most ${max} bonuses may be debited`);
    }
    const dbs = allocate(bonusDebit * 100, nets);
    const priced: PricedItem[] = items.map((item, i) => {
      const promotion = this.products.promotion(store, item.product);
      const ids = item.sum - item.ds - nets[i]!;
      return {
        ...item,
        ids,
        db: dbs[i]!,
        cb:
          Math.floor(mulDivFloor(nets[i]! - dbs[i]!, level.earnBp, 10_000) / 100) +
          ProductBook.extraEarn(promotion, nets[i]! - dbs[i]!),
        messages: [
          ...(afterLevel[i]! < item.sum - item.ds ? [`Скидка по карте ${c.level}`] : []),
          ...(coupon && nets[i]! < afterLevel[i]! ? [`Купон ${coupon}: скидка ${couponBp / 100}%`] : []),
          ...(promotion ? [promotion.message] : []),
        ],
      };
    });
    return { max, multiplicity: c.multiplicity, priced };
  }

  /** `PATCH /customer/{phone}/balance/reserve`: a positive amount reserves, a negative one releases. */
  reserve(phone: string, orderId: string, amount: number): void {
    this.customer(phone);
    const book = this.reserves.get(phone) ?? new Map<string, number>();
    this.reserves.set(phone, book);
    const current = book.get(orderId) ?? 0;
    if (amount > 0 && amount > this.available(phone))
      throw new BusinessError(412, "NOT_ENOUGH_BONUSES", "not enough bonuses to reserve");
    const next = Math.max(0, current + amount);
    if (next === 0) book.delete(orderId);
    else book.set(orderId, next);
  }

  /**
   * `POST /retail`: spends and accrues. Not deduplicated by externalId: nothing documents that it is.
   * Seed 001 2.3 sets the order of the steps: "отменить резервирование бонусов", then "провести продажу",
   * so a sale for an order whose reserve is still active breaks the flow. And 2.2 asks that each line's
   * `ext` be unique ("Необходимо добиться уникальности данного идентификатора"), since returns find the
   * line by it: an ext already sold, or repeated in the sale, breaks it too.
   */
  sell(
    phone: string,
    externalId: string | undefined,
    items: Item[],
    bonusDebit: number,
    store?: string,
    coupons: string[] = [],
  ): RetailOp {
    if (externalId && this.reserves.get(phone)?.has(externalId))
      throw new BusinessError(
        412,
        "RESERVE_ACTIVE",
        `order ${externalId} still has a reserve; cancel it before the sale (seed 001, 2.3)`,
        true,
      );
    const exts = items.map((i) => i.ext).filter((e): e is string => e !== null);
    const sold = new Set(this.retail.flatMap((o) => o.items.map((i) => i.ext)));
    const twice = exts.find((e, i) => sold.has(e) || exts.indexOf(e) !== i);
    if (twice !== undefined)
      throw new BusinessError(412, "EXT_NOT_UNIQUE", `line id ${twice} is not unique (seed 001, 2.2)`, true);
    const { priced } = this.calculate(phone, items, bonusDebit, 0, store, coupons);
    const c = this.customer(phone);
    const earned = priced.reduce((a, p) => a + p.cb, 0);
    c.balance += earned - bonusDebit;
    c.purchasesSum += priced.reduce((a, p) => a + p.sum - p.ds - p.ids - p.db, 0);
    const op: RetailOp = {
      id: `R${++this.seq}`,
      externalId: externalId ?? null,
      phone,
      debit: bonusDebit,
      earned,
      items: priced,
      returned: {},
      restored: 0,
      revoked: 0,
    };
    this.retail.push(op);
    return op;
  }

  /**
   * `PUT /retail/back {ext, sum}` (2.4): "sum (сумма к возврату, возможен частичный возврат по позиции)".
   * The line's own `sum` is "сумма по позиции без учета скидок", so a return's sum is measured on that
   * scale: returning the line's whole `sum` returns the whole line, whatever its discounts. Spent
   * bonuses come back and earned ones are taken away in proportion, counted over the whole sale, so
   * returning every line in full gives back exactly what was spent and takes exactly what was earned.
   */
  returnLine(ext: string, sum: number) {
    const op = this.retail.find((o) => o.items.some((i) => i.ext === ext));
    const item = op?.items.find((i) => i.ext === ext);
    if (!op || !item) throw new BusinessError(404, "RETAIL_ITEM_NOT_FOUND", `no sold line ${ext}`);
    const already = op.returned[ext] ?? 0;
    if (sum <= 0 || already + sum > item.sum)
      throw new BusinessError(412, "RETURN_EXCEEDS_SALE", `at most ${(item.sum - already) / 100} can be returned`);
    op.returned[ext] = already + sum;
    const share = (total: (i: PricedItem) => number) =>
      op.items.reduce(
        (a, i) => a + (i.ext && i.sum > 0 ? mulDivFloor(total(i), op.returned[i.ext] ?? 0, i.sum) : 0),
        0,
      );
    const restoredNow = Math.floor(share((i) => i.db) / 100);
    const revokedNow = share((i) => i.cb);
    const restored = restoredNow - op.restored;
    const revoked = revokedNow - op.revoked;
    op.restored = restoredNow;
    op.revoked = revokedNow;
    const c = this.customer(op.phone);
    c.balance += restored - revoked;
    return { restored, revoked };
  }

  snapshot() {
    return {
      customers: [...this.customers.values()],
      reserves: [...this.reserves].map(([phone, book]) => ({ phone, byOrder: Object.fromEntries(book) })),
      retail: this.retail,
      codes: [...this.codes.values()],
      verified: this.verified,
      products: this.products.snapshot(),
    };
  }
}
