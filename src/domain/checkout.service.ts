import { randomUUID } from "node:crypto";
import { toLines } from "./cart.ts";
import { type CartPricing, priceOrderLines } from "./cart-pricing.ts";
import type { CustomerRegistration } from "./customer-registration.service.ts";
import type { Customer, CustomerService } from "./customer.service.ts";
import { NotFoundError } from "./errors.ts";
import type { FulfilmentSlots } from "./fulfilment-slots.ts";
import type { LoyaltyPricing } from "./loyalty-pricing.service.ts";
import type { OrderAccess } from "./order-access.ts";
import type { CreateOrderInput } from "./order-input.ts";
import type { OrderPoints } from "./order-points.ts";
import { assertReceiptContact } from "./order-payments.ts";
import type { OrderProcess } from "./order-process.runner.ts";
import type { OrderTransitions } from "./order-transitions.ts";
import type { OrderLine, OrderRecord } from "./order.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { RequestScope } from "./request-scope.ts";
import { SCOPES } from "./scopes.ts";
import type { ShopDirectory } from "./shop-directory.ts";

/**
 * The customer's side of an order: a new order is priced by the loyalty provider; its later commands
 * (points, a changed cart, confirmation, cancellation) are the order process's (order-process.ts).
 */
export interface CheckoutOptions {
  shops: ShopDirectory;
  customers: CustomerService;
  pricing: LoyaltyPricing;
  cartPricing: CartPricing;
  loyalty: OrderPoints;
  access: OrderAccess;
  transitions: OrderTransitions;
  registration: CustomerRegistration;
  process: OrderProcess;
  slots: FulfilmentSlots;
}

export class CheckoutService {
  constructor(private readonly o: CheckoutOptions) {}

  async create(scope: RequestScope, input: CreateOrderInput): Promise<OrderRecord> {
    const shop = this.o.shops.get(input.shopId);
    this.o.access.assertCanPlace(scope);
    assertReceiptContact(shop, input.contact);
    // The slot first: a taken or past one changes nothing at any vendor.
    const fulfilment = await this.o.slots.check(shop, input.fulfilment);
    const phone = await this.o.customers.actingPhone(scope, shop.id, input.phone, SCOPES.ordersWrite);
    const customer = phone ? await this.o.customers.ensure(shop.id, phone) : null;
    const provider = this.o.shops.loyaltyProvider(shop, input.providerId);
    const lines: OrderLine[] = toLines(await priceOrderLines(this.o.cartPricing, scope, shop, input.lines, fulfilment));
    const coupons = [...new Set(input.coupons ?? [])];
    const draft: Omit<OrderRecord, "version" | "createdAt" | "updatedAt"> = {
      id: randomUUID(),
      shopId: shop.id,
      deliveryStatus: null,
      deliveryStatusAt: null,
      placedLines: null,
      customerId: customer?.id ?? null,
      phone,
      telegramUserId: scope.viewer.kind === "telegram" ? scope.viewer.telegramUserId : null,
      status: "CALCULATED" as const,
      vendorStatus: null,
      loyaltyProviderId: provider.instanceId,
      orderProviderId: shop.orders?.instanceId ?? null,
      currency: shop.currency,
      lines,
      calculation: null,
      fulfilment,
      contact: {
        name: input.contact.name ?? null,
        phone: input.contact.phone ?? null,
        email: input.contact.email ?? null,
      },
      comment: input.comment ?? null,
      redeemPoints: 0,
      requestedPoints: 0,
      pointsRedeemed: 0,
      pointsEarned: 0,
      refundedAmount: 0,
      refundShortfallPoints: 0,
      hold: null,
      loyaltyRef: null,
      orderRef: null,
    };
    const priced = await this.priceNew(scope, provider, draft, customer, coupons);
    return this.o.transitions.create(priced, priced.phone === phone ? "createOrder" : "createOrder: without loyalty");
  }

  /**
   * Prices a new order. A proved phone (linked to a Telegram user) that the provider does not know is
   * enrolled there where the provider can; where it cannot, the buyer still buys, without loyalty (the
   * order is priced and kept as anonymous to the provider), instead of being refused.
   */
  private async priceNew(
    scope: RequestScope,
    provider: LoyaltyProvider,
    draft: Omit<OrderRecord, "version" | "createdAt" | "updatedAt">,
    customer: Customer | null,
    coupons: string[],
  ) {
    const price = async (order: typeof draft) => ({
      ...order,
      calculation: await this.o.pricing.price(provider, this.o.loyalty.cart(order, 0, coupons)),
    });
    try {
      return await price(draft);
    } catch (error) {
      const unknown = error instanceof NotFoundError && error.code === "CUSTOMER_NOT_FOUND";
      // Proved: the Mini App user's own linked phone, or a phone some Telegram user proved.
      const proved = scope.viewer.kind === "telegram" || customer?.telegramUserId != null;
      if (!unknown || !customer || !proved) throw error;
      if (await this.o.registration.enrolForOrder(scope, provider, customer, draft.contact.name ?? null))
        return price(draft);
      return price({
        ...draft,
        phone: null,
        contact: { ...draft.contact, phone: draft.contact.phone ?? `+${customer.phone}` },
      });
    }
  }

  /** Recalculates with `points` redeemed, checks them against the provider's maximum, and holds them. */
  applyBonuses(scope: RequestScope, orderId: string, points: number): Promise<OrderRecord> {
    return this.o.process.run("applyBonuses", scope, orderId, { points });
  }

  /** A changed cart: the hold is released, the cart priced again, and the points held again. */
  updateItems(
    scope: RequestScope,
    orderId: string,
    items: CreateOrderInput["lines"],
    coupons?: string[] | null,
  ): Promise<OrderRecord> {
    return this.o.process.run("updateItems", scope, orderId, { items, coupons: coupons ?? null });
  }

  /** Creates the order in the shop's order system and moves loyalty to the provider's confirmation step. */
  confirm(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    return this.o.process.run("confirm", scope, orderId);
  }

  /** A new payment for an order that waits for one, after the last was declined or lapsed. */
  pay(scope: RequestScope, orderId: string): Promise<OrderRecord> {
    return this.o.process.run("pay", scope, orderId);
  }

  /** Releases held points (or refunds a purchase already committed) and cancels in the order system. */
  cancel(scope: RequestScope, orderId: string, reason: string, cause?: string): Promise<OrderRecord> {
    return this.o.process.run("cancel", scope, orderId, { reason, ...(cause ? { cause } : {}) });
  }
}
