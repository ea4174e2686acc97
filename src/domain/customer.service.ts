import { SCOPES } from "./scopes.ts";
import { hasScope } from "./viewer.ts";
import type { CustomerLinkRecord } from "./customer.ts";
import type { AccountResult } from "./account-loader.ts";
import { AccessError, NotFoundError, ProviderError } from "./errors.ts";
import type { LoyaltyAccount, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { normalizePhone } from "./phone.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";
import type { CustomerLinkRepository } from "./ports/customer-link-repository.port.ts";

export type Customer = CustomerLinkRecord;

/** How a customer is named: by phone, loyalty card, or the token of their QR code or app. */
export interface CustomerIdentifier {
  kind: "PHONE" | "CARD" | "QR";
  value: string;
}

/** Finds customers across a shop's loyalty providers and decides who may see them. */
export class CustomerService {
  /** shop+phone -> our customer row; saves a database round-trip on every repeated lookup. */
  private readonly known = new Map<string, Customer>();

  constructor(
    private readonly shops: ShopDirectory,
    private readonly links: CustomerLinkRepository,
    private readonly maxKnown = 50_000,
  ) {}

  /** A customer by phone: a service with `customers:read`, or the Mini App user whose phone it is. */
  async findByPhone(scope: RequestScope, shopId: string, rawPhone: string): Promise<Customer> {
    const shop = this.shops.get(shopId);
    const phone = normalizePhone(rawPhone);
    await this.authorize(scope, shop.id, phone);
    const results = await this.accounts(scope, shop, phone);
    if (results.every((r) => !r.error && r.account === null)) {
      throw new NotFoundError("CUSTOMER_NOT_FOUND", `no customer with phone ${phone} in shop ${shop.id}`);
    }
    return this.ensure(shop.id, phone);
  }

  /**
   * A customer by the token of their QR code or app, for a service with `customers:read`: the POS or the
   * shop's bot scans it. The provider's account gives the phone, which links it to our customer.
   */
  findByToken(scope: RequestScope, shopId: string, token: string): Promise<Customer> {
    return this.findByIdentifier(scope, shopId, "QR", token);
  }

  /** A customer by phone, loyalty card or QR/app token, asked of the shop's providers that look up by it. */
  findBy(scope: RequestScope, shopId: string, by: CustomerIdentifier): Promise<Customer> {
    if (by.kind === "PHONE") return this.findByPhone(scope, shopId, by.value);
    return this.findByIdentifier(scope, shopId, by.kind, by.value);
  }

  /**
   * A card or token lookup, for a service with `customers:read`, at every provider of the shop whose
   * `capabilities.lookupBy` includes the kind, in parallel. The first account with a phone links it to
   * our customer, and its id at the provider is remembered (ProviderCustomerRef).
   */
  async findByIdentifier(scope: RequestScope, shopId: string, kind: "CARD" | "QR", value: string): Promise<Customer> {
    if (!hasScope(scope.viewer, SCOPES.customersRead)) {
      throw new AccessError(
        scope.viewer.kind === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN",
        `needs the ${SCOPES.customersRead} scope`,
      );
    }
    const shop = this.shops.get(shopId);
    const found = await this.lookup(shop, kind, value);
    if (!found)
      throw new NotFoundError("CUSTOMER_NOT_FOUND", `no customer has this ${kind === "CARD" ? "card" : "token"}`);
    const customer = await this.ensure(shop.id, found.phone);
    await this.remember(scope, customer, found.provider, found.account);
    return customer;
  }

  /** The first account a card or token finds at the shop's providers that look up by it, with its phone. */
  async lookup(shop: Shop, kind: "CARD" | "QR", value: string) {
    const capable = shop.loyalty.filter((p) => p.capabilities.lookupBy.includes(kind));
    if (capable.length === 0) {
      throw new ProviderError(
        "UNSUPPORTED_BY_PROVIDER",
        `no provider of ${shop.id} looks customers up by ${kind}`,
        shop.id,
      );
    }
    const results = await Promise.all(
      capable.map(async (provider) => ({
        provider,
        account: await (kind === "CARD" ? provider.findCustomerByCard(value) : provider.findCustomerByToken(value)),
      })),
    );
    const hit = results.find((r) => r.account?.phone);
    return hit?.account
      ? { provider: hit.provider, account: hit.account, phone: normalizePhone(hit.account.phone) }
      : null;
  }

  /** Keeps the provider's id for the customer, and the account for the rest of this request. */
  async remember(scope: RequestScope, customer: Customer, provider: LoyaltyProvider, account: LoyaltyAccount) {
    await this.links.saveProviderRef(customer.id, provider.instanceId, account.externalId);
    // This request already has the account; a later lookup by phone may not get it from this provider.
    for (const key of [
      { provider, phone: customer.phone },
      { provider, phone: customer.phone, externalId: account.externalId },
    ])
      scope.accounts.clear(key).prime(key, { provider, account });
  }

  /** The Mini App user's own customer in a shop, or null until they link a phone. */
  async me(scope: RequestScope, shopId: string): Promise<Customer | null> {
    const shop = this.shops.get(shopId);
    if (scope.viewer.kind !== "telegram") throw new AccessError("UNAUTHENTICATED", "me needs Mini App initData");
    return this.viewerLink(scope, shop.id);
  }

  /** Federation references and node lookups; ids the viewer may not see come back as null. */
  async byIds(scope: RequestScope, ids: readonly string[]): Promise<Array<Customer | null>> {
    const rows = await this.links.findByIds(ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return Promise.all(
      ids.map(async (id) => {
        const row = byId.get(id);
        if (!row) return null;
        return (await this.canRead(scope, row.shopId, row.phone)) ? row : null;
      }),
    );
  }

  /** Links a Telegram user to a phone: the shop's bot calls this after the user shared their contact. */
  async linkTelegramUser(
    scope: RequestScope,
    shopId: string,
    rawPhone: string,
    telegramUserId: string,
  ): Promise<Customer> {
    if (!hasScope(scope.viewer, SCOPES.customersLink))
      throw new AccessError("FORBIDDEN", `needs the ${SCOPES.customersLink} scope`);
    return this.linkVerified(this.shops.get(shopId).id, normalizePhone(rawPhone), telegramUserId);
  }

  /** Links a phone whose owner has been proved (by the shop's bot, a signed contact or a vendor's code). */
  async linkVerified(shopId: string, phone: string, telegramUserId: string): Promise<Customer> {
    const row = await this.links.linkTelegramUser(shopId, phone, telegramUserId);
    this.known.set(`${row.shopId}\u0000${row.phone}`, row);
    return row;
  }

  /**
   * Every loyalty account of the customer, one per provider of the shop, fetched in parallel; only for
   * a viewer who may read the customer (a key that may only link a phone reads no balance).
   */
  async accounts(scope: RequestScope, shop: Shop, phone: string, customerId?: string): Promise<AccountResult[]> {
    await this.authorize(scope, shop.id, phone);
    // A provider that finds nobody by phone finds our customer by the id it gave us (a linked QR token).
    const byRef = shop.loyalty.some((p) => !p.capabilities.lookupBy.includes("PHONE"));
    const refs = byRef && customerId ? await this.links.providerRefs(customerId) : new Map<string, string>();
    return Promise.all(
      shop.loyalty.map((provider) => {
        const externalId = provider.capabilities.lookupBy.includes("PHONE") ? undefined : refs.get(provider.instanceId);
        return scope.accounts.load({ provider, phone, ...(externalId ? { externalId } : {}) });
      }),
    );
  }

  /** The phone a request may act for: the viewer's own for a Mini App user, the given one for a service. */
  async actingPhone(
    scope: RequestScope,
    shopId: string,
    rawPhone: string | null | undefined,
    scopeNeeded: string,
  ): Promise<string | null> {
    const phone = rawPhone ? normalizePhone(rawPhone) : null;
    const { viewer } = scope;
    if (viewer.kind === "telegram") {
      const link = await this.viewerLink(scope, shopId);
      if (phone && phone !== link?.phone)
        throw new AccessError("FORBIDDEN", "a Mini App user may act only for their own linked phone");
      return link?.phone ?? null;
    }
    if (phone && viewer.kind === "anonymous") throw new AccessError("UNAUTHENTICATED", "sign in to act for a customer");
    if (phone && !hasScope(viewer, scopeNeeded)) throw new AccessError("FORBIDDEN", `needs the ${scopeNeeded} scope`);
    return phone;
  }

  /** Refuses a viewer who may not read this customer: a service without customers:read, another Mini App user. */
  async authorize(scope: RequestScope, shopId: string, phone: string): Promise<void> {
    if (scope.viewer.kind === "anonymous") throw new AccessError("UNAUTHENTICATED", "sign in to look up customers");
    if (!(await this.canRead(scope, shopId, phone)))
      throw new AccessError("FORBIDDEN", "you may not read this customer");
  }

  private async canRead(scope: RequestScope, shopId: string, phone: string): Promise<boolean> {
    if (hasScope(scope.viewer, SCOPES.customersRead)) return true;
    if (scope.viewer.kind !== "telegram") return false;
    return (await this.viewerLink(scope, shopId))?.phone === phone;
  }

  private viewerLink(scope: RequestScope, shopId: string): Promise<Customer | null> {
    if (scope.viewer.kind !== "telegram") return Promise.resolve(null);
    let link = scope.viewerLinks.get(shopId);
    if (!link) {
      link = this.links.findByTelegramUser(shopId, scope.viewer.telegramUserId);
      scope.viewerLinks.set(shopId, link);
    }
    return link;
  }

  /** The provider's own id for our customer, once learnt (for example from a QR lookup). */
  async providerRef(customerId: string, providerInstanceId: string): Promise<string | undefined> {
    return (await this.links.providerRefs(customerId)).get(providerInstanceId);
  }

  async ensure(shopId: string, phone: string): Promise<Customer> {
    const key = `${shopId}\u0000${phone}`;
    const cached = this.known.get(key);
    if (cached) return cached;
    const row = await this.links.ensure(shopId, phone);
    if (this.known.size >= this.maxKnown) this.known.delete(this.known.keys().next().value!);
    this.known.set(key, row);
    return row;
  }
}
