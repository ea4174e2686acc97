import { randomBytes } from "node:crypto";
import { TelegramContactProofs } from "../auth/telegram-contact.ts";
import { AttentionQueue } from "../domain/attention.service.ts";
import { CartPricing } from "../domain/cart-pricing.ts";
import { CatalogWatch } from "../domain/catalog-watch.ts";
import { CatalogService } from "../domain/catalog.service.ts";
import { CheckoutService } from "../domain/checkout.service.ts";
import { CrashPoints } from "../domain/crash-points.ts";
import { CustomerRegistration } from "../domain/customer-registration.service.ts";
import { CustomerService } from "../domain/customer.service.ts";
import { FulfilmentService } from "../domain/fulfilment.service.ts";
import { Idempotency } from "../domain/idempotency.ts";
import { LoyaltyLedger } from "../domain/ledger.ts";
import { LoyaltyPricing } from "../domain/loyalty-pricing.service.ts";
import { OrderAccess } from "../domain/order-access.ts";
import { OrderPoints } from "../domain/order-points.ts";
import { OrderProcess } from "../domain/order-process.runner.ts";
import { OrderQueries } from "../domain/order-queries.ts";
import { OrderTransitions } from "../domain/order-transitions.ts";
import { PhoneVerification } from "../domain/phone-verification.service.ts";
import { PointsHolds } from "../domain/points-hold.ts";
import { HoldEffects } from "../domain/hold-effects.ts";
import { PointsRefund } from "../domain/points-refund.ts";
import { ProductSync } from "../domain/product-sync.ts";
import { Reconciliation } from "../domain/reconciliation.service.ts";
import { LedgerRecovery } from "../domain/recovery.ts";
import { StatusSync } from "../domain/status-sync.ts";
import { StatusFollowUp } from "../domain/status-follow-up.ts";
import { CheckoutExpiry } from "../domain/checkout-expiry.ts";
import { BalanceWatch } from "../domain/balance-watch.ts";
import { PointsHistory } from "../domain/points-history.ts";
import { balanceEventsOn, orderEventsOn } from "../events/pubsub.ts";
import type { Services } from "../graphql/context.ts";
import { PrismaAttentionRepository } from "../persistence/attention.repository.ts";
import { PrismaPaymentRepository } from "../persistence/payment.repository.ts";
import { OrderPayments } from "../domain/order-payments.ts";
import { PaymentSettlement } from "../domain/payment-settlement.ts";
import { PrismaSlotBookings } from "../persistence/slot-bookings.repository.ts";
import { FulfilmentSlots } from "../domain/fulfilment-slots.ts";
import { PrismaCustomerLinkRepository } from "../persistence/customer-link.repository.ts";
import { PrismaIdempotencyRepository } from "../persistence/idempotency.repository.ts";
import { PrismaLedgerRepository } from "../persistence/ledger.repository.ts";
import { PrismaOrderRepository } from "../persistence/order.repository.ts";
import { PrismaPhoneCodeRepository } from "../persistence/phone-code.repository.ts";
import { PrismaProductExportRepository } from "../persistence/product-export.repository.ts";
import { PrismaSyncCursorRepository } from "../persistence/sync-cursor.repository.ts";
import { WebhookEventRepository } from "../persistence/webhook-event.repository.ts";
import type { Infrastructure } from "./infrastructure.ts";

/** The domain's services on the infrastructure's repositories and providers, and its background workers (not started). */
export interface Domain {
  services: Services;
  fulfilment: FulfilmentService;
  catalog: CatalogService;
  recovery: LedgerRecovery;
  statusSync: StatusSync;
  followUp: StatusFollowUp;
  expiry: CheckoutExpiry;
  /** Payments as their PSP has them: the notification webhook's sink, and the reconciler. */
  settlement: PaymentSettlement;
  catalogWatch: CatalogWatch;
  balanceWatch: BalanceWatch;
  /** Signs and checks initData and signed contacts: the bot's token, or the demo's. */
  botToken: string;
}

