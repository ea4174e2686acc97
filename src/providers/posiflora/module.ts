import { z } from "zod";
import { defineLoyaltyModule, defineOrderSystemModule } from "../module.ts";
import { options, PosifloraLoyaltyAdapter } from "./adapter.ts";
import { PosifloraCatalogAdapter } from "./catalog.adapter.ts";
import { createPosifloraHttp } from "./client.ts";
import { POINT_VALUE_MINOR } from "./mapper.ts";
import { PosifloraOrderAdapter, posifloraOrderOptions } from "./orders.adapter.ts";

const credentials = z.object({ username: z.string().min(1), password: z.string().min(1) });

/** Posiflora's bonus points (seed 000): spent as a payment on the order, accrued by Posiflora itself at `done`. */
export const posifloraLoyaltyModule = defineLoyaltyModule({
  id: "posiflora",
  options,
  credentials,
  capabilities: {
    lookupBy: ["PHONE", "CARD"],
    calculation: "NONE",
    hold: "LEDGER",
    refund: "FULL",
    phoneVerification: false,
    registration: true,
    profileUpdate: true,
    coupons: false,
    productImport: false,
    balanceFeed: true,
    pointsHistory: true,
  },
  requiresOrderSystem: "posiflora",
  behaviour: {
    flow: {
      redeemedAs: "ORDER_PAYMENT",
      commitAt: "CONFIRM",
      releaseBeforeCommit: false,
      commitOnlyToRedeem: true,
      holdCanLapse: false,
      reason: "no hold; points are an order payment, made once the order exists; a return reverses it",
    },
    replay: {
      commit: true,
      refund: true,
      reason:
        "the payment id is derived from our key, so a repeat is JSON:API's 409 Conflict and the order is read back; a return of a returned order is harmless",
    },
    pointValue: POINT_VALUE_MINOR,
    revocation: {
      scale: "WHOLE",
      negativeBalance: false,
      reason:
        "an order is returned whole (PATCH /v1/orders/{id}/return) and Posiflora takes back what it accrued; no document allows a negative balance",
    },
  },
  create: (instance, deps) =>
    new PosifloraLoyaltyAdapter(instance.id, createPosifloraHttp(instance, deps), instance.options),
});

/** Posiflora as the shop's order system and shop window; orders and catalog share one session. */
export const posifloraOrderModule = defineOrderSystemModule({
  id: "posiflora",
  options: posifloraOrderOptions,
  credentials,
  statusMap: {
    new: "PLACED",
    assembled: "READY",
    courier: "IN_DELIVERY",
    done: "COMPLETED",
    canceled: "CANCELLED",
    notAccepted: "CANCELLED",
    returned: "REFUNDED",
  },
  // PATCH /v1/orders/{id}/delivery-status: courier | delivered | cannotBeDelivered; `courier` is the
  // status's business (IN_DELIVERY), not an outcome.
  deliveryMap: { delivered: "DELIVERED", cannotBeDelivered: "NOT_DELIVERED" },
  create: (instance, deps) => {
    const http = createPosifloraHttp(instance, deps);
    return {
      orders: new PosifloraOrderAdapter(instance.id, http, instance.options),
      catalog: new PosifloraCatalogAdapter(instance.id, http, instance.options),
    };
  },
});
