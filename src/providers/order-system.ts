import type { CatalogProvider } from "./catalog-port.ts";
import type { OrderProvider } from "./order-port.ts";

/** What an order-system module builds from one configured instance: orders, and the shop window if the vendor has one. */
export interface OrderSystem {
  orders: OrderProvider;
  catalog: CatalogProvider | null;
}
