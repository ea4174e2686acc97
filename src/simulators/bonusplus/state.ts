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
  ext: string;
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
  externalId: string;
  phone: string;
  debit: number;
  earned: number;
  items: PricedItem[];
  returned: Record<string, number>;
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

export class BusinessError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** BonusPlus's books: customers, reserves by order id, and recorded sales. */
export class BonusPlusState {
  customers = new Map<string, SimCustomer>();
  reserves = new Map<string, Map<string, number>>();
  retail: RetailOp[] = [];
  readonly products = new ProductBook();
  private seq = 0;

  constructor(private readonly seed: SimCustomer[] = DEMO_CUSTOMERS) {
    this.reset();
  }

  reset(): void {
    this.customers = new Map(this.seed.map((c) => [c.phone, { ...c }]));
    this.reserves = new Map();
    this.retail = [];
    this.products.reset();
    this.seq = 0;
  }

  customer(phone: string): SimCustomer {
    const c = this.customers.get(phone);
    if (!c) throw new BusinessError(404, "CUSTOMER_NOT_FOUND", `customer ${phone} not found`);
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
  calculate(phone: string, items: Item[], bonusDebit: number, extraAvailable = 0, store?: string) {
    const c = this.customer(phone);
    const level = LEVELS[c.level]!;
    const nets = items.map((i) => i.sum - i.ds - mulDivFloor(i.sum - i.ds, level.discountBp, 10_000));
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
        messages: [...(ids > 0 ? [`Скидка по карте ${c.level}`] : []), ...(promotion ? [promotion.message] : [])],
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

  /** `POST /retail`: spends and accrues. Not deduplicated by externalId: nothing documents that it is. */
  sell(phone: string, externalId: string, items: Item[], bonusDebit: number, store?: string): RetailOp {
    const { priced } = this.calculate(phone, items, bonusDebit, 0, store);
    const c = this.customer(phone);
    const earned = priced.reduce((a, p) => a + p.cb, 0);
    c.balance += earned - bonusDebit;
    c.purchasesSum += priced.reduce((a, p) => a + p.sum - p.ds - p.ids - p.db, 0);
    const op: RetailOp = {
      id: `R${++this.seq}`,
      externalId,
      phone,
      debit: bonusDebit,
      earned,
      items: priced,
      returned: {},
    };
    this.retail.push(op);
    return op;
  }

  /** `PUT /retail/back`: returns part of a line; restores spent and revokes earned bonuses in proportion. */
  returnLine(ext: string, sum: number) {
    const op = this.retail.find((o) => o.items.some((i) => i.ext === ext));
    const item = op?.items.find((i) => i.ext === ext);
    if (!op || !item) throw new BusinessError(404, "RETAIL_ITEM_NOT_FOUND", `no sold line ${ext}`);
    const paid = item.sum - item.ds - item.ids - item.db;
    const already = op.returned[ext] ?? 0;
    if (sum <= 0 || already + sum > paid)
      throw new BusinessError(412, "RETURN_EXCEEDS_SALE", `at most ${(paid - already) / 100} can be returned`);
    const restored = Math.floor(mulDivFloor(item.db, sum, paid) / 100);
    const revoked = mulDivFloor(item.cb, sum, paid);
    op.returned[ext] = already + sum;
    const c = this.customer(op.phone);
    c.balance += restored - revoked;
    return { restored, revoked };
  }

  snapshot() {
    return {
      customers: [...this.customers.values()],
      reserves: [...this.reserves].map(([phone, book]) => ({ phone, byOrder: Object.fromEntries(book) })),
      retail: this.retail,
      products: this.products.snapshot(),
    };
  }
}
