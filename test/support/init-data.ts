import { signInitData } from "../../src/auth/telegram-init-data.ts";
import { DEMO_BOT_TOKEN } from "./test-gateway.ts";

/** `Authorization: tma <initData>` for a Telegram user, signed with the demo bot token. */
export function tmaHeader(userId: number, options: { authDate?: number; token?: string } = {}): Record<string, string> {
  const authDate = options.authDate ?? Math.floor(Date.now() / 1000) - 5;
  const initData = signInitData(
    {
      query_id: `q${userId}`,
      user: JSON.stringify({ id: userId, first_name: "Test", username: `user${userId}` }),
      auth_date: String(authDate),
    },
    options.token ?? DEMO_BOT_TOKEN,
  );
  return { authorization: `tma ${initData}` };
}

/** What Telegram's WebApp.requestContact() hands the Mini App: the shared contact, signed like initData. */
export function signedContact(
  userId: number,
  phone: string,
  options: { authDate?: number; token?: string } = {},
): string {
  return signInitData(
    {
      contact: JSON.stringify({ phone_number: phone, first_name: "Test", user_id: userId }),
      auth_date: String(options.authDate ?? Math.floor(Date.now() / 1000) - 5),
    },
    options.token ?? DEMO_BOT_TOKEN,
  );
}
