import { ConflictError, InvalidInputError, ProviderError } from "./errors.ts";
import { InvalidStateError, OPEN_STATUSES, type OrderStatus } from "./order-state.ts";
import type { OrderRecord } from "./order.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { receiptPhone, takesPrepayment } from "./order-payments.ts";
import type { Shop } from "./shop-directory.ts";

/**
 * The order process, in the manner of Vendure's default order process: every command that moves an
 * order, the statuses it starts from and may end in, its guards (typed vetoes, checked before anything
 * moves) and its effects, in order. Effects are chosen by the flow kind the provider's declared
 * behaviour gives, never by its name. The services ask `OrderProcess` (order-process.runner.ts) for a
 * command; the effects' code is there, each under the name declared here (the two hold effects in
 * hold-effects.ts).
 * docs/order-process.md is drawn from these declarations (`npm run docs:order-process`).
 */

/** How a provider's points move through an order: who holds them, and when the purchase is recorded. */
export const FLOW_KINDS = [
  "VENDOR_HOLD/COMMIT_AT_COMPLETE",
  "LEDGER_HOLD/COMMIT_AT_CONFIRM",
  "LEDGER_HOLD/COMMIT_AT_COMPLETE",
] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];

export function flowKindOf(provider: Pick<LoyaltyProvider, "capabilities" | "behaviour">): FlowKind {
  const holder = provider.capabilities.hold === "NATIVE" ? "VENDOR_HOLD" : "LEDGER_HOLD";
  const kind = `${holder}/COMMIT_AT_${provider.behaviour.flow.commitAt}`;
  if (!(FLOW_KINDS as readonly string[]).includes(kind))
    throw new Error(`no order process is declared for the flow ${kind}`);
  return kind as FlowKind;
}

export type Command =
  | "applyBonuses"
  | "updateItems"
  | "confirm"
  | "pay"
  | "paymentAuthorised"
  | "paymentDeclined"
  | "capture"
  | "complete"
  | "cancel"
  | "refund";

export type Guard =
  /** The cart and the points may still change: nothing is placed, committed or in the order system. */
  | "notPlaced"
  /** Points are redeemed only by a known customer. */
  | "knownCustomerToRedeem"
  /** A committed purchase can be cancelled only where the provider gives the points back. */
  | "purchaseReturnable"
  /** The provider refunds the purchase, or the lines asked, and something is left to refund. */
  | "refundable"
  /** The shop takes prepayment, money is left to pay after points, and a receipt can reach the buyer. */
  | "payable";

export type Effect =
  /** Prices the cart with the points asked, then releases the old hold and holds the new amount. */
  | "holdPoints"
  /** Prices the new cart, releases the hold, and holds again what the new cart allows (or restores the old). */
  | "holdPointsForNewCart"
  /** A vendor's hold that ran out is made again, or the order answers HOLD_EXPIRED. */
  | "renewLapsedHold"
  /** The order is created in the shop's order system. */
  | "createInOrderSystem"
  /** The purchase is recorded at the provider: points spent and earned. */
  | "commitPurchase"
  /**
   * The order is read back from the order system: where the florist changed lines or prices, a sale not
   * yet recorded follows what was sold (priced and held again); one already recorded is noted for staff.
   */
  | "takeWhatWasSold"
  /** The order system is told the order is done (unless it is the one that reported it). */
  | "completeInOrderSystem"
  /**
   * Where the vendor accrues by itself once the order is done (the purchase call only spends), what it
   * accrued is read from its books and becomes the order's points earned; until then the order shows the
   * calculation's estimate, and it keeps it where the books do not tell.
   */
  | "readEarnedPoints"
  /** The hold is released, or a committed purchase refunded (weighed against the balance). */
  | "releaseOrReturnPoints"
  /** The order system is told the order is cancelled. */
  | "cancelInOrderSystem"
  /** The points leg of a refund, weighed against the balance (the shop's refundShortfall policy). */
  | "refundPoints"
  /** A whole refund: the order system records the return. */
  | "returnInOrderSystem"
  /** The gateway's holds of the customer's other open orders are checked against the balance left. */
  | "recheckOtherHolds"
  /**
   * The money part (after points) is asked of the buyer at the shop's PSP, with the receipt of the lines
   * at the prices paid; a payment still live (pending, held) is the one the buyer pays.
   */
  | "createPayment"
  /**
   * The held money is taken once the shop's capture moment has come (AT_PLACEMENT, AT_READY,
   * AT_COMPLETION), and written into the order system with its prepayment mark.
   */
  | "capturePayment"
  /** Goods paid ahead are handed over: the 54-FZ settlement receipt, where the PSP makes the shop's receipts. */
  | "settleReceipt"
  /** A held payment is cancelled (free); money already taken is given back whole. */
  | "cancelPayment"
  /** The money leg of a refund: the returned lines' money, capped at what is left captured, with their receipt. */
  | "refundMoney";

