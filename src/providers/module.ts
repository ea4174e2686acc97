import type { z } from "zod";
import { ProviderError } from "../domain/errors.ts";
import type { OrderStatus } from "../domain/order-state.ts";
import type { DeliveryStatus } from "../domain/order.ts";
import type { CatalogAdapter, CatalogProvider } from "../domain/ports/catalog.port.ts";
import type { Logger } from "../domain/ports/logger.port.ts";
import type { ProviderCallObserver } from "../domain/ports/metrics.port.ts";
import type {
  LoyaltyAdapter,
  LoyaltyBehaviour,
  LoyaltyCapabilities,
  LoyaltyProvider,
  OptionalMethod,
} from "../domain/ports/loyalty-provider.port.ts";
import type { PaymentAdapter, PaymentBehaviour, PaymentProvider } from "../domain/ports/payment-provider.port.ts";
import type { OrderSystem, OrderSystemAdapter } from "../domain/ports/order-system.port.ts";
import { circuitState, createCircuitBreaker } from "./http/circuit-breaker.ts";
import type { Fetch } from "./http/provider-http.ts";
import type { HttpTransport } from "./http/transport.ts";

/** What every provider instance is configured with, whatever its adapter. */
export interface ProviderInstanceConfig {
  id: string;
  adapter: string;
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  /** Adapter-specific settings, validated by the adapter's own `options` schema at boot. */
  options: Record<string, unknown>;
  /** Secrets, already resolved from the environment. */
  credentials: Record<string, string>;
}

export interface ProviderDeps {
  fetch: Fetch;
  /** Carries the calls instead of `fetch` when set (production: undici's keep-alive pool). */
  transport?: HttpTransport;
  /** Adds headers to every vendor call (the trace context). */
  decorate?: (headers: Record<string, string>) => void;
  logger: Logger;
  observer?: ProviderCallObserver;
}

interface ModuleBase<Options> {
  /** The adapter id that shops files name; written here and nowhere else. */
  readonly id: string;
  readonly options: z.ZodType<Options>;
  readonly credentials: z.ZodType<Record<string, string>>;
}

/**
 * A loyalty vendor's module, in the manner of Medusa's provider modules: everything the core needs to
 * know about the vendor is declared here, so the domain never names one. Every field is required, so a
 * missing declaration is a type error rather than a silent default.
 */
export interface LoyaltyModuleSpec<Options> extends ModuleBase<Options> {
  readonly capabilities: LoyaltyCapabilities;
  readonly behaviour: LoyaltyBehaviour;
  /** The order-system module a shop must have for this one to work (a purchase paid on the vendor's own order), or null. */
  readonly requiresOrderSystem: string | null;
  create(instance: ProviderInstanceConfig & { options: Options }, deps: ProviderDeps): LoyaltyAdapter;
}

export interface LoyaltyProviderModule<Options = unknown> extends Omit<LoyaltyModuleSpec<Options>, "create"> {
  create(instance: ProviderInstanceConfig & { options: Options }, deps: ProviderDeps): LoyaltyProvider;
}

/** An order system's module: its statuses on the unified lifecycle, and what it builds. */
export interface OrderSystemModuleSpec<Options> extends ModuleBase<Options> {
  /** Every status the vendor documents, onto the unified lifecycle. */
  readonly statusMap: Readonly<Record<string, OrderStatus>>;
  /** The vendor's delivery outcomes on the unified ones; others (a courier on the way) are no outcome. */
  readonly deliveryMap: Readonly<Record<string, DeliveryStatus>>;
  create(
    instance: ProviderInstanceConfig & { options: Options },
    deps: ProviderDeps,
  ): { orders: OrderSystemAdapter; catalog: CatalogAdapter | null };
}

export interface OrderSystemModule<Options = unknown> extends Omit<OrderSystemModuleSpec<Options>, "create"> {
  create(instance: ProviderInstanceConfig & { options: Options }, deps: ProviderDeps): OrderSystem;
}

/** A payment (PSP) vendor's module: its behaviour, declared once, and what it builds. */
export interface PaymentModuleSpec<Options> extends ModuleBase<Options> {
  readonly behaviour: PaymentBehaviour;
  create(instance: ProviderInstanceConfig & { options: Options }, deps: ProviderDeps): PaymentAdapter;
}

export interface PaymentProviderModule<Options = unknown> extends Omit<PaymentModuleSpec<Options>, "create"> {
  create(instance: ProviderInstanceConfig & { options: Options }, deps: ProviderDeps): PaymentProvider;
}

/** Declares a payment module; the providers it builds carry its id and behaviour. */
export function definePaymentModule<Options>(spec: PaymentModuleSpec<Options>): PaymentProviderModule<Options> {
  return {
    ...spec,
    create(instance, deps) {
      return Object.assign(spec.create(instance, deps), { adapter: spec.id, behaviour: spec.behaviour });
    },
  };
}

