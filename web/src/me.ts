import { LoyaltyBalanceChangedDocument, MyCustomerDocument } from "../../generated/graphql/graphql.ts";
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
}

function followBalance(shopId: string): void {
  stopBalance = subscribe(LoyaltyBalanceChangedDocument, { shopId }, (data) => {
    const account = data.loyaltyBalanceChanged.loyalty[0];
    if (account?.__typename === "LoyaltyAccount")
      update({ balance: { balance: account.balance, pendingBalance: account.pendingBalance } });
  });
}
