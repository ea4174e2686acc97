import type { Cart, CartLine, LoyaltyProvider } from "../../src/domain/ports/loyalty-provider.port.ts";
import { createLoyaltyProvider } from "../../src/config/providers.ts";
import { createLogger } from "../../src/server/logger.ts";
import { createBonusPlusSimulator } from "../../src/simulators/bonusplus/server.ts";
import { listen } from "../../src/simulators/kit/http-server.ts";
import { createLoyalClientSimulator } from "../../src/simulators/loyalclient/server.ts";
import { createIntegrationsSimulator } from "../../src/simulators/integrations/server.ts";
import { createPosifloraSimulator } from "../../src/simulators/posiflora/server.ts";
import type { PosifloraState } from "../../src/simulators/posiflora/state.ts";
import type { BonusPlusState } from "../../src/simulators/bonusplus/state.ts";
import { createRkeeperSimulator } from "../../src/simulators/rkeeper/server.ts";
import type { Simulator } from "../../src/simulators/registry.ts";

type Scenario = "sessionRenewal" | "vendorDedupe";

/** One adapter wired to its simulator over real HTTP on 127.0.0.1, with what the scenarios need to know. */
export interface ContractSubject {
  id: string;
  knownPhone: string;
  unknownPhone: string;
  /** A customer with a small balance, for refusals. */
  poorPhone: string;
  lines: CartLine[];
  /** The line a partial refund returns part of. */
  refundLineId: string;
  /** Path fragments of the commit and calculate calls, for scripting faults on them. */
  commitPath: string;
  calculatePath: string;
  /** Path fragments of the other writes, where the adapter makes them. */
  holdPath?: string;
  releasePath?: string;
  refundPath?: string;
  /** Brings a committed purchase to where `refundPath` applies (Posiflora returns done orders). */
  beforeRefund?: (sim: Simulator, orderId: string) => void;
  /**
   * Why a hold whose answer was lost stays at the vendor after recovery's release (which knows only the
   * order id), where it does.
   */
  lostHoldStays?: string;
  /** False where points accrue later (Posiflora accrues when the order is done), not at commit. */
  accruesAtCommit?: boolean;
  /** Marks the vendor's order done, as the florist would, where the vendor accrues by itself then. */
  doneInShop?: (sim: Simulator, orderId: string) => void;
  /** Sets up what a commit needs at the vendor, such as the order it pays (Posiflora). Idempotent. */
  beforeCommit?: (sim: Simulator, orderId: string, phone: string, cart: Cart) => void;
  /**
   * Moves a customer's points in the shop, outside the API (a staff correction), after moving the vendor's
   * clock `advanceSeconds` ahead; for providers with a balance feed.
   */
  moveInShop?: (sim: Simulator, phone: string, points: number, advanceSeconds: number) => void;
  /** QR tokens by phone, for providers that find customers by token only. */
  tokens?: Record<string, string>;
  /** The known customer's loyalty card, where the provider looks up by CARD. */
  card?: string;
  /** The known customer's QR or app token, where the provider looks up by QR. */
  qrToken?: string;
  /** A promo code the simulator runs, where the provider takes coupons. */
  coupon?: string;
  /** The code the simulator sent to a phone, where the provider verifies phones. */
  sentCode?: (sim: Simulator, phone: string) => string | undefined;
  /** Scenarios this adapter cannot run, with the reason. */
  skip: Partial<Record<Scenario, string>>;
  start(options: {
    timeoutMs: number;
    maxRetries: number;
  }): Promise<{ provider: LoyaltyProvider; sim: Simulator; close(): Promise<void> }>;
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

/** Serves the simulator on a free loopback port and builds the adapter against it, as production would. */
function starter(
  adapter: string,
  simulator: (apiKey: string) => Simulator,
  options: Record<string, unknown>,
  basePath = "",
) {
  return async ({ timeoutMs, maxRetries }: { timeoutMs: number; maxRetries: number }) => {
    const sim = simulator("contract-key");
    const server = await listen(sim);
    const provider = createLoyaltyProvider(
      {
        id: `contract-${adapter}`,
        adapter,
        baseUrl: `${server.url}${basePath}`,
        timeoutMs,
        maxRetries,
        options,
        credentials: { apiKey: "env:KEY", password: "env:PASSWORD", username: "env:USERNAME" },
      },
      "contract",
      { KEY: "contract-key", PASSWORD: "contract-password", USERNAME: "contract-user" },
      { fetch: globalThis.fetch, logger: createLogger("silent") },
    );
    return { provider, sim, close: server.close };
  };
}

const staticKey = "authenticates every call with a static API key; there is no session to renew";
const phones = { knownPhone: "79001234567", unknownPhone: "79990000000", poorPhone: "79007654321" };

export const SUBJECTS: ContractSubject[] = [
  {
    id: "bonusplus",
    ...phones,
    lines,
    refundLineId: "2",
    commitPath: "/api/retail",
    calculatePath: "/retail/calc",
    holdPath: "/balance/reserve",
    releasePath: "/balance/reserve",
    refundPath: "/retail/back",
    coupon: "SPRING10",
    sentCode: (sim, phone) => (sim as unknown as { state: BonusPlusState }).state.codes.get(phone)?.code,
    skip: {
      sessionRenewal: `BonusPlus ${staticKey}`,
      vendorDedupe:
        "POST /retail is not documented as idempotent; repeats are stopped by the gateway's ledger, not the vendor",
    },
    start: starter(
      "bonusplus",
      (apiKey) => createBonusPlusSimulator({ apiKey, stores: ["Main"] }),
      { store: "Main" },
      "/api",
    ),
  },
  {
    id: "loyalclient",
    ...phones,
    lines,
    refundLineId: "2",
    commitPath: "/general/retail",
    calculatePath: "/recalc",
    holdPath: "/bonuses/hold",
    releasePath: "/bonuses/release",
    card: "100001",
    qrToken: "APP1001",
    lostHoldStays:
      "a LoyalClient hold is released by its own id, which came in the lost answer; it ends on its own (`duration`) or with the next operation at the point",
    skip: {
      sessionRenewal: `LoyalClient ${staticKey}`,
      vendorDedupe: "POST /retail takes no idempotency key; repeats are stopped by the gateway's ledger",
    },
    start: starter("loyalclient", (apiKey) => createLoyalClientSimulator({ apiKey }), { point: "point-1" }),
  },
  {
    id: "rkeeper",
    ...phones,
    lines,
    refundLineId: "2",
    commitPath: "/orders/close",
    calculatePath: "/orders/calculate",
    holdPath: "/orders/confirm",
    releasePath: "/orders/reset",
    coupon: "FLOWERS10",
    skip: {
      vendorDedupe:
        "seed 004 closes an order once and says nothing of a second `orders/close`; repeats are the ledger's (behaviour.replay.commit is false)",
    },
    start: starter(
      "rkeeper",
      (apiKey) => createRkeeperSimulator({ apiKey, password: "contract-password" }),
      { rkObjectId: "4174244" },
      "/pub",
    ),
  },
  {
    id: "integrations",
    ...phones,
    tokens: { "79001234567": "qr-anna-501", "79007654321": "qr-ivan-502" },
    qrToken: "qr-anna-501",
    lines,
    refundLineId: "2",
    commitPath: "/integrations/bonus",
    calculatePath: "/calculate/bonus",
    refundPath: "/integrations/refund",
    skip: { sessionRenewal: `Integrations ${staticKey}` },
    start: starter(
      "integrations",
      (apiKey) => createIntegrationsSimulator({ apiKey }),
      { outletId: "outlet-1" },
      "/api/integrations",
    ),
  },
  {
    id: "posiflora",
    ...phones,
    lines,
    refundLineId: "2",
    commitPath: "/payments",
    calculatePath: "/v1/customers",
    refundPath: "/return",
    card: "PF-0001",
    beforeRefund: (sim, orderId) => {
      (sim as unknown as { state: PosifloraState }).state.setStatus(orderId, "done");
    },
    accruesAtCommit: false,
    doneInShop: (sim, orderId) => {
      (sim as unknown as { state: PosifloraState }).state.setStatus(orderId, "done");
    },
    moveInShop: (sim, phone, points, advanceSeconds) => {
      const state = (sim as unknown as { state: PosifloraState }).state;
      state.advance(advanceSeconds);
      state.adjust(state.search(phone)[0]!.id, points);
    },
    beforeCommit: (sim, orderId, phone, cart) => {
      const state = (sim as unknown as { state: PosifloraState }).state;
      if (state.orders.has(orderId)) return;
      const customer = state.search(phone)[0]!;
      const totalAmount = cart.lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0);
      state.createOrder({
        id: orderId,
        status: "new",
        customerId: customer.id,
        totalAmount,
        byBonuses: false,
        attributes: {},
        relationships: {},
      });
    },
    skip: { vendorDedupe: undefined },
    start: starter(
      "posiflora",
      () => createPosifloraSimulator({ username: "contract-user", password: "contract-password" }),
      {},
      "/api",
    ),
  },
];

/** Successful point-moving purchases the simulator recorded. */
export function vendorOperations(sim: Simulator): number {
  const snapshot = sim.state.snapshot() as {
    retail?: unknown[];
    operations?: Array<{ kind: string }>;
    bonuses?: unknown[];
    orders?: Array<{ payments?: unknown[] }>;
  };
  return (
    snapshot.operations?.filter((o) => o.kind === "close").length ??
    snapshot.bonuses?.length ??
    snapshot.retail?.length ??
    snapshot.orders?.flatMap((o) => o.payments ?? []).length ??
    0
  );
}

/** Refunds the simulator recorded: whole purchases reversed, or sold lines returned (in part or whole). */
export function vendorRefunds(sim: Simulator): number {
  const snapshot = sim.state.snapshot() as {
    retail?: Array<{ returned: Record<string, number> }>;
    bonuses?: Array<{ refund: unknown }>;
    orders?: Array<{ returned?: boolean }>;
  };
  return (
    snapshot.bonuses?.filter((b) => b.refund).length ??
    snapshot.retail?.reduce((a, r) => a + Object.keys(r.returned ?? {}).length, 0) ??
    snapshot.orders?.filter((o) => o.returned).length ??
    0
  );
}
