import { mulDivFloor } from "../kit/money.ts";

export interface Level {
  id: string;
  title: string;
  /** Basis points. */
  percentBp: number;
  type: "cashback" | "discount";
  maxSpendBp: number;
}

export interface Client {
  id: string;
  phone: string;
  card: string;
  appCode: string;
  name: string;
  level: string;
  balance: number;
}

export interface Hold {
  id: string;
  client: string;
  point: string;
  amount: number;
  until: number;
}

export const LEVELS: Record<string, Level> = {
  bonus: { id: "lvl-bonus", title: "Бонусы", percentBp: 1000, type: "cashback", maxSpendBp: 5000 },
  discount: { id: "lvl-discount", title: "Скидка 5%", percentBp: 500, type: "discount", maxSpendBp: 0 },
};

export const DEMO_CLIENTS: Client[] = [
  {
    id: "c-1001",
    phone: "79001234567",
    card: "100001",
    appCode: "APP1001",
    name: "Анна",
    level: "bonus",
    balance: 878,
  },
  { id: "c-1002", phone: "79007654321", card: "100002", appCode: "APP1002", name: "Иван", level: "bonus", balance: 30 },
  {
    id: "c-1003",
    phone: "79000000003",
    card: "100003",
    appCode: "APP1003",
    name: "Олег",
    level: "discount",
    balance: 0,
  },
];

/** A 422 with `{field: message}`, LoyalClient's only error shape. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** LoyalClient's books: clients by phone, card or app code; holds that expire; operations. */
export class LoyalClientState {
  clients = new Map<string, Client>();
  holds = new Map<string, Hold>();
  retail: Array<{ client: string; point: string; amount: number; spend: number; earn: number }> = [];
  readonly points = new Set(["point-1"]);
  private seq = 0;

  /** Seconds the simulated clock runs ahead of the real one (`POST /__sim/clock`), to let holds expire. */
  private offset = 0;

  constructor(private readonly clock: () => number = () => Math.floor(Date.now() / 1000)) {
    this.reset();
  }

  private now(): number {
    return this.clock() + this.offset;
  }

  advance(seconds: number): void {
    this.offset += seconds;
    this.expire();
  }

  reset(): void {
    this.clients = new Map(DEMO_CLIENTS.map((c) => [c.id, { ...c }]));
    this.holds = new Map();
    this.retail = [];
    this.seq = 0;
    this.offset = 0;
  }

  point(id: string): void {
    if (!this.points.has(id)) throw new FieldError("point", "Point not found.");
  }

  search(text: string): Client {
    const found = [...this.clients.values()].find((c) => c.phone === text || c.card === text || c.appCode === text);
    if (!found) throw new FieldError("client", "Client not found.");
    return found;
  }

  client(id: string): Client {
    const c = this.clients.get(id);
    if (!c) throw new FieldError("client", "Client not found.");
    return c;
  }

  /** Balance less the live holds, except those the caller names (they count as the caller's own). */
  available(clientId: string, own: string[] = []): number {
    this.expire();
    let held = 0;
    for (const h of this.holds.values()) if (h.client === clientId && !own.includes(h.id)) held += h.amount;
    return this.client(clientId).balance - held;
  }

  /** Amounts in kopecks; spend and earn in whole points. */
  recalc(clientId: string, amount: number, own: string[] = []) {
    const c = this.client(clientId);
    const level = LEVELS[c.level]!;
    if (level.type === "discount") return { percentBp: level.percentBp, type: level.type, spend: 0, earn: 0 };
    const bySpendShare = Math.floor(mulDivFloor(amount, level.maxSpendBp, 10_000) / 100);
    return {
      percentBp: level.percentBp,
      type: level.type,
      spend: Math.max(0, Math.min(this.available(clientId, own), bySpendShare)),
      earn: Math.floor(mulDivFloor(amount, level.percentBp, 10_000) / 100),
    };
  }

  hold(clientId: string, point: string, amount: number, minutes: number): Hold {
    this.point(point);
    if (amount <= 0) throw new FieldError("amount", "Amount must be positive");
    if (minutes < 1 || minutes > 30) throw new FieldError("duration", "Duration must be from 1 to 30 minutes");
    if (amount > this.available(clientId)) throw new FieldError("amount", "Not enough bonuses");
    const hold = { id: `h-${++this.seq}`, client: clientId, point, amount, until: this.now() + minutes * 60 };
    this.holds.set(hold.id, hold);
    return hold;
  }

  release(id: string): void {
    this.holds.delete(id);
  }

  /** A new operation at a point ends every hold there; the named holds are consumed by it. */
  sell(clientId: string, point: string, amount: number, spend: number, own: string[]) {
    this.point(point);
    const quote = this.recalc(clientId, amount, own);
    if (spend > quote.spend) throw new FieldError("spend", `Spend can't be more ${quote.spend}`);
    for (const [id, h] of this.holds) if (h.point === point) this.holds.delete(id);
    const earn = spend > 0 ? 0 : quote.earn;
    this.client(clientId).balance += earn - spend;
    const op = { client: clientId, point, amount, spend, earn };
    this.retail.push(op);
    return { ...op, percentBp: quote.percentBp, type: quote.type };
  }

  private expire(): void {
    const now = this.now();
    for (const [id, h] of this.holds) if (h.until <= now) this.holds.delete(id);
  }

  snapshot() {
    this.expire();
    return { clients: [...this.clients.values()], holds: [...this.holds.values()], retail: this.retail };
  }
}
