import { randomUUID } from "node:crypto";
import { mulDivFloor } from "../kit/money.ts";
import { PosifloraCatalog } from "./catalog-state.ts";

export interface Customer {
  id: string;
  title: string;
  phone: string;
  countryCode: number;
  bonusCard: string;
  currentPoints: number;
  spentPoints: number;
  status: "on" | "off" | "deleted";
  bonusGroupId: string | null;
  updatedAt: string;
}

/** A line of a customer's bonus history: signed points, by staff (`admin`) or by an order. */
export interface BonusHistoryLine {
  id: string;
  amount: number;
  admin: boolean;
  orderId: string | null;
  createdAt: string;
}

export interface BonusGroup {
  id: string;
  title: string;
  bonusRate: number;
  limit: number;
  entryAmount: number;
  status: "on" | "off";
}

/** A line as the order was created with it: the list price and what the customer pays, in kopecks. */
export interface OrderLine {
  id: string;
  itemId: string;
  /** Hundredths of a unit. */
  qty: number;
  price: number;
  totalAmount: number;
  discountPrice: number | null;
  totalAmountWithDiscount: number;
}

/** Where orders come from (`/v1/order-sources`): an id, the title staff see, and whether it is hidden. */
export interface OrderSource {
  id: string;
  title: string;
  hidden: boolean;
  revision: number;
}

export type OrderStatus = "new" | "assembled" | "courier" | "done" | "canceled" | "returned" | "notAccepted";

export interface Order {
  id: string;
  docNo: string;
  status: OrderStatus;
  customerId: string | null;
  /** Kopecks: what the lines cost the customer, after their discounts. */
  totalAmount: number;
  byBonuses: boolean;
  lines: OrderLine[];
  attributes: Record<string, unknown>;
  relationships: Record<string, unknown>;
  payments: Array<{ id: string; paymentType: string; amount: number; bonusAmount: number; prepayment?: boolean }>;
  accrued: number;
  /** Points were given back by a return (the status may change again afterwards). */
  returned: boolean;
  /** Set through PATCH /v1/orders/{id}/delivery-status: courier, delivered or cannotBeDelivered. */
  deliveryStatus?: string;
  revision: number;
  updatedAt: string;
}

export class JsonApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** Where in the request (JSON:API `source.pointer`), and whether it breaks the documents (a violation). */
    readonly at?: { pointer: string; violation?: "body" | "flow" },
  ) {
    super(detail);
  }
}

export const DEMO_GROUPS: BonusGroup[] = [
  { id: "57", title: "Бонусы 10%", bonusRate: 10, limit: 30, entryAmount: 0, status: "on" },
  { id: "58", title: "Без бонусов", bonusRate: 0, limit: 0, entryAmount: 0, status: "off" },
];

/**
 * The order sources of the OpenAPI document's example (Site, Telephone, Terminal), and the one the demo
 * shop's staff made for the Mini App.
 */
export const DEMO_ORDER_SOURCES: OrderSource[] = [
  { id: "f128f295-5f2a-41b5-b63d-e6e1d6dbd4d5", title: "Site", hidden: false, revision: 0 },
  { id: "fbd7aeac-ea2b-4fbe-8e5a-664d46fdab4b", title: "Telephone", hidden: false, revision: 0 },
  { id: "9bed7b59-94dc-4ce4-aac2-883aab1a148c", title: "Terminal", hidden: false, revision: 0 },
  { id: "5f0c7f52-8a43-4f7e-9b8e-2d4c6a1e0b17", title: "Telegram Mini App", hidden: false, revision: 0 },
];

