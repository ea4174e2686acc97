import { bonusPlusModule } from "./bonusplus/module.ts";
import { integrationsModule } from "./integrations/module.ts";
import { loyalClientModule } from "./loyalclient/module.ts";
import { posifloraLoyaltyModule, posifloraOrderModule } from "./posiflora/module.ts";
import { rkeeperModule } from "./rkeeper/module.ts";
import { yookassaModule } from "./yookassa/module.ts";
import type { LoyaltyProviderModule, OrderSystemModule, PaymentProviderModule } from "./module.ts";

/** Every loyalty module the gateway ships, by id: the one place a new provider is registered. */
// Each module has options of its own type, checked by its own zod schema when an instance is built.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const LOYALTY_MODULES: Record<string, LoyaltyProviderModule<any>> = {
  [bonusPlusModule.id]: bonusPlusModule,
  [loyalClientModule.id]: loyalClientModule,
  [rkeeperModule.id]: rkeeperModule,
  [integrationsModule.id]: integrationsModule,
  [posifloraLoyaltyModule.id]: posifloraLoyaltyModule,
};

/** Every order-system adapter, by id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as LOYALTY_MODULES
export const ORDER_MODULES: Record<string, OrderSystemModule<any>> = {
  [posifloraOrderModule.id]: posifloraOrderModule,
};

/** Every payment (PSP) module, by id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as LOYALTY_MODULES
export const PAYMENT_MODULES: Record<string, PaymentProviderModule<any>> = {
  [yookassaModule.id]: yookassaModule,
};
