import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { VerificationError } from "../domain/errors.ts";
import type { ContactProofs, VerifiedContact } from "../domain/ports/phone-proof.port.ts";
import { dataCheckString, initDataSecret } from "./telegram-init-data.ts";

const contactSchema = z.object({
  phone_number: z.string().min(5).max(32),
  user_id: z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]),
});

/**
 * The result of the Mini App's `WebApp.requestContact()`: a query string with `contact` (JSON with
 * `phone_number` and `user_id`), `auth_date` and `hash`, signed with the bot token exactly as initData is
 * (design.md, "Linking a Telegram user to a customer", method 2). Checked in constant time, and refused
 * once older than `maxAgeSeconds`.
 */
export class TelegramContactProofs implements ContactProofs {
  private readonly secret: Buffer;

  constructor(
    botToken: string,
    private readonly maxAgeSeconds = 600,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.secret = initDataSecret(botToken);
  }

  verify(raw: string): VerifiedContact {
    if (raw.length > 4096) throw failed("the contact is too long");
    const params = new URLSearchParams(raw);
    const hash = params.get("hash") ?? "";
    if (!/^[0-9a-f]{64}$/.test(hash)) throw failed("the contact has no valid signature");
    const expected = createHmac("sha256", this.secret).update(dataCheckString(params)).digest();
    if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) throw failed("the contact's signature does not match");
    const signedAt = Number(params.get("auth_date"));
    if (!Number.isInteger(signedAt) || signedAt <= 0) throw failed("the contact has no auth_date");
    if (signedAt > this.now() + 60) throw failed("the contact is dated in the future");
    if (signedAt + this.maxAgeSeconds < this.now()) {
      throw new VerificationError("VERIFICATION_EXPIRED", "the contact is too old; share it again");
    }
    let contact: z.infer<typeof contactSchema>;
    try {
      contact = contactSchema.parse(JSON.parse(params.get("contact") ?? ""));
    } catch {
      throw failed("the contact carries no phone and user");
    }
    return { id: hash, telegramUserId: String(contact.user_id), phone: contact.phone_number, signedAt };
  }
}

const failed = (message: string) => new VerificationError("VERIFICATION_FAILED", message);
