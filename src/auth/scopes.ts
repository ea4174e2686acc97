/** Scopes a service API key may carry. */
export const SCOPES = {
  /** Look up any customer of any shop by phone, and resolve federation references. */
  customersRead: "customers:read",
  /** Link a Telegram user to a phone (the shop's bot, after the user shared their contact). */
  customersLink: "customers:link",
  /** Price carts for any customer. */
  loyaltyCalculate: "loyalty:calculate",
} as const;

export const ALL_SCOPES = Object.values(SCOPES);
