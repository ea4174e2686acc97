import { useEffect, useState } from "preact/hooks";
import type { CustomerFieldsFragment, ShopsQuery, StoresQuery } from "../../generated/graphql/graphql.ts";
import type { Session } from "./api/session.ts";

export type Shop = ShopsQuery["shops"][number];
export type Store = Extract<StoresQuery["stores"], { __typename: "QueryStoresSuccess" }>["data"][number];
export type Customer = CustomerFieldsFragment;

export interface CartLine {
  productId: string;
  name: string;
  /** Kopecks, as the catalog priced it: the gateway answers PRICE_CHANGED if that is no longer the price. */
  unitPrice: number;
  currency: string;
  quantity: number;
  thumbnailUrl: string | null;
}

export type Route =
  | { name: "shop" }
  | { name: "product"; id: string }
  | { name: "cart" }
  | { name: "phone" }
  | { name: "checkout" }
  | { name: "order"; id: string }
  | { name: "orders" }
  | { name: "account" };

export interface Balance {
  balance: number;
  pendingBalance: number;
}

/** What the buyer's open orders hold (src/me.ts refreshHolds). */
export interface Holds {
  held: number;
  unknownToVendor: number;
}

export interface AppState {
  session: Session;
  shop: Shop;
  stores: Store[];
  storeId: string | null;
  cart: CartLine[];
  redeemPoints: number;
  coupon: string | null;
  /** The linked customer; null until a phone is linked. */
  me: Customer | null;
  /** The live balance (loyaltyBalanceChanged), over the one `me` was read with. */
  balance: Balance | null;
  holds: Holds;
  stack: Route[];
}

type Listener = () => void;
let state: AppState;
const listeners = new Set<Listener>();

export function initState(initial: AppState): void {
  state = initial;
}

export function getState(): AppState {
  return state;
}

export function update(change: Partial<AppState> | ((s: AppState) => Partial<AppState>)): void {
  state = { ...state, ...(typeof change === "function" ? change(state) : change) };
  for (const l of listeners) l();
}

/** The app state in a component, re-rendered on every change. */
export function useApp(): AppState {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return state;
}

export const route = (s: AppState): Route => s.stack[s.stack.length - 1] ?? { name: "shop" };
export const go = (r: Route) => update((s) => ({ stack: [...s.stack, r] }));
export const back = () => update((s) => ({ stack: s.stack.length > 1 ? s.stack.slice(0, -1) : s.stack }));
export const tab = (r: Route) => update({ stack: [r] });

export function setQuantity(line: Omit<CartLine, "quantity">, quantity: number): void {
  update((s) => {
    const rest = s.cart.filter((l) => l.productId !== line.productId);
    if (quantity <= 0) return { cart: rest };
    const at = s.cart.findIndex((l) => l.productId === line.productId);
    const next = [...rest];
    next.splice(at < 0 ? next.length : at, 0, { ...line, quantity });
    return { cart: next };
  });
}

/**
 * The balance to show, the same story for every provider: `balance` is what the buyer can spend now
 * (the live figure when the stream has spoken, else the one read with the customer, less what the
 * gateway holds that the provider does not know of), `held` what their open orders hold.
 */
export function currentBalance(s: AppState): (Balance & { held: number }) | null {
  const account = s.me?.loyalty[0];
  const read =
    s.balance ??
    (account?.__typename === "LoyaltyAccount"
      ? { balance: account.balance, pendingBalance: account.pendingBalance }
      : null);
  if (!read) return null;
  return { ...read, balance: Math.max(0, read.balance - s.holds.unknownToVendor), held: s.holds.held };
}
