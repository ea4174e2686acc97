import { DEMO_ACCOUNTS } from "./demo-accounts.ts";
import { createBonusPlusSimulator } from "./bonusplus/server.ts";
import { createIntegrationsSimulator } from "./integrations/server.ts";
import { createLoyalClientSimulator } from "./loyalclient/server.ts";
import { createPosifloraSimulator } from "./posiflora/server.ts";
import { createRkeeperSimulator } from "./rkeeper/server.ts";
import { createYookassaSimulator, type YookassaSimulatorOptions } from "./yookassa/server.ts";
import type { FetchHandler } from "./kit/router.ts";
import type { Faults } from "./kit/faults.ts";
import type { RequestLog } from "./kit/simulator.ts";
import type { ViolationLog } from "./kit/violations.ts";

export type Simulator = FetchHandler & {
  faults: Faults;
  requests: RequestLog;
  /** Requests that broke the vendor's documents (`GET /__sim/violations`). */
  violations: ViolationLog;
  state: { reset(): void; snapshot(): unknown };
};

/** Every simulator, by the host the demo config gives it, and the port `npm run simulators` serves it on. */
/** How the demo reaches the ЮKassa simulator's buyer page, and how the simulator reaches the gateway. */
export interface SimulatorOptions {
  yookassa?: Pick<YookassaSimulatorOptions, "publicUrl" | "notificationUrl" | "deliver" | "autoDeliverMs">;
}

export function createSimulators(options: SimulatorOptions = {}) {
  return {
    bonusplus: {
      host: "bonusplus.sim",
      port: 4101,
      handler: createBonusPlusSimulator({ apiKey: DEMO_ACCOUNTS.bonusplus.apiKey }),
    },
    loyalclient: {
      host: "loyalclient.sim",
      port: 4102,
      handler: createLoyalClientSimulator({ apiKey: DEMO_ACCOUNTS.loyalclient.apiKey }),
    },
    rkeeper: {
      host: "rkeeper.sim",
      port: 4103,
      handler: createRkeeperSimulator({
        apiKey: DEMO_ACCOUNTS.rkeeper.apiKey,
        password: DEMO_ACCOUNTS.rkeeper.password,
      }),
    },
    integrations: {
      host: "integrations.sim",
      port: 4104,
      handler: createIntegrationsSimulator({ apiKey: DEMO_ACCOUNTS.integrations.apiKey }),
    },
    posiflora: {
      host: "posiflora.sim",
      port: 4105,
      handler: createPosifloraSimulator({
        username: DEMO_ACCOUNTS.posiflora.username,
        password: DEMO_ACCOUNTS.posiflora.password,
      }),
    },
    yookassa: {
      host: "yookassa.sim",
      port: 4106,
      handler: createYookassaSimulator({
        ...options.yookassa,
        shopId: DEMO_ACCOUNTS.yookassa.shopId,
        secretKey: DEMO_ACCOUNTS.yookassa.secretKey,
      }),
    },
  } satisfies Record<string, { host: string; port: number; handler: Simulator }>;
}