export interface Step {
  readonly from: readonly OrderStatus[];
  readonly to: readonly OrderStatus[];
  readonly guards: readonly Guard[];
  /** The effects, in order, for each flow kind. */
  readonly effects: Readonly<Record<FlowKind, readonly Effect[]>>;
}

const NOT_PLACED: readonly OrderStatus[] = ["CALCULATED", "BONUSES_HELD"];
const OPEN = OPEN_STATUSES;
/** What confirmation does per flow kind, whether it follows the order's confirmation or its payment. */
const PLACE: Record<FlowKind, readonly Effect[]> = {
  "VENDOR_HOLD/COMMIT_AT_COMPLETE": ["renewLapsedHold", "createInOrderSystem"],
  "LEDGER_HOLD/COMMIT_AT_CONFIRM": ["createInOrderSystem", "commitPurchase"],
  "LEDGER_HOLD/COMMIT_AT_COMPLETE": ["createInOrderSystem"],
};
const every = (effects: readonly Effect[]): Record<FlowKind, readonly Effect[]> =>
  Object.fromEntries(FLOW_KINDS.map((k) => [k, effects])) as Record<FlowKind, readonly Effect[]>;

export const ORDER_PROCESS: Readonly<Record<Command, Step>> = {
  applyBonuses: {
    from: NOT_PLACED,
    to: NOT_PLACED,
    guards: ["notPlaced", "knownCustomerToRedeem"],
    effects: every(["holdPoints"]),
  },
  updateItems: {
    from: NOT_PLACED,
    to: NOT_PLACED,
    guards: ["notPlaced"],
    effects: every(["holdPointsForNewCart"]),
  },
  /** Confirmation in a shop that takes no prepayment (or nothing is left to pay after points). */
  confirm: {
    from: NOT_PLACED,
    to: ["PLACED"],
    guards: [],
    effects: PLACE,
  },
  /**
   * Confirmation in a shop that takes prepayment (confirmOrder asks for it there), and the buyer's next
   * try after a declined payment: the order waits for the money before anything is placed or committed.
   */
  pay: {
    from: [...NOT_PLACED, "AWAITING_PAYMENT"],
    to: ["AWAITING_PAYMENT"],
    guards: ["payable"],
    effects: {
      "VENDOR_HOLD/COMMIT_AT_COMPLETE": ["renewLapsedHold", "createPayment"],
      "LEDGER_HOLD/COMMIT_AT_CONFIRM": ["createPayment"],
      "LEDGER_HOLD/COMMIT_AT_COMPLETE": ["createPayment"],
    },
  },
  /** The PSP says the money is held (or taken): the order is placed as confirmation places it. */
  paymentAuthorised: {
    from: ["AWAITING_PAYMENT"],
    to: ["PLACED"],
    guards: [],
    effects: {
      "VENDOR_HOLD/COMMIT_AT_COMPLETE": [...PLACE["VENDOR_HOLD/COMMIT_AT_COMPLETE"], "capturePayment"],
      "LEDGER_HOLD/COMMIT_AT_CONFIRM": [...PLACE["LEDGER_HOLD/COMMIT_AT_CONFIRM"], "capturePayment"],
      "LEDGER_HOLD/COMMIT_AT_COMPLETE": [...PLACE["LEDGER_HOLD/COMMIT_AT_COMPLETE"], "capturePayment"],
    },
  },
  /** The PSP says the payment was declined or lapsed: the order still waits, and the buyer is told. */
  paymentDeclined: {
    from: ["AWAITING_PAYMENT"],
    to: ["AWAITING_PAYMENT"],
    guards: [],
    effects: every([]),
  },
  /** A placed order reached the shop's capture moment (READY from the order system, or the reconciler). */
  capture: {
    from: ["PLACED", "READY", "IN_DELIVERY", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"],
    to: ["PLACED", "READY", "IN_DELIVERY", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"],
    guards: [],
    effects: every(["capturePayment"]),
  },
  complete: {
    from: ["PLACED", "READY", "IN_DELIVERY"],
    to: ["COMPLETED"],
    guards: [],
    effects: {
      "VENDOR_HOLD/COMMIT_AT_COMPLETE": [
        "takeWhatWasSold",
        "renewLapsedHold",
        "capturePayment",
        "settleReceipt",
        "completeInOrderSystem",
        "commitPurchase",
        "readEarnedPoints",
      ],
      "LEDGER_HOLD/COMMIT_AT_CONFIRM": [
        "takeWhatWasSold",
        "capturePayment",
        "settleReceipt",
        "completeInOrderSystem",
        "readEarnedPoints",
      ],
      "LEDGER_HOLD/COMMIT_AT_COMPLETE": [
        "takeWhatWasSold",
        "capturePayment",
        "settleReceipt",
        "completeInOrderSystem",
        "commitPurchase",
        "readEarnedPoints",
      ],
    },
  },
  cancel: {
    from: OPEN,
    to: ["CANCELLED"],
    guards: ["purchaseReturnable"],
    effects: every(["cancelPayment", "releaseOrReturnPoints", "cancelInOrderSystem", "recheckOtherHolds"]),
  },
  refund: {
    from: ["COMPLETED", "PARTIALLY_REFUNDED"],
    to: ["PARTIALLY_REFUNDED", "REFUNDED"],
    guards: ["refundable"],
    effects: every(["refundMoney", "refundPoints", "returnInOrderSystem", "recheckOtherHolds"]),
  },
};

/** The one answer to "may this order still change its cart and its points". */
export function mayChange(order: Pick<OrderRecord, "status" | "loyaltyRef" | "orderRef">): boolean {
  return NOT_PLACED.includes(order.status) && order.loyaltyRef === null && order.orderRef === null;
}

/** The order is out of the customer's hands: placed (or further), so reports of the order system count. */
export function isPlaced(order: Pick<OrderRecord, "status">): boolean {
  return !NOT_PLACED.includes(order.status);
}

/** What a guard needs beyond the order. */
export interface GuardInput {
  order: OrderRecord;
  shop: Shop;
  provider: LoyaltyProvider;
  /** applyBonuses: the points asked. */
  points?: number;
  /** refund: the lines asked (none: the whole order). */
  lines?: ReadonlyArray<{ lineId: string; quantity: number }> | null;
}

const GUARDS: Record<Guard, (input: GuardInput) => void> = {
  payable: ({ order, shop }) => {
    if (!takesPrepayment(shop, order))
      throw new ConflictError("INVALID_STATE", "this order is not paid ahead: confirm it instead");
    if (order.currency !== "RUB")
      throw new ConflictError("INVALID_STATE", `payments are taken in RUB; the order is in ${order.currency}`);
    if (shop.payment!.provider.behaviour.receipts && !receiptPhone(order))
      throw new InvalidInputError("the receipt of a prepaid order goes to the buyer's phone", [
        { path: "contact.phone", message: "give a phone for the receipt" },
      ]);
  },
  notPlaced: ({ order }) => {
    if (!mayChange(order))
      throw new ConflictError("INVALID_STATE", `an order that is ${order.status} can no longer change`);
  },
  knownCustomerToRedeem: ({ order, points }) => {
    if ((points ?? 0) > 0 && !order.phone)
      throw new InvalidInputError("points can be redeemed only for a known customer", [
        { path: "points", message: "link a phone first" },
      ]);
  },
  purchaseReturnable: ({ order, provider }) => {
    if (order.loyaltyRef && provider.capabilities.refund === "NONE")
      throw new ProviderError(
        "UNSUPPORTED_BY_PROVIDER",
        `${provider.instanceId} cannot return points already spent; the order cannot be cancelled here`,
        provider.instanceId,
      );
  },
  refundable: ({ order, provider, lines }) => {
    const { refund } = provider.capabilities;
    if (order.loyaltyRef && (refund === "NONE" || (lines && refund !== "PARTIAL")))
      throw new ProviderError(
        "UNSUPPORTED_BY_PROVIDER",
        `${provider.instanceId} cannot refund ${lines ? "part of a purchase" : "purchases"}`,
        provider.instanceId,
      );
  },
};

/** Checks that `command` may start from the order's status, then its guards, before anything moves. */
export function checkGuards(command: Command, input: GuardInput, to?: OrderStatus): void {
  const step = ORDER_PROCESS[command];
  if (!step.from.includes(input.order.status)) throw new InvalidStateError(input.order.status, to ?? step.to[0]!);
  for (const guard of step.guards) GUARDS[guard](input);
}
