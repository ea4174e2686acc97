import type { Customer, CustomerService } from "./customer.service.ts";
import { AccessError, InvalidInputError, NotFoundError, ProviderError, VerificationError } from "./errors.ts";
import { normalizePhone } from "./phone.ts";
import type { LoyaltyCapabilities, LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";
import type { CustomerLinkRepository } from "./ports/customer-link-repository.port.ts";

/**
 * A Mini App user's own loyalty membership: joining the shop's programmes with their proved phone,
 * editing their profile there, and linking the QR or app token of an account they already have.
 */
export class CustomerRegistration {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly links: CustomerLinkRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Creates the customer, under the user's linked phone, at the provider named or at every provider of
   * the shop that can (`capabilities.registration`); one that cannot is UNSUPPORTED_BY_PROVIDER. The
   * customer must agree (`consent`), and that is noted.
   */
  async register(
    scope: RequestScope,
    shopId: string,
    input: { name: string; consent: boolean; providerId?: string | null },
  ): Promise<Customer> {
    const { shop, customer } = await this.linked(scope, shopId);
    if (!input.consent) {
      throw new InvalidInputError("joining the loyalty programme needs the customer's consent", [
        { path: "input.consent", message: "must be true" },
      ]);
    }
    for (const provider of this.capable(shop, "registration", input.providerId)) {
      await this.enrol(scope, provider, customer, input.name);
    }
    await this.links.recordConsent(customer.id, this.now());
    return customer;
  }

  /** Changes the user's name at the provider named, or at every provider of the shop that edits profiles. */
  async updateProfile(
    scope: RequestScope,
    shopId: string,
    input: { name: string; providerId?: string | null },
  ): Promise<Customer> {
    const { shop, customer } = await this.linked(scope, shopId);
    for (const provider of this.capable(shop, "profileUpdate", input.providerId)) {
      const account = await provider.updateCustomer(
        { phone: customer.phone },
        { phone: customer.phone, name: input.name },
      );
      await this.customers.remember(scope, customer, provider, account);
    }
    return customer;
  }

  /**
   * Links the QR or app token of the user's own loyalty account: the provider's customer id is kept
   * (ProviderCustomerRef), so purchases that need it (Integrations `bonus`) work from the Mini App. The
   * account must be the linked phone's (VERIFICATION_FAILED otherwise; the other phone is not told).
   */
  async linkToken(scope: RequestScope, shopId: string, token: string): Promise<Customer> {
    const { shop, customer } = await this.linked(scope, shopId);
    const capable = shop.loyalty.filter((p) => p.capabilities.lookupBy.includes("QR"));
    if (capable.length === 0)
      throw new ProviderError(
        "UNSUPPORTED_BY_PROVIDER",
        `no provider of ${shop.id} looks customers up by token`,
        shop.id,
      );
    const results = await Promise.all(
      capable.map(async (provider) => ({ provider, account: await provider.findCustomerByToken(token) })),
    );
    const hit = results.find((r) => r.account);
    if (!hit?.account) throw new NotFoundError("CUSTOMER_NOT_FOUND", "no loyalty account has this token");
    if (hit.account.phone && normalizePhone(hit.account.phone) !== customer.phone)
      throw new VerificationError("VERIFICATION_FAILED", "this loyalty account belongs to another phone");
    await this.customers.remember(scope, customer, hit.provider, hit.account);
    return customer;
  }

  /**
   * For checkout: a proved phone (the caller checks that) the provider does not know is enrolled there
   * when the provider can, with the order's contact name. False when it cannot.
   */
  async enrolForOrder(scope: RequestScope, provider: LoyaltyProvider, customer: Customer, name: string | null) {
    if (!provider.capabilities.registration) return false;
    await this.enrol(scope, provider, customer, name ?? "");
    return true;
  }

  private async enrol(scope: RequestScope, provider: LoyaltyProvider, customer: Customer, name: string) {
    const account = await provider.registerCustomer({ phone: customer.phone, name });
    await this.customers.remember(scope, customer, provider, account);
  }

  private async linked(scope: RequestScope, shopId: string): Promise<{ shop: Shop; customer: Customer }> {
    if (scope.viewer.kind !== "telegram") throw new AccessError("UNAUTHENTICATED", "this is for a Mini App user");
    const shop = this.shops.get(shopId);
    const customer = await this.customers.me(scope, shop.id);
    if (!customer) {
      throw new InvalidInputError("prove your phone first (linkMyPhone or checkPhoneCode)", [
        { path: "input.shopId", message: "no phone is linked to you in this shop" },
      ]);
    }
    return { shop, customer };
  }

  private capable(shop: Shop, capability: "registration" | "profileUpdate", providerId?: string | null) {
    const named = providerId ? [this.shops.loyaltyProvider(shop, providerId)] : null;
    const targets = named ?? shop.loyalty.filter((p) => p.capabilities[capability satisfies keyof LoyaltyCapabilities]);
    const unable = named?.find((p) => !p.capabilities[capability]);
    if (unable || targets.length === 0) {
      const id = unable?.instanceId ?? shop.id;
      const what = capability === "registration" ? "creates no customers" : "edits no profiles";
      throw new ProviderError("UNSUPPORTED_BY_PROVIDER", `${id} ${what}`, id);
    }
    return targets;
  }
}
