import { randomUUID } from "node:crypto";
import type { CustomerService, Customer } from "./customer.service.ts";
import { AccessError, ProviderError, VerificationError } from "./errors.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import type { PhoneCodeRecord } from "./phone-code.ts";
import { normalizePhone } from "./phone.ts";
import type { ContactProofs, OnceStore } from "./ports/phone-proof.port.ts";
import type { LoyaltyProvider } from "./ports/loyalty-provider.port.ts";
import { NO_SECURITY_OBSERVER, type SecurityObserver } from "./ports/metrics.port.ts";
import type { RequestScope } from "./request-scope.ts";
import type { Shop, ShopDirectory } from "./shop-directory.ts";
import type { PhoneCodeRepository } from "./ports/phone-code-repository.port.ts";

/**
 * The limits of the SMS code flow. A phone has one live code per provider: a new one voids the last for
 * everyone. One code a minute per phone and per user; 5 checks a code and 10 minutes' life; and per phone
 * per UTC day, whoever asks, 10 codes sent and 10 checks, so that many accounts together still get only
 * `dailyChecks` guesses at a phone's codes.
 */
export const CODE_RULES = {
  resendSeconds: 60,
  maxChecks: 5,
  lifetimeSeconds: 600,
  dailySends: 10,
  dailyChecks: 10,
} as const;

export interface CodeSent {
  phone: string;
  providerId: string;
  resendAfterSeconds: number;
  expiresInSeconds: number;
}

export interface PhoneVerificationOptions {
  shops: ShopDirectory;
  customers: CustomerService;
  proofs: ContactProofs;
  once: OnceStore;
  codes: PhoneCodeRepository;
  observer?: SecurityObserver;
  now?: () => number;
}

/**
 * A Mini App user proves their own phone, and it is linked to them: by the contact Telegram signed for
 * them (`requestContact`), fresh and used once, or by the code a provider sends by SMS (BonusPlus
 * `sendCode`/`checkCode`). The shop's bot keeps its service mutation.
 */
export class PhoneVerification {
  /** Sends and checks of one phone go one at a time, so a check never races the send that voids its code. */
  private readonly perPhone = new KeyedMutex();
  private readonly observer: SecurityObserver;
  private readonly now: () => number;

  constructor(private readonly o: PhoneVerificationOptions) {
    this.observer = o.observer ?? NO_SECURITY_OBSERVER;
    this.now = o.now ?? (() => Date.now());
  }

  async linkByContact(scope: RequestScope, shopId: string, raw: string): Promise<Customer> {
    const user = telegramUser(scope, "a signed contact is linked to a Mini App user");
    const shop = this.o.shops.get(shopId);
    const proof = this.o.proofs.verify(raw);
    if (proof.telegramUserId !== user) {
      throw new VerificationError("VERIFICATION_FAILED", "this contact was shared by another Telegram user");
    }
    if (!(await this.o.once.remember(`contact:${shop.id}:${proof.id}`))) {
      throw new VerificationError("VERIFICATION_REPLAYED", "this contact has already been used");
    }
    return this.link(scope, shop, normalizePhone(proof.phone), user);
  }

  /**
   * Asks the provider to send a code to the phone; it voids the phone's earlier code, whoever asked for
   * it. At most one code a minute goes to a phone (whoever asks) and to a user (whatever the phone), and
   * `dailySends` a day to a phone: RATE_LIMITED with the seconds to wait.
   */
  async sendCode(scope: RequestScope, shopId: string, rawPhone: string, providerId?: string | null): Promise<CodeSent> {
    const user = telegramUser(scope, "a code is sent for a Mini App user");
    const shop = this.o.shops.get(shopId);
    const phone = normalizePhone(rawPhone);
    const provider = this.verifier(shop, providerId);
    return this.perPhone.run(`${shop.id}:${phone}`, async () => {
      const now = this.now();
      const last = await this.o.codes.lastSent(shop.id, phone, user, new Date(now - CODE_RULES.resendSeconds * 1000));
      if (last) {
        const wait = Math.max(1, Math.ceil((last.getTime() + CODE_RULES.resendSeconds * 1000 - now) / 1000));
        throw new VerificationError(
          "RATE_LIMITED",
          `a code was sent less than a minute ago; ask again in ${wait} s`,
          wait,
        );
      }
      if (!(await this.o.codes.takeDaily(shop.id, phone, utcDay(now), "sends", CODE_RULES.dailySends))) {
        throw new VerificationError("RATE_LIMITED", "too many codes for this phone today", secondsToNextDay(now));
      }
      const earlier = await this.o.codes.live(shop.id, phone, provider.instanceId);
      await provider.sendCode(phone);
      await this.o.codes.sent({
        codeId: randomUUID(),
        shopId: shop.id,
        phone,
        telegramUserId: user,
        providerInstanceId: provider.instanceId,
        sentAt: new Date(now),
      });
      if (earlier && earlier.telegramUserId !== user && isLive(earlier, now)) this.observer.phoneCodeContested(shop.id);
      return {
        phone,
        providerId: provider.instanceId,
        resendAfterSeconds: CODE_RULES.resendSeconds,
        expiresInSeconds: CODE_RULES.lifetimeSeconds,
      };
    });
  }

