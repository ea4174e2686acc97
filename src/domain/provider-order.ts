import type { OrderRecord } from "./order.ts";
import { normalizePhone } from "./phone.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { ProviderOrder } from "./ports/order-system.port.ts";
import { calendarDate } from "./shop-calendar.ts";
import type { Shop } from "./shop-directory.ts";

/**
 * The order as the order system should keep it: the lines at what the customer pays for them (the
 * loyalty discount off, and the redeemed points too where they are a discount rather than the order
 * system's own bonus payment), the buyer, the pickup time or the delivery window and recipient, and the
 * date in the shop's calendar at `now`, when it is placed.
 */
export function providerOrder(
  order: OrderRecord,
  provider: LoyaltyProvider,
  buyerName: string | null,
  shop: Pick<Shop, "timeZone" | "orders">,
  now: Date,
): ProviderOrder {
  const f = order.fulfilment;
  const pointsAreDiscount = provider.behaviour.flow.redeemedAs === "DISCOUNT";
  return {
    id: order.id,
    lines: order.lines.map((l) => {
      const c = order.calculation?.lines.find((x) => x.lineId === l.lineId);
      const subtotal = l.unitPrice * l.quantity;
      const off = c ? c.discount + (pointsAreDiscount ? c.redeemed : 0) : 0;
      return {
        productId: l.productId,
        name: l.name,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        total: Math.max(0, subtotal - off),
      };
    }),
    buyer: { name: buyerName, phone: order.phone ?? phoneOrNull(order.contact.phone) },
    comment: order.comment,
    date: calendarDate(now, shop.timeZone),
    orderSystemLoyalty: shop.orders?.adapter === provider.adapter,
    byBonuses: order.redeemPoints > 0 && !pointsAreDiscount,
    pickup: f.kind === "PICKUP" && f.storeId ? { storeId: f.storeId, at: f.windowFrom ?? null } : null,
    delivery:
      f.kind === "DELIVERY" && f.address
        ? {
            ...f.address,
            apartment: f.address.apartment ?? null,
            from: f.windowFrom ?? null,
            to: f.windowTo ?? null,
            recipientName: f.recipientName ?? null,
            recipientPhone: f.recipientPhone ?? null,
          }
        : null,
  };
}

function phoneOrNull(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    return normalizePhone(raw);
  } catch {
    return null;
  }
}