export const DEMO_CUSTOMERS: Omit<Customer, "updatedAt">[] = [
  {
    id: "c0a8f1e2-0001-4000-a000-000000000001",
    title: "Анна Петрова",
    phone: "9001234567",
    countryCode: 7,
    bonusCard: "PF-0001",
    currentPoints: 350,
    spentPoints: 0,
    status: "on",
    bonusGroupId: "57",
  },
  {
    id: "c0a8f1e2-0002-4000-a000-000000000002",
    title: "Иван Смирнов",
    phone: "9007654321",
    countryCode: 7,
    bonusCard: "PF-0002",
    currentPoints: 20,
    spentPoints: 0,
    status: "on",
    bonusGroupId: "57",
  },
  {
    id: "c0a8f1e2-0003-4000-a000-000000000003",
    title: "Олег Без-Группы",
    phone: "9000000003",
    countryCode: 7,
    bonusCard: "PF-0003",
    currentPoints: 500,
    spentPoints: 0,
    status: "on",
    bonusGroupId: "58",
  },
];

/** Posiflora's books: customers, bonus groups, orders with payments; points accrue when an order is done. */
export class PosifloraState {
  customers = new Map<string, Customer>();
  groups = new Map<string, BonusGroup>();
  orders = new Map<string, Order>();
  orderSources = new Map<string, OrderSource>();
  /** Bonus history by customer id, oldest first. */
  history = new Map<string, BonusHistoryLine[]>();
  readonly catalog: PosifloraCatalog;
  private docSeq = 1000;
  private historySeq = 0;
  /** How far the vendor's clock runs ahead of the real one (`POST /__sim/clock`). */
  private offsetMs = 0;

  constructor(private readonly clock: () => Date = () => new Date()) {
    this.catalog = new PosifloraCatalog(() => this.now());
    this.reset();
  }

  /** The vendor's time: the real clock plus what tests moved it by. */
  now(): Date {
    return new Date(this.clock().getTime() + this.offsetMs);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
    this.history = new Map();
    this.historySeq = 0;
    const at = this.now().toISOString();
    this.customers = new Map(DEMO_CUSTOMERS.map((c) => [c.id, { ...c, updatedAt: at }]));
    this.groups = new Map(DEMO_GROUPS.map((g) => [g.id, { ...g }]));
    this.orders = new Map();
    this.orderSources = new Map(DEMO_ORDER_SOURCES.map((s) => [s.id, { ...s }]));
    this.catalog.reset();
    this.docSeq = 1000;
  }

  /** `search` matches the title, the phone (with or without the country code) or the bonus card. */
  search(text: string): Customer[] {
    const q = text.toLowerCase();
    const digits = text.replace(/\D/g, "");
    return [...this.customers.values()].filter(
      (c) =>
        c.title.toLowerCase().includes(q) ||
        c.bonusCard.toLowerCase() === q ||
        (digits.length >= 5 && (`${c.countryCode}${c.phone}`.includes(digits) || c.phone.includes(digits))),
    );
  }

  order(id: string): Order {
    const order = this.orders.get(id);
    if (!order) throw new JsonApiError(404, "NOT_FOUND", `Order ${id} not found`);
    return order;
  }

  createOrder(
    input: Omit<Order, "docNo" | "payments" | "accrued" | "returned" | "revision" | "updatedAt" | "lines"> & {
      lines?: OrderLine[];
    },
  ): Order {
    // JSON:API: "A server MUST return 409 Conflict when processing a POST request to create a resource
    // with a client-generated ID that already exists."
    if (this.orders.has(input.id)) throw new JsonApiError(409, "Conflict", `Order ${input.id} already exists`);
    const order: Order = {
      ...input,
      lines: input.lines ?? [],
      docNo: String(++this.docSeq),
      payments: [],
      accrued: 0,
      returned: false,
      revision: 1,
      updatedAt: this.now().toISOString(),
    };
    this.orders.set(order.id, order);
    return order;
  }

  /** `POST /v1/order-sources`: a client-made id that exists is 409 (JSON:API). */
  createOrderSource(input: { id?: string; title: string }): OrderSource {
    const id = input.id ?? randomUUID();
    if (this.orderSources.has(id)) throw new JsonApiError(409, "Conflict", `Order source ${id} already exists`);
    const source = { id, title: input.title, hidden: false, revision: 1 };
    this.orderSources.set(id, source);
    return source;
  }