export function buildDomain(infra: Infrastructure): Domain {
  const { env, logger, shops, db, cache, pubsub, metrics } = infra;
  const customerLinks = new PrismaCustomerLinkRepository(db);
  const customers = new CustomerService(shops, customerLinks);
  const registration = new CustomerRegistration(shops, customers, customerLinks);
  const seconds = (ttl: number, stale: number) => ({ ttlMs: ttl * 1000, staleMs: stale * 1000 });
  const catalog = new CatalogService(shops, cache, {
    catalog: seconds(env.CATALOG_TTL_SECONDS, env.CATALOG_STALE_SECONDS),
    stock: seconds(env.STOCK_TTL_SECONDS, env.STOCK_TTL_SECONDS),
  });
  const cartPricing = new CartPricing(catalog);
  const loyalty = new LoyaltyPricing(shops, customers, cartPricing);
  const ledgerRepo = new PrismaLedgerRepository(db);
  metrics.watch({ cache: () => ({ ...cache.stats }), ledger: () => ledgerRepo.countByState() });
  const orderRepo = new PrismaOrderRepository(db);
  const crash = new CrashPoints(env.CRASH_AT);
  const orderPoints = new OrderPoints(new LoyaltyLedger(ledgerRepo, crash), customers);
  const access = new OrderAccess(orderRepo, shops, customers);
  const transitions = new OrderTransitions(orderRepo, orderEventsOn(pubsub), crash);
  const attention = new PrismaAttentionRepository(db);
  const paymentRecords = new PrismaPaymentRepository(db);
  const payments = new OrderPayments(paymentRecords, crash);
  const refunds = new PointsRefund({
    loyalty: orderPoints,
    attention,
    orders: orderRepo,
    access,
    transitions,
    logger,
  });
  const holds = new PointsHolds(orderPoints, access, orderRepo, transitions);
  const process = new OrderProcess({
    shops,
    loyalty: orderPoints,
    holds,
    holdEffects: new HoldEffects({ pricing: loyalty, cartPricing, loyalty: orderPoints, holds, transitions }),
    refunds,
    access,
    transitions,
    attention,
    payments,
  });

  const slots = new FulfilmentSlots(new PrismaSlotBookings(db));
  const checkout = new CheckoutService({
    shops,
    slots,
    customers,
    pricing: loyalty,
    cartPricing,
    loyalty: orderPoints,
    access,
    transitions,
    registration,
    process,
  });
  const fulfilment = new FulfilmentService({ shops, process, access, transitions, orders: orderRepo });
  const followUp = new StatusFollowUp({ fulfilment, attention, orders: orderRepo, shops, logger });
  const expiry = new CheckoutExpiry({ shops, orders: orderRepo, payments, process, attention, logger });
  const settlement = new PaymentSettlement({
    shops,
    orders: orderRepo,
    records: paymentRecords,
    payments,
    process,
    attention,
    logger,
    crash,
  });
  const cursors = new PrismaSyncCursorRepository(db);
  const statusSync = new StatusSync({ shops, followUp, cursors, logger });
  metrics.watch({ attention: () => attention.countOpen(), statusLag: () => statusSync.lag() });
  const balanceWatch = new BalanceWatch({
    shops,
    links: customerLinks,
    cursors,
    events: balanceEventsOn(pubsub),
    logger,
  });
  const botToken = env.TELEGRAM_BOT_TOKEN ?? (env.demo ? env.DEMO_BOT_TOKEN : randomBytes(32).toString("hex"));
  const services: Services = {
    shops,
    payments,
    customers,
    loyalty,
    orders: new OrderQueries(shops, customers, access, orderRepo),
    checkout,
    fulfilment,
    phoneVerification: new PhoneVerification({
      shops,
      customers,
      proofs: new TelegramContactProofs(botToken),
      once: new WebhookEventRepository(db),
      codes: new PrismaPhoneCodeRepository(db),
      observer: metrics.security,
    }),
    registration,
    reconciliation: new Reconciliation(ledgerRepo, orderRepo),
    attention: new AttentionQueue({
      shops,
      records: attention,
      orders: orderRepo,
      retries: {
        STATUS_FOLLOW_UP: (record, by) => followUp.retry(record, by),
        EXPIRY_FAILED: (record, by) => expiry.retry(record, by),
      },
    }),
    catalog,
    productSync: new ProductSync(catalog, new PrismaProductExportRepository(db), (p) =>
      pubsub.publish("productSync:shop", p.shopId, p),
    ),
    pubsub,
    idempotency: new Idempotency(new PrismaIdempotencyRepository(db), env.IDEMPOTENCY_TAKEOVER_SECONDS * 1000),
    balanceWatch,
    pointsHistory: new PointsHistory(shops, customers, ledgerRepo),
    slots,
  };
  return {
    services,
    fulfilment,
    catalog,
    recovery: new LedgerRecovery({
      ledger: ledgerRepo,
      orders: orderRepo,
      transitions,
      shops,
      loyalty: orderPoints,
      logger,
      staleMs: env.RECOVERY_STALE_SECONDS * 1000,
    }),
    statusSync,
    followUp,
    expiry,
    settlement,
    catalogWatch: new CatalogWatch(catalog, logger),
    balanceWatch,
    botToken,
  };
}
