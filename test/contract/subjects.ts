import type { Cart, CartLine, LoyaltyProvider } from "../../src/providers/port.ts";
import { createLoyaltyProvider } from "../../src/providers/registry.ts";
import { createLogger } from "../../src/server/logger.ts";
import { createBonusPlusSimulator } from "../../src/simulators/bonusplus/server.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import type { Simulator } from "../../src/simulators/registry.ts";

/** One adapter wired to its simulator over real HTTP on 127.0.0.1, with what the scenarios need to know. */
export interface ContractSubject {
  id: string;
  knownPhone: string;
  unknownPhone: string;
  /** A customer with a small balance, for refusals. */
  poorPhone: string;
  lines: CartLine[];
  /** Scenarios this adapter cannot run, with the reason. */
  skip: Partial<Record<"sessionRenewal" | "vendorDedupe", string>>;
  start(options: { timeoutMs: number; maxRetries: number }): Promise<{ provider: LoyaltyProvider; sim: Simulator; close(): Promise<void> }>;
}

const lines: CartLine[] = [
  { lineId: "1", productId: "rose-15", quantity: 1, unitPrice: 350_000 },
  { lineId: "2", productId: "card", quantity: 2, unitPrice: 15_000 },
];

export const cartFor = (s: ContractSubject, phone: string | null, redeemPoints = 0): Cart => ({
  customer: phone ? { phone } : null,
  lines: s.lines,
  redeemPoints,
  currency: "RUB",
});

export const SUBJECTS: ContractSubject[] = [
  {
    id: "bonusplus",
    knownPhone: "79001234567",
    unknownPhone: "79990000000",
    poorPhone: "79007654321",
    lines,
    skip: {
      sessionRenewal: "BonusPlus authenticates every call with a static API key; there is no session to renew",
      vendorDedupe: "POST /retail is not documented as idempotent; repeats are stopped by the gateway's ledger, not the vendor",
    },
    async start({ timeoutMs, maxRetries }) {
      const sim = createBonusPlusSimulator({ apiKey: "contract-key" });
      const server = await listen(sim);
      const provider = createLoyaltyProvider(
        { id: "contract-bonusplus", adapter: "bonusplus", baseUrl: `${server.url}/api`, timeoutMs, maxRetries, options: { store: "Main" }, credentials: { apiKey: "env:KEY" } },
        "contract",
        { KEY: "contract-key" },
        { fetch: globalThis.fetch, logger: createLogger("silent") },
      );
      return { provider, sim, close: server.close };
    },
  },
];
