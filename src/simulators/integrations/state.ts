import { demoItemId } from "../posiflora/catalog-seed.ts";

export interface Client {
  id_client: string;
  user_token: string;
  phone: string;
  name: string;
  balance: number;
  earn_percent: number;
  redeem_limit_percent: number;
  accruals_blocked: boolean;
  redemptions_blocked: boolean;
}

export interface Item {
  id_product: string;
  name?: string;
  qty: number;
  price: number;
  actions?: string[];
  action_names?: string[];
}

interface Operation {
  order_id: string;
  invoice_num: string;
  key: string;
  client: string;
  fingerprint: string;
  paid: number;
  earned: number;
  refund: null | { points_restored: number; points_revoked: number; balance_after: number; at: number };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const DEMO_CLIENTS: Client[] = [
  {
    id_client: "cl-501",
    user_token: "qr-anna-501",
    phone: "+79001234567",
    name: "Анна",
    balance: 400,
    earn_percent: 5,
    redeem_limit_percent: 30,
    accruals_blocked: false,
    redemptions_blocked: false,
  },
  {
    id_client: "cl-502",
    user_token: "qr-ivan-502",
    phone: "+79007654321",
    name: "Иван",
    balance: 15,
    earn_percent: 3,
    redeem_limit_percent: 30,
    accruals_blocked: false,
    redemptions_blocked: false,
  },
  {
    id_client: "cl-503",
    user_token: "qr-oleg-503",
    phone: "+79000000003",
    name: "Олег",
    balance: 900,
    earn_percent: 5,
    redeem_limit_percent: 50,
    accruals_blocked: false,
    redemptions_blocked: true,
  },
];

const PRICE_CUT = { id: "act-price-10", name: "Тюльпаны −10%", kind: "PRICE" as const };
const THIRD_FREE = { id: "act-nth-3", name: "Каждая третья открытка в подарок", kind: "NTH_FREE" as const };
const DOUBLE_POINTS = { id: "act-x2", name: "Двойные баллы на розы", kind: "POINTS_MULTIPLIER" as const };

/**
 * Promotions as the platform would hold them: a price cut, every third card free, double points on
 * roses; by the products' ids here and in the demo catalog (whose ids the demo shop's price list uses).
 */
export const PROMOTIONS: Record<string, typeof PRICE_CUT | typeof THIRD_FREE | typeof DOUBLE_POINTS> = {
  "tulip-9": PRICE_CUT,
  card: THIRD_FREE,
  "rose-15": DOUBLE_POINTS,
  [demoItemId("tulip")]: PRICE_CUT,
  [demoItemId("card")]: THIRD_FREE,
  [demoItemId("rose-15")]: DOUBLE_POINTS,
};

const HOUR = 3_600_000;

/** The platform's books: clients, operations by idempotency key, refunds kept for 72 hours. */
export class IntegrationsState {
  clients = new Map<string, Client>();
  operations: Operation[] = [];
  /** Request times per rate-limited route, for the per-minute limits. */
  rate = new Map<string, number[]>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {
    this.reset();
  }

  reset(): void {
    this.clients = new Map(DEMO_CLIENTS.map((c) => [c.id_client, { ...c }]));
    this.operations = [];
    this.rate = new Map();
    this.seq = 0;
  }

  find(who: { user_token?: string; id_client?: string; phone?: string }): Client {
    const c = [...this.clients.values()].find(
      (x) =>
        (who.id_client && x.id_client === who.id_client) ||
        (who.user_token && x.user_token === who.user_token) ||
        (who.phone && x.phone === who.phone),
    );
    // providers.md: "Business errors, such as not enough points or customer not found, are mostly 400."
    if (!c) throw new HttpError(400, "BadRequest", "Client not found");
    return c;
  }

  /** `code`: checks a QR `user_token`; one that no client has is refused as a bad request. */
  byToken(token: string): Client {
    const c = [...this.clients.values()].find((x) => x.user_token === token);
    if (!c) throw new HttpError(400, "BadRequest", "Invalid user_token");
    return c;
  }