  /**
   * Checks the code the user received; a right one links the phone to them. Only the phone's live code,
   * asked for by this user, is checked at the provider: a code another user asked for, or one a newer
   * code voided, is VERIFICATION_FAILED without asking it. A code is good for `lifetimeSeconds`
   * (VERIFICATION_EXPIRED after) and `maxChecks` checks; a phone gets `dailyChecks` a day (RATE_LIMITED).
   */
  async checkCode(
    scope: RequestScope,
    shopId: string,
    rawPhone: string,
    code: string,
    providerId?: string | null,
  ): Promise<Customer> {
    const user = telegramUser(scope, "a code is checked for a Mini App user");
    const shop = this.o.shops.get(shopId);
    const phone = normalizePhone(rawPhone);
    await this.perPhone.run(`${shop.id}:${phone}`, async () => {
      const now = this.now();
      const live = await this.o.codes.live(shop.id, phone, providerId);
      if (!live || live.telegramUserId !== user)
        throw new VerificationError(
          "VERIFICATION_FAILED",
          "no code was sent to this phone for you; ask for one",
          null,
          0,
        );
      if (!isLive(live, now))
        throw new VerificationError("VERIFICATION_EXPIRED", "the code is too old; ask for a new one", null, 0);
      const used = live.checks;
      if (used >= CODE_RULES.maxChecks) throw tooManyWrong();
      if (!(await this.o.codes.takeDaily(shop.id, phone, utcDay(now), "checks", CODE_RULES.dailyChecks))) {
        throw new VerificationError("RATE_LIMITED", "too many codes tried for this phone today", secondsToNextDay(now));
      }
      if (!(await this.o.codes.takeCheck(live.codeId, CODE_RULES.maxChecks))) throw tooManyWrong();
      const provider = this.o.shops.loyaltyProvider(shop, live.providerInstanceId);
      if (!(await provider.checkCode(phone, code))) {
        const left = CODE_RULES.maxChecks - used - 1;
        throw new VerificationError(
          "VERIFICATION_FAILED",
          left > 0 ? `the code is wrong; ${left} more tries` : "the code is wrong; ask for a new one",
          null,
          left,
        );
      }
      await this.o.codes.remove(live.codeId);
    });
    return this.link(scope, shop, phone, user);
  }

  private async link(scope: RequestScope, shop: Shop, phone: string, user: string): Promise<Customer> {
    const customer = await this.o.customers.linkVerified(shop.id, phone, user);
    scope.viewerLinks.set(shop.id, Promise.resolve(customer));
    return customer;
  }

  /** The provider named, or the shop's first that sends codes; one that cannot is UNSUPPORTED_BY_PROVIDER. */
  private verifier(shop: Shop, providerId?: string | null): LoyaltyProvider {
    const provider = providerId
      ? this.o.shops.loyaltyProvider(shop, providerId)
      : shop.loyalty.find((p) => p.capabilities.phoneVerification);
    if (!provider || !provider.capabilities.phoneVerification) {
      const id = provider?.instanceId ?? shop.id;
      throw new ProviderError("UNSUPPORTED_BY_PROVIDER", `${id} sends no verification codes`, id);
    }
    return provider;
  }
}

const isLive = (code: PhoneCodeRecord, now: number) => code.sentAt.getTime() + CODE_RULES.lifetimeSeconds * 1000 >= now;

const tooManyWrong = () =>
  new VerificationError("VERIFICATION_FAILED", "too many wrong codes; ask for a new one", null, 0);

/** The UTC day of `now`, the unit of the daily caps. */
const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

function secondsToNextDay(now: number): number {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - now) / 1000));
}

function telegramUser(scope: RequestScope, message: string): string {
  if (scope.viewer.kind !== "telegram") throw new AccessError("UNAUTHENTICATED", message);
  return scope.viewer.telegramUserId;
}
