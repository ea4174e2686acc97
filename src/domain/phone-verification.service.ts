import type { CustomerService, Customer } from "./customer.service.ts";
import { AccessError, VerificationError } from "./errors.ts";
import { normalizePhone } from "./phone.ts";
import type { ContactProofs, OnceStore } from "./ports/phone-proof.port.ts";
import type { RequestScope } from "./request-scope.ts";
import type { ShopDirectory } from "./shop-directory.ts";

/**
 * A Mini App user proves their own phone, and it is linked to them: by the contact Telegram signed for
 * them (`requestContact`), fresh and used once. The shop's bot keeps its service mutation.
 */
export class PhoneVerification {
  constructor(
    private readonly shops: ShopDirectory,
    private readonly customers: CustomerService,
    private readonly proofs: ContactProofs,
    private readonly once: OnceStore,
  ) {}

  async linkByContact(scope: RequestScope, shopId: string, raw: string): Promise<Customer> {
    if (scope.viewer.kind !== "telegram")
      throw new AccessError("UNAUTHENTICATED", "a signed contact is linked to a Mini App user");
    const shop = this.shops.get(shopId);
    const proof = this.proofs.verify(raw);
    if (proof.telegramUserId !== scope.viewer.telegramUserId) {
      throw new VerificationError("VERIFICATION_FAILED", "this contact was shared by another Telegram user");
    }
    if (!(await this.once.remember(`contact:${shop.id}:${proof.id}`))) {
      throw new VerificationError("VERIFICATION_REPLAYED", "this contact has already been used");
    }
    const customer = await this.customers.linkVerified(shop.id, normalizePhone(proof.phone), proof.telegramUserId);
    scope.viewerLinks.set(shop.id, Promise.resolve(customer));
    return customer;
  }
}