  /** `calculate/action`: applies the promotions and returns normalised positions. */
  actions(items: Item[]) {
    return items.flatMap((i) => {
      const promo = PROMOTIONS[i.id_product];
      const base = {
        id_product: i.id_product,
        name: i.name ?? null,
        base_price: null as number | null,
        actions: [] as string[],
        actions_names: [] as string[],
      };
      if (!promo) return [{ ...base, qty: i.qty, price: i.price }];
      const tagged = { ...base, actions: [promo.id], actions_names: [promo.name] };
      if (promo.kind === "PRICE")
        return [{ ...tagged, qty: i.qty, price: Math.floor(i.price * 0.9), base_price: i.price }];
      if (promo.kind === "POINTS_MULTIPLIER") return [{ ...tagged, qty: i.qty, price: i.price }];
      const free = Math.floor(i.qty / 3);
      const paid = [{ ...tagged, qty: i.qty - free, price: i.price }];
      return free ? [...paid, { ...tagged, qty: free, price: 0, base_price: i.price }] : paid;
    });
  }

  /** `calculate/bonus`: whole-cheque maximum and accrual; promotions count only if passed in `actions`. */
  quote(client: Client, items: Item[], paid: number) {
    const total = items.reduce((a, i) => a + i.price * i.qty, 0);
    const max = client.redemptions_blocked
      ? 0
      : Math.max(0, Math.min(client.balance, Math.floor((total * client.redeem_limit_percent) / 100)));
    if (paid > max) throw new HttpError(400, "ValidationFailed", `paid_bonus exceeds max_pay_bonus (${max})`);
    const payable = total - paid;
    const perItem = items.map((i) => {
      const share = total ? Math.floor((i.price * i.qty * payable) / total) : 0;
      const factor = i.actions?.includes(DOUBLE_POINTS.id) ? 2 : 1;
      return {
        id_product: i.id_product,
        name: i.name ?? null,
        price: i.price,
        quantity: i.qty,
        max_pay_bonus: total ? Math.floor((i.price * i.qty * max) / total) : 0,
        earn_bonus: client.accruals_blocked ? 0 : Math.floor((share * client.earn_percent * factor) / 100),
      };
    });
    const earn = perItem.reduce((a, i) => a + i.earn_bonus, 0);
    return { total, max, earn, perItem };
  }

  /** `bonus`: the same key and client give the first result; the same key for another client is a conflict. */
  purchase(
    client: Client,
    key: string,
    invoice: string | undefined,
    items: Item[],
    paid: number,
    /** "Если `bonus_value` явно `0`, начисления не делаются"; absent means the automatic accrual. */
    bonusValue?: number,
  ) {
    const fingerprint = JSON.stringify([client.id_client, items, paid]);
    const earlier = this.operations.find((o) => o.key === key);
    if (earlier) {
      if (earlier.client !== client.id_client)
        throw new HttpError(409, "Conflict", "idempotency_key was used for another client");
      return { op: earlier, replay: true };
    }
    if (paid > client.balance) throw new HttpError(400, "BadRequest", "Not enough points");
    const quoted = this.quote(client, items, paid).earn;
    const earn = bonusValue ?? quoted;
    client.balance += earn - paid;
    const op: Operation = {
      order_id: `op-${++this.seq}`,
      invoice_num: invoice ?? `inv-${this.seq}`,
      key,
      client: client.id_client,
      fingerprint,
      paid,
      earned: earn,
      refund: null,
    };
    this.operations.push(op);
    return { op, replay: false };
  }

  /** `refund`: restores spent points and revokes earned ones; a replay within 72 h returns the stored result. */
  refund(ref: { invoice_num?: string; order_id?: string }) {
    const op = this.operations.find(
      (o) => (ref.order_id && o.order_id === ref.order_id) || (ref.invoice_num && o.invoice_num === ref.invoice_num),
    );
    if (!op) throw new HttpError(404, "NotFound", "Operation not found");
    if (op.refund && this.now() - op.refund.at < 72 * HOUR) return op;
    if (op.refund) throw new HttpError(409, "Conflict", "Operation was refunded more than 72 hours ago");
    const client = this.clients.get(op.client)!;
    client.balance += op.paid - op.earned;
    op.refund = { points_restored: op.paid, points_revoked: op.earned, balance_after: client.balance, at: this.now() };
    return op;
  }

  snapshot() {
    return { clients: [...this.clients.values()], bonuses: this.operations.map(({ fingerprint: _f, ...o }) => o) };
  }
}
