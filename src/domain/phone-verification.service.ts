import type { CustomerService, Customer } from "./customer.service.ts";
import { AccessError, ProviderError, VerificationError } from "./errors.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import type { PhoneCodeRepository } from "./phone-code.ts";
import { normalizePhone } from "./phone.ts";
import type { ContactProofs, OnceStore } from "./ports/phone-proof.port.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";

/** The limits of the SMS code flow: one code a minute per phone and per user, 5 checks a code, 10 minutes' life. */
export const CODE_RULES = { resendSeconds: 60, maxChecks: 5, lifetimeSeconds: 600 } as const;

export interface CodeSent {
  phone: string;
  providerId: string;
  resendAfterSeconds: number;
  expiresInSeconds: number;
}

/**
 * A Mini App user proves their own phone, and it is linked to them: by the contact Telegram signed for
 * them (`requestContact`), fresh and used once, or by the code a provider sends by SMS (BonusPlus
 * `sendCode`/`checkCode`). The shop's bot keeps its service mutation.
 */
export class PhoneVerification {
  private readonly sending = new KeyedMutex();

  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly proofs: ContactProofs,
    private readonly once: OnceStore,
    private readonly codes: PhoneCodeRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async linkByContact(scope: RequestScope, shopId: string, raw: string): Promise<Customer> {
    const user = telegramUser(scope, "a signed contact is linked to a Mini App user");
    const shop = this.shops.get(shopId);
    const proof = this.proofs.verify(raw);
    if (proof.telegramUserId !== user) {
      throw new VerificationError("VERIFICATION_FAILED", "this contact was shared by another Telegram user");
    }
    if (!(await this.once.remember(`contact:${shop.id}:${proof.id}`))) {
      throw new VerificationError("VERIFICATION_REPLAYED", "this contact has already been used");
    }
    return this.link(scope, shop, normalizePhone(proof.phone), user);
  }

  /**
   * Asks the provider to send a code to the phone. At most one code a minute goes to a phone (whoever
   * asks) and to a user (whatever the phone): RATE_LIMITED with the seconds to wait.
   */
  async sendCode(scope: RequestScope, shopId: string, rawPhone: string, providerId?: string | null): Promise<CodeSent> {
    const user = telegramUser(scope, "a code is sent for a Mini App user");
    const shop = this.shops.get(shopId);
    const phone = normalizePhone(rawPhone);
    const provider = this.verifier(shop, providerId);
    return this.sending.run(`${shop.id}:${phone}`, async () => {
      const since = new Date(this.now() - CODE_RULES.resendSeconds * 1000);
      const last = await this.codes.lastSent(shop.id, phone, user, since);
      if (last) {
        const wait = Math.max(1, Math.ceil((last.getTime() + CODE_RULES.resendSeconds * 1000 - this.now()) / 1000));
        throw new VerificationError(
          "RATE_LIMITED",
          `a code was sent less than a minute ago; ask again in ${wait} s`,
          wait,
        );
      }
      await provider.sendCode(phone);
      await this.codes.sent({
        shopId: shop.id,
        phone,
        telegramUserId: user,
        providerInstanceId: provider.instanceId,
        sentAt: new Date(this.now()),
      });
      return {
        phone,
        providerId: provider.instanceId,
        resendAfterSeconds: CODE_RULES.resendSeconds,
        expiresInSeconds: CODE_RULES.lifetimeSeconds,
      };
    });
  }

  /**
   * Checks the code the user received; a right one links the phone to them. A code is good for
   * `lifetimeSeconds` (VERIFICATION_EXPIRED after) and `maxChecks` checks: after that every check is
   * VERIFICATION_FAILED, without asking the provider, until a new code is sent.
   */
  async checkCode(
    scope: RequestScope,
    shopId: string,
    rawPhone: string,
    code: string,
    providerId?: string | null,
  ): Promise<Customer> {
    const user = telegramUser(scope, "a code is checked for a Mini App user");
    const shop = this.shops.get(shopId);
    const phone = normalizePhone(rawPhone);
    const sent = await this.codes.get(shop.id, phone, user);
    if (!sent || (providerId && sent.providerInstanceId !== providerId))
      throw new VerificationError("VERIFICATION_FAILED", "no code was sent to this phone for you; ask for one");
    if (sent.sentAt.getTime() + CODE_RULES.lifetimeSeconds * 1000 < this.now())
      throw new VerificationError("VERIFICATION_EXPIRED", "the code is too old; ask for a new one");
    if (!(await this.codes.takeCheck(shop.id, phone, user, CODE_RULES.maxChecks)))
      throw new VerificationError("VERIFICATION_FAILED", "too many wrong codes; ask for a new one");
    const provider = this.shops.loyaltyProvider(shop, sent.providerInstanceId);
    if (!(await provider.checkCode(phone, code))) {
      const left = CODE_RULES.maxChecks - sent.checks - 1;
      throw new VerificationError(
        "VERIFICATION_FAILED",
        left > 0 ? `the code is wrong; ${left} more tries` : "the code is wrong; ask for a new one",
      );
    }
    await this.codes.remove(shop.id, phone, user);
    return this.link(scope, shop, phone, user);
  }

  private async link(scope: RequestScope, shop: Shop, phone: string, user: string): Promise<Customer> {
    const customer = await this.customers.linkVerified(shop.id, phone, user);
    scope.viewerLinks.set(shop.id, Promise.resolve(customer));
    return customer;
  }

  /** The provider named, or the shop's first that sends codes; one that cannot is UNSUPPORTED_BY_PROVIDER. */
  private verifier(shop: Shop, providerId?: string | null): LoyaltyProvider {
    const provider = providerId
      ? this.shops.loyaltyProvider(shop, providerId)
      : shop.loyalty.find((p) => p.capabilities.phoneVerification);
    if (!provider || !provider.capabilities.phoneVerification) {
      const id = provider?.instanceId ?? shop.id;
      throw new ProviderError("UNSUPPORTED_BY_PROVIDER", `${id} sends no verification codes`, id);
    }
    return provider;
  }
}

function telegramUser(scope: RequestScope, message: string): string {
  if (scope.viewer.kind !== "telegram") throw new AccessError("UNAUTHENTICATED", message);
  return scope.viewer.telegramUserId;
}
