/**
 * Fields whose resolution reaches a vendor (a loyalty provider or the order system), directly or through
 * the domain. They cost a vendor call each in the cost limit, and the root ones are rate limited per
 * viewer and per IP. Default-deny: every query and mutation root field counts as reaching a vendor unless
 * it is listed in NON_VENDOR_ROOT_FIELDS, so a new mutation is limited from its first day. A test checks
 * that every coordinate here names a field of the schema.
 */

/** Root fields answered from the gateway's own database or configuration. */
export const NON_VENDOR_ROOT_FIELDS = [
  "Query.shops",
  "Query.order",
  "Query.myOrders",
  "Query.reconciliationQueue",
  "Query._service",
  "Mutation.linkTelegramUser",
] as const;

/** Root fields known to reach a vendor (documentation; any root field not above is treated the same). */
export const VENDOR_ROOT_FIELDS = [
  "Query.customer",
  "Query.customerByQrToken",
  "Query.me",
  "Query.myPointsHistory",
  "Query.loyaltyCalculation",
  "Query.catalog",
  "Query.product",
  "Query.stores",
  "Query.fulfilmentSlots",
  "Query._entities",
  "Mutation.createOrder",
  "Mutation.applyBonuses",
  "Mutation.updateOrderItems",
  "Mutation.confirmOrder",
  "Mutation.cancelOrder",
  "Mutation.completeOrder",
  "Mutation.refund",
  "Mutation.syncProducts",
  "Mutation.sendPhoneCode",
  "Mutation.checkPhoneCode",
  "Mutation.registerCustomer",
  "Mutation.updateMyProfile",
  "Mutation.linkMyLoyaltyToken",
  "Subscription.loyaltyBalanceChanged",
] as const;

/** Nested fields that may call a vendor for their parent (cached or batched per request, so cheaper). */
export const VENDOR_NESTED_FIELDS = [
  "Customer.loyalty",
  "Customer.name",
  "Customer.pointsHistory",
  "Catalog.categories",
  "Catalog.products",
  "Category.products",
  "Product.description",
  "Product.photoUrls",
  "Product.availability",
  "StoreAvailability.inStock",
] as const;

const NOT_VENDOR = new Set<string>(NON_VENDOR_ROOT_FIELDS);
const SUBSCRIPTIONS = new Set<string>(VENDOR_ROOT_FIELDS.filter((c) => c.startsWith("Subscription.")));

/** Whether a root field (`Query.x`, `Mutation.x`, `Subscription.x`) reaches a vendor. */
export function isVendorRootField(coordinate: string): boolean {
  if (coordinate.startsWith("Subscription.")) return SUBSCRIPTIONS.has(coordinate);
  if (!coordinate.startsWith("Query.") && !coordinate.startsWith("Mutation.")) return false;
  return !NOT_VENDOR.has(coordinate) && !coordinate.startsWith("Query.__");
}
