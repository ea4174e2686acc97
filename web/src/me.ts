import {
  LoyaltyBalanceChangedDocument,
  MiniAppOrderHistoryDocument,
  MyCustomerDocument,
} from "../../generated/graphql/graphql.ts";
import { request } from "./api/graphql.ts";
import { subscribe } from "./api/subscribe.ts";
import { getState, update } from "./store.ts";

let stopBalance: (() => void) | null = null;

/** Reads the linked customer (null until a phone is linked) and follows its balance live once there is one. */
export async function refreshMe(): Promise<void> {
  const shopId = getState().shop.id;
  const answer = (await request(MyCustomerDocument, { shopId })).me;
  const me = answer?.__typename === "QueryMeSuccess" ? answer.data : null;
  update({ me, balance: null });
  if (me && !stopBalance) followBalance(shopId);
  if (me) await refreshHolds();
}

const CLOSED = ["COMPLETED", "CANCELLED", "PARTIALLY_REFUNDED", "REFUNDED"];

/**
 * The points the buyer's open orders hold, for one balance story whatever the provider: `held` is what
 * the open orders took or hold; `unknownToVendor` is the part the provider's balance still counts (a
 * hold the gateway keeps in its own ledger), to take off what the chip calls available.
 */
export async function refreshHolds(): Promise<void> {
  const { shop, me } = getState();
  if (!me) return;
  const answer = (await request(MiniAppOrderHistoryDocument, { shopId: shop.id, first: 50 })).myOrders;
  if (answer.__typename !== "QueryMyOrdersSuccess") return;
  const open = answer.data.edges.map((e) => e.node).filter((o) => !CLOSED.includes(o.status));
  const ledger = shop.loyaltyProviders[0]?.capabilities.hold === "LEDGER";
  update({
    holds: {
      held: open.reduce((n, o) => n + o.pointsHeld + o.pointsRedeemed, 0),
      unknownToVendor: ledger ? open.reduce((n, o) => n + o.pointsHeld, 0) : 0,
    },
  });
}

function followBalance(shopId: string): void {
  stopBalance = subscribe(LoyaltyBalanceChangedDocument, { shopId }, (data) => {
    const account = data.loyaltyBalanceChanged.loyalty[0];
    if (account?.__typename === "LoyaltyAccount")
      update({ balance: { balance: account.balance, pendingBalance: account.pendingBalance } });
  });
}