/** Declares a loyalty module; the providers it builds carry its id, capabilities and behaviour. */
export function defineLoyaltyModule<Options>(spec: LoyaltyModuleSpec<Options>): LoyaltyProviderModule<Options> {
  return {
    ...spec,
    create(instance, deps) {
      const adapter = spec.create(instance, deps);
      assertMethods(spec, adapter);
      const unsupported = (what: string) => () =>
        Promise.reject(new ProviderError("UNSUPPORTED_BY_PROVIDER", `${instance.id} has no ${what}`, instance.id));
      const bound: { [K in OptionalMethod]-?: NonNullable<LoyaltyAdapter[K]> } = {
        hold: adapter.hold?.bind(adapter) ?? unsupported("hold; the gateway keeps it in its ledger"),
        release: adapter.release?.bind(adapter) ?? unsupported("hold; the gateway keeps it in its ledger"),
        refund: adapter.refund?.bind(adapter) ?? unsupported("documented refund"),
        findCustomerByToken: adapter.findCustomerByToken?.bind(adapter) ?? unsupported("lookup by QR or app token"),
        findCustomerByCard: adapter.findCustomerByCard?.bind(adapter) ?? unsupported("lookup by card"),
        sendCode: adapter.sendCode?.bind(adapter) ?? unsupported("phone verification code"),
        checkCode: adapter.checkCode?.bind(adapter) ?? unsupported("phone verification code"),
        registerCustomer: adapter.registerCustomer?.bind(adapter) ?? unsupported("documented customer creation"),
        updateCustomer: adapter.updateCustomer?.bind(adapter) ?? unsupported("documented profile update"),
        balance:
          adapter.balance?.bind(adapter) ??
          (spec.capabilities.lookupBy.includes("PHONE")
            ? async (customer) => (await adapter.findCustomer(customer))?.balance ?? null
            : () => Promise.resolve(null)),
        changedCustomers: adapter.changedCustomers?.bind(adapter) ?? unsupported("list of changed customers"),
        pointsHistory: adapter.pointsHistory?.bind(adapter) ?? unsupported("points history"),
        earnedPoints: adapter.earnedPoints?.bind(adapter) ?? (() => Promise.resolve(null)),
      };
      return Object.assign(adapter, {
        adapter: spec.id,
        capabilities: spec.capabilities,
        behaviour: spec.behaviour,
        ...bound,
      });
    },
  };
}

/** Declares an order-system module; its orders and catalog carry its id and status map. */
export function defineOrderSystemModule<Options>(spec: OrderSystemModuleSpec<Options>): OrderSystemModule<Options> {
  return {
    ...spec,
    create(instance, deps) {
      const built = spec.create(instance, deps);
      const catalog: CatalogProvider | null = built.catalog && Object.assign(built.catalog, { adapter: spec.id });
      const declared = { adapter: spec.id, statusMap: spec.statusMap, deliveryMap: spec.deliveryMap };
      return { orders: Object.assign(built.orders, declared), catalog };
    },
  };
}

/** The declared capabilities and the methods present must agree, or the instance would fail at its first order. */
function assertMethods(spec: LoyaltyModuleSpec<unknown>, adapter: LoyaltyAdapter): void {
  const holds = spec.capabilities.hold === "NATIVE";
  if (holds !== Boolean(adapter.hold) || holds !== Boolean(adapter.release)) {
    throw new Error(
      `${spec.id}: capabilities.hold is ${spec.capabilities.hold}, but hold/release are ${adapter.hold ? "" : "not "}implemented`,
    );
  }
  if ((spec.capabilities.refund !== "NONE") !== Boolean(adapter.refund)) {
    throw new Error(
      `${spec.id}: capabilities.refund is ${spec.capabilities.refund}, but refund is ${adapter.refund ? "" : "not "}implemented`,
    );
  }
  // The domain asks what the vendor accrued only where the purchase call does not accrue itself.
  if (adapter.earnedPoints && !spec.behaviour.flow.commitOnlyToRedeem)
    throw new Error(`${spec.id}: earnedPoints is implemented, but behaviour.flow.commitOnlyToRedeem is false`);
  const { capabilities: c } = spec;
  const agree: Array<[string, boolean, boolean]> = [
    ["productImport", c.productImport, Boolean(adapter.importProducts)],
    ['lookupBy "QR"', c.lookupBy.includes("QR"), Boolean(adapter.findCustomerByToken)],
    ['lookupBy "CARD"', c.lookupBy.includes("CARD"), Boolean(adapter.findCustomerByCard)],
    ["phoneVerification", c.phoneVerification, Boolean(adapter.sendCode && adapter.checkCode)],
    ["phoneVerification", c.phoneVerification, Boolean(adapter.sendCode || adapter.checkCode)],
    ["registration", c.registration, Boolean(adapter.registerCustomer)],
    ["profileUpdate", c.profileUpdate, Boolean(adapter.updateCustomer)],
    ["balanceFeed", c.balanceFeed, Boolean(adapter.changedCustomers)],
    ["pointsHistory", c.pointsHistory, Boolean(adapter.pointsHistory)],
  ];
  for (const [name, declared, present] of agree) {
    if (declared !== present)
      throw new Error(
        `${spec.id}: capabilities.${name} is ${declared}, but its methods are ${present ? "" : "not "}implemented`,
      );
  }
}

/**
 * The ProviderHttp settings every adapter takes from its instance config. The instance's circuit breaker
 * is made here, once per call (the edges built from one result share it), and shown to the observer so
 * that `/metrics` can read its state at scrape time.
 */
export function httpSettings(instance: ProviderInstanceConfig, deps: ProviderDeps) {
  const breaker = createCircuitBreaker();
  deps.observer?.breaker(instance.id, () => circuitState(breaker));
  return {
    provider: instance.id,
    breaker,
    baseUrl: instance.baseUrl,
    fetch: deps.fetch,
    ...(deps.transport ? { transport: deps.transport } : {}),
    ...(deps.decorate ? { decorate: deps.decorate } : {}),
    timeoutMs: instance.timeoutMs,
    maxRetries: instance.maxRetries,
    logger: deps.logger,
    ...(deps.observer ? { observer: deps.observer } : {}),
  };
}
