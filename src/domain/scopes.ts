/** Scopes a service API key may carry. */
export const SCOPES = {
  /** Look up any customer of any shop by phone, and resolve federation references. */
  customersRead: "customers:read",
  /** Link a Telegram user to a phone (the shop's bot, after the user shared their contact). */
  customersLink: "customers:link",
  /** Price carts for any customer. */
  loyaltyCalculate: "loyalty:calculate",
  /** Read any order of any shop. */
  ordersRead: "orders:read",
  /** Place and change orders for any customer. */
  ordersWrite: "orders:write",
  /** Move orders through fulfilment (complete them) and refund them: the shop's staff tools. */
  ordersManage: "orders:manage",
  /** Export a shop's catalog to its loyalty providers (the sync command). */
  catalogSync: "catalog:sync",
} as const;

export const ALL_SCOPES = Object.values(SCOPES);
