import type { MinorUnits } from "../money.ts";
import type { OrderStatus } from "../order-state.ts";
import type { DeliveryStatus } from "../order.ts";
import type { CatalogProvider } from "./catalog.port.ts";

/**
 * The contract of an order system (Posiflora): the gateway creates the shop's order there at
 * confirmation, cancels it, and reads its status. Every method is safe to repeat for the same order id.
 */
export interface OrderProvider extends OrderSystemAdapter {
  /** The id of the module that built it, as the shops file names the adapter. */
  readonly adapter: string;
  /** The vendor's statuses on the unified lifecycle, declared by the module; the raw status is kept beside it. */
  readonly statusMap: Readonly<Record<string, OrderStatus>>;
  /** The vendor's delivery outcomes on the unified ones, declared by the module. */
  readonly deliveryMap: Readonly<Record<string, DeliveryStatus>>;
}

/** What an order-system adapter class implements; its module supplies the rest of `OrderProvider`. */
export interface OrderSystemAdapter {
  readonly instanceId: string;
  /** The store that takes delivery orders (its prices and stock apply to them); null when not configured. */
  readonly deliveryStoreId: string | null;

  /**
   * Checks, or sets up, at the vendor what every order needs (Posiflora: its order source), at start-up.
   * A refusal the vendor gives for certain is a configuration error; an unreachable vendor is asked again
   * by the first order.
   */
  prepare?(): Promise<void>;

  /**
   * Creates the order under our own id (the vendor accepts client-made ids); repeating it is harmless.
   * @example await orders.createOrder({ id, lines, customerPhone: "79001234567", ... }) // { reference: "1042", vendorStatus: "new" }
   */
  createOrder(order: ProviderOrder): Promise<{ reference: string; vendorStatus: string }>;

  /** The shop completed the order through the gateway: the vendor marks it done too. Repeating it is harmless. */
  completeOrder(orderId: string): Promise<{ vendorStatus: string }>;

  /** The whole order was refunded through the gateway: the vendor records the return. Repeating it is harmless. */
  returnOrder(orderId: string): Promise<{ vendorStatus: string }>;

  /**
   * Records money paid through the gateway's PSP (a `PAYMENT`, with the prepayment mark) or given back
   * (`RETURN`) in the order's payments, so that the florist sees a prepaid order as paid. Repeating the
   * same `idempotencyKey` records it once.
   * @example await orders.recordPayment(orderId, { kind: "PAYMENT", amount: 350_000, prepayment: true, idempotencyKey: "pay:1:record" })
   */
  recordPayment(
    orderId: string,
    payment: { kind: "PAYMENT" | "RETURN"; amount: MinorUnits; prepayment: boolean; idempotencyKey: string },
  ): Promise<void>;

  /** Cancels the order at the vendor; cancelling a cancelled order succeeds. */
  cancelOrder(orderId: string, reason: string): Promise<{ vendorStatus: string }>;

  /**
   * The order as the vendor has it now: its status, and its lines and total as the florist left them
   * (lines null where the vendor's answer does not carry them).
   */
  getOrder(orderId: string): Promise<VendorOrder>;

  /**
   * Orders changed at or after `since` (the vendor's own timestamp, as text), oldest change first, a
   * page at a time; `next` is the page to ask for after this one, or null.
   * @example await orders.listChanged("2026-11-24T10:00:00Z", 1) // { orders: [{ id, vendorStatus, updatedAt }], next: 2 }
   */
  listChanged(since: string | null, page: number): Promise<{ orders: VendorOrderChange[]; next: number | null }>;
}

export interface VendorOrder {
  vendorStatus: string;
  revision: number | null;
  deliveryStatus: string | null;
  /** What the order costs now, in minor units; null where the vendor does not say. */
  total: MinorUnits | null;
  lines: Array<{ productId: string; quantity: number; unitPrice: MinorUnits; total: MinorUnits }> | null;
}

export interface VendorOrderChange {
  id: string;
  vendorStatus: string;
  /** The vendor's delivery status (Posiflora: courier, delivered, cannotBeDelivered), where it has one. */
  deliveryStatus: string | null;
  updatedAt: string;
  revision: number | null;
}

export interface ProviderOrder {
  id: string;
  /**
   * The lines as the customer pays them: `unitPrice` is the list price, `total` what the line costs after
   * the loyalty programme's discounts (and after redeemed points where they are a discount, see
   * `LoyaltyFlow.redeemedAs`). Minor units.
   */
  lines: Array<{
    productId: string;
    name: string | null;
    quantity: number;
    unitPrice: MinorUnits;
    total: MinorUnits;
  }>;
  /** Who buys: the name and phone (E.164 digits) from the order's contact, or its linked customer. */
  buyer: { name: string | null; phone: string | null };
  comment: string | null;
  /** The order's date in the shop's calendar (YYYY-MM-DD, in the shop's time zone), when it is placed. */
  date: string;
  /**
   * Whether the order's loyalty programme is the order system's own (the same vendor). When it is not,
   * the order system must not run its own programme on the order: the buyer would earn twice.
   */
  orderSystemLoyalty: boolean;
  /** Points paid on this order as the order system's own bonus payment (made right after it is created). */
  byBonuses: boolean;
  /** A pickup: the store and the time the customer comes (ISO 8601 with offset), if they chose one. */
  pickup: null | { storeId: string; at: string | null };
  delivery: null | {
    city: string;
    street: string;
    house: string;
    apartment: string | null;
    from: string | null;
    to: string | null;
    recipientName: string | null;
    recipientPhone: string | null;
  };
}

/** What an order-system module builds from one configured instance: orders, and the shop window if the vendor has one. */
export interface OrderSystem {
  orders: OrderProvider;
  catalog: CatalogProvider | null;
}