  /** `POST /v1/customers`: a client-made id that exists is 409 (JSON:API), as is a second customer with the phone. */
  createCustomer(input: Omit<Customer, "currentPoints" | "spentPoints" | "updatedAt">): Customer {
    if (this.customers.has(input.id)) throw new JsonApiError(409, "Conflict", `Customer ${input.id} already exists`);
    const taken = [...this.customers.values()].some(
      (c) => c.status !== "deleted" && `${c.countryCode}${c.phone}` === `${input.countryCode}${input.phone}`,
    );
    if (taken) throw new JsonApiError(422, "phone_taken", `A customer with phone ${input.phone} exists`);
    if (input.bonusGroupId && !this.groups.has(input.bonusGroupId))
      throw new JsonApiError(422, "invalid_bonus_group", `Bonus group ${input.bonusGroupId} not found`);
    const customer: Customer = { ...input, currentPoints: 0, spentPoints: 0, updatedAt: this.now().toISOString() };
    this.customers.set(customer.id, customer);
    return customer;
  }

  customer(id: string): Customer {
    const c = this.customers.get(id);
    if (!c) throw new JsonApiError(404, "NOT_FOUND", `Customer ${id} not found`);
    return c;
  }

  /** A payment with `bonusAmount` spends the customer's points; a client-made id that exists is a 409 (JSON:API). */
  pay(
    orderId: string,
    payment: { id?: string; paymentType: string; amount: number; bonusAmount: number; prepayment?: boolean },
  ): void {
    const order = this.order(orderId);
    const id = payment.id ?? randomUUID();
    if (order.payments.some((p) => p.id === id))
      throw new JsonApiError(409, "Conflict", `Payment ${id} already exists`);
    if (payment.paymentType === "return" && payment.amount > 0) {
      // A return of money gives back what the order was paid in money, never more.
      const paid = order.payments.reduce(
        (a, p) => a + (p.paymentType === "payment" ? p.amount : p.paymentType === "return" ? -p.amount : 0),
        0,
      );
      if (payment.amount > paid)
        throw new JsonApiError(422, "invalid_amount", "A return cannot give back more money than the order was paid");
    }
    if (payment.paymentType === "return" && payment.bonusAmount > 0) {
      // A return payment gives back points the order spent, never more.
      const spent = order.payments.reduce(
        (a, p) => a + (p.paymentType === "payment" ? p.bonusAmount : p.paymentType === "return" ? -p.bonusAmount : 0),
        0,
      );
      const customer = order.customerId ? this.customers.get(order.customerId) : undefined;
      if (!customer || payment.bonusAmount > spent)
        throw new JsonApiError(422, "invalid_amount", "A return cannot give back more points than the order spent");
      this.move(customer, payment.bonusAmount, { orderId });
      customer.spentPoints -= payment.bonusAmount;
      order.payments.push({ id, ...payment });
      this.touch(order);
      return;
    }
    if (payment.bonusAmount > 0) {
      const customer = order.customerId ? this.customers.get(order.customerId) : undefined;
      if (!customer) throw new JsonApiError(422, "NO_CUSTOMER", "Bonus payment needs an order customer");
      if (payment.bonusAmount > customer.currentPoints)
        throw new JsonApiError(422, "NOT_ENOUGH_POINTS", "Customer has not enough points");
      this.move(customer, -payment.bonusAmount, { orderId });
      customer.spentPoints += payment.bonusAmount;
      order.byBonuses = true;
    }
    order.payments.push({ id, ...payment });
    this.touch(order);
  }

  /**
   * Changes the status; `done` (the sale closed: whatever the points did not pay was paid in money at
   * the shop) accrues the group's rate on that money part of the order's total, once.
   */
  setStatus(orderId: string, status: OrderStatus): Order {
    const order = this.order(orderId);
    order.status = status;
    if (status === "done" && order.accrued === 0) {
      const customer = order.customerId ? this.customers.get(order.customerId) : undefined;
      const group = customer?.bonusGroupId ? this.groups.get(customer.bonusGroupId) : undefined;
      if (customer && group?.status === "on") {
        const bonusPaid = order.payments.reduce(
          (a, p) => a + (p.paymentType === "payment" ? p.bonusAmount : p.paymentType === "return" ? -p.bonusAmount : 0),
          0,
        );
        const money = Math.max(0, order.totalAmount - bonusPaid * 100);
        order.accrued = Math.floor(mulDivFloor(money, group.bonusRate * 100, 10_000) / 100);
        this.move(customer, order.accrued, { orderId });
      }
    }
    this.touch(order);
    return order;
  }

