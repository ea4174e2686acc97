import type { FulfilmentSlots } from "../domain/fulfilment-slots.ts";
import type { OrderPayments } from "../domain/order-payments.ts";
import type { CatalogService } from "../domain/catalog.service.ts";
import type { ProductSync } from "../domain/product-sync.ts";
import type { CustomerService } from "../domain/customer.service.ts";
import type { Idempotency } from "../domain/idempotency.ts";
import type { LoyaltyPricing } from "../domain/loyalty-pricing.service.ts";
import type { CheckoutService } from "../domain/checkout.service.ts";
import type { FulfilmentService } from "../domain/fulfilment.service.ts";
import type { OrderQueries } from "../domain/order-queries.ts";
import type { Reconciliation } from "../domain/reconciliation.service.ts";
import type { AttentionQueue } from "../domain/attention.service.ts";
import type { PhoneVerification } from "../domain/phone-verification.service.ts";
import type { CustomerRegistration } from "../domain/customer-registration.service.ts";
import type { GatewayPubSub } from "../events/pubsub.ts";
import type { RequestScope } from "../domain/request-scope.ts";
import type { ShopDirectory } from "../domain/shop-directory.ts";
import type { Logger } from "../domain/ports/logger.port.ts";
import type { BalanceWatch } from "../domain/balance-watch.ts";
import type { PointsHistory } from "../domain/points-history.ts";

export interface Services {
  shops: ShopDirectory;
  customers: CustomerService;
  loyalty: LoyaltyPricing;
  orders: OrderQueries;
  checkout: CheckoutService;
  reconciliation: Reconciliation;
  attention: AttentionQueue;
  phoneVerification: PhoneVerification;
  registration: CustomerRegistration;
  fulfilment: FulfilmentService;
  catalog: CatalogService;
  productSync: ProductSync;
  pubsub: GatewayPubSub;
  idempotency: Idempotency;
  balanceWatch: BalanceWatch;
  pointsHistory: PointsHistory;
  slots: FulfilmentSlots;
  payments: OrderPayments;
}

export interface GraphQLContext {
  requestId: string;
  logger: Logger;
  scope: RequestScope;
  services: Services;
}
