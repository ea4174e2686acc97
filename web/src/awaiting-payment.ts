/**
 * The order whose payment the buyer went to make. Outside Telegram the PSP's page takes the tab and sends
 * the buyer back to /app/ (the shop's returnUrl, with no `?shop=` and no order in it), so the page opened
 * anew must find the order again. sessionStorage, like the demo session: the tab that left is the tab
 * that comes back, and another tab is another demo user. Inside Telegram the Mini App stays open meanwhile.
 */
const KEY = "mini-app.awaiting-payment";

export interface AwaitedOrder {
  shopId: string;
  orderId: string;
}

export function rememberAwaitedOrder(order: AwaitedOrder): void {
  sessionStorage.setItem(KEY, JSON.stringify(order));
}

export function awaitedOrder(): AwaitedOrder | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Partial<AwaitedOrder> | null;
    return typeof value?.shopId === "string" && typeof value.orderId === "string"
      ? { shopId: value.shopId, orderId: value.orderId }
      : null;
  } catch {
    return null;
  }
}

/** The order no longer waits for its payment (paid, cancelled), or is not this user's to read. */
export function forgetAwaitedOrder(orderId: string): void {
  if (awaitedOrder()?.orderId === orderId) sessionStorage.removeItem(KEY);
}
