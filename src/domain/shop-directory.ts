import type { ShopSlots } from "./slots.ts";
import type { CatalogProvider, CatalogStore } from "./ports/catalog.port.ts";
import type { OrderProvider } from "./ports/order-system.port.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { InvalidInputError } from "./errors.ts";
import type { MinorUnits } from "./money.ts";
import type { PaymentProvider, ReceiptPaymentSubject } from "./ports/payment-provider.port.ts";

export interface Shop {
  id: string;
  name: string;
  currency: string;
  /** The shop's IANA time zone: its calendar dates (an order's date) are the dates there. */
  timeZone: string;
  loyalty: LoyaltyProvider[];
  orders: OrderProvider | null;
  /** The shop window, read from the order system where it has one. */
  catalog: CatalogProvider | null;
  /** The shop's own prices where it has no catalog; carts are priced from one or the other. */
  priceList: ReadonlyMap<string, PriceListItem> | null;
  /** Pickup points of a shop without an order system (from the shops file). */
  priceListStores?: CatalogStore[];
  /** What a refund does when the customer has spent the points it would take back; REFUSE when absent. */
  refundShortfall?: RefundShortfallPolicy;
  /** The pickup and delivery slots it sells; none: any time (or none) is taken. */
  slots?: ShopSlots;
  /** Minutes an unplaced order lives after its last change; 30 when absent. */
  checkoutTtlMinutes?: number;
  /** Money through the gateway; none: the shop takes the money itself, as with ON_PICKUP. */
  payment?: ShopPayment | null;
}

/** When a prepaid order's authorised money is taken. */
export type CaptureMoment = "AT_PLACEMENT" | "AT_READY" | "AT_COMPLETION";

/** Where a shop's 54-FZ receipts are sent to the buyer. */
export type ReceiptContact = "PHONE" | "EMAIL";

/** A shop's payments (the shops file's `payment`, config/payments.ts). */
export interface ShopPayment {
  provider: PaymentProvider;
  /** PREPAY: the buyer pays ahead at the PSP before the order is placed; ON_PICKUP: in the shop. */
  mode: "PREPAY" | "ON_PICKUP";
  capture: CaptureMoment;
  /** Where the PSP sends the buyer after the confirmation page. */
  returnUrl: string;
  notificationIps: readonly string[];
  /** The shop's 54-FZ settings, where its PSP makes the receipts. */
  receipt: {
    vatCode: number;
    taxSystemCode?: number | undefined;
    paymentSubject: ReceiptPaymentSubject;
    /** A settlement receipt at handover of goods paid ahead (54-FZ); on unless the shop's fiscal setup makes it. */
    settlement: boolean;
    /** Where the receipt goes: the buyer's phone (SMS) or e-mail (given at checkout). */
    contact: ReceiptContact;
  } | null;
}

export interface PriceListItem {
  name: string;
  price: MinorUnits;
  category?: string | undefined;
  description?: string | undefined;
  photoUrl?: string | undefined;
}

export type RefundShortfallPolicy = "REFUSE" | "REVOKE_AVAILABLE" | "ALLOW_NEGATIVE";

/** The configured shops and their provider instances, built once at boot. */
export class ShopDirectory {
  private readonly byId: Map<string, Shop>;

  constructor(readonly shops: Shop[]) {
    this.byId = new Map(shops.map((s) => [s.id, s]));
  }

  get(shopId: string, path = "shopId"): Shop {
    const shop = this.byId.get(shopId);
    if (!shop) throw new InvalidInputError(`unknown shop "${shopId}"`, [{ path, message: "no such shop" }]);
    return shop;
  }

  /** The shop's loyalty provider: the one named, or its first. */
  loyaltyProvider(shop: Shop, providerId?: string | null): LoyaltyProvider {
    if (!providerId) return shop.loyalty[0]!;
    const provider = shop.loyalty.find((p) => p.instanceId === providerId);
    if (!provider)
      throw new InvalidInputError(`shop ${shop.id} has no provider "${providerId}"`, [
        { path: "providerId", message: "not a provider of this shop" },
      ]);
    return provider;
  }
}