  /** `PATCH /v1/orders/{id}/delivery-status`: the courier's outcome. */
  setDeliveryStatus(orderId: string, deliveryStatus: string): Order {
    const order = this.order(orderId);
    if (!order.attributes.delivery)
      throw new JsonApiError(422, "invalid_order", `Order ${orderId} is not a delivery order`);
    order.deliveryStatus = deliveryStatus;
    this.touch(order);
    return order;
  }

  /**
   * The florist changes an open order in Posiflora's own screens: a bouquet substituted, a quantity or a
   * price changed. The total follows the lines.
   */
  editLines(orderId: string, lines: Array<{ itemId: string; qty: number; price: number }>): Order {
    const order = this.order(orderId);
    if (["done", "canceled", "returned", "notAccepted"].includes(order.status))
      throw new JsonApiError(422, "invalid_status", `Order in status ${order.status} cannot be changed`);
    order.lines = lines.map((l, i) => {
      const amount = mulDivFloor(l.price, l.qty, 100);
      return {
        id: `${order.id}-e${order.revision}-${i + 1}`,
        itemId: l.itemId,
        qty: l.qty,
        price: l.price,
        totalAmount: amount,
        discountPrice: null,
        totalAmountWithDiscount: amount,
      };
    });
    order.totalAmount = order.lines.reduce((a, l) => a + l.totalAmountWithDiscount, 0);
    order.relationships = {
      ...order.relationships,
      lines: { data: order.lines.map((l) => ({ type: "order-lines", id: l.id })) },
    };
    this.touch(order);
    return order;
  }

  /** A return gives spent points back and takes accrued ones away. */
  returnOrder(orderId: string): Order {
    const order = this.order(orderId);
    if (order.returned) return order;
    // Goods come back from a sale: only a done order can be returned.
    if (order.status !== "done")
      throw new JsonApiError(422, "invalid_status", `Order in status ${order.status} cannot be returned`);
    const customer = order.customerId ? this.customers.get(order.customerId) : undefined;
    if (customer) {
      const spent = order.payments.reduce(
        (a, p) => a + (p.paymentType === "payment" ? p.bonusAmount : p.paymentType === "return" ? -p.bonusAmount : 0),
        0,
      );
      this.move(customer, spent, { orderId });
      this.move(customer, -order.accrued, { orderId });
      customer.spentPoints -= spent;
    }
    order.status = "returned";
    order.returned = true;
    this.touch(order);
    return order;
  }

  /**
   * A change made in the shop, not through the API: staff add or take points (a correction, a purchase
   * at the till, an expiry). A balance never goes below zero.
   */
  adjust(customerId: string, amount: number): Customer {
    const customer = this.customer(customerId);
    if (customer.currentPoints + amount < 0)
      throw new JsonApiError(422, "invalid_amount", "A balance cannot go below zero");
    this.move(customer, amount, { admin: true });
    return customer;
  }

  /** Moves a customer's points and writes the line of their bonus history; the customer counts as updated. */
  private move(customer: Customer, amount: number, by: { orderId?: string; admin?: boolean }): void {
    if (amount === 0) return;
    customer.currentPoints += amount;
    customer.updatedAt = this.now().toISOString();
    const lines = this.history.get(customer.id) ?? [];
    lines.push({
      id: String(++this.historySeq),
      amount,
      admin: by.admin ?? false,
      orderId: by.orderId ?? null,
      createdAt: customer.updatedAt,
    });
    this.history.set(customer.id, lines);
  }

  snapshot() {
    return { customers: [...this.customers.values()], orders: [...this.orders.values()] };
  }

  private touch(order: Order): void {
    order.revision += 1;
    order.updatedAt = this.now().toISOString();
  }
}
