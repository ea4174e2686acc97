import type { Fulfilment } from "../domain/order.ts";
import type { SlotBookings } from "../domain/ports/slot-bookings.port.ts";
import type { Db } from "./db.ts";

/** Slot starts read from the orders' fulfilment (JSON text): orders made in the last 60 days can hold a future slot. */
const HORIZON_MS = 61 * 24 * 3_600_000;

export class PrismaSlotBookings implements SlotBookings {
  constructor(private readonly db: Db) {}

  async booked(shopId: string, kind: "PICKUP" | "DELIVERY", storeId: string | null, from: Date): Promise<string[]> {
    const rows = await this.db.order.findMany({
      where: {
        shopId,
        status: { not: "CANCELLED" },
        createdAt: { gte: new Date(from.getTime() - HORIZON_MS) },
        fulfilment: { contains: `"kind":"${kind}"` },
      },
      select: { fulfilment: true },
    });
    return rows.flatMap((row) => {
      const f = JSON.parse(row.fulfilment) as Fulfilment;
      if (!f.windowFrom || (storeId && f.storeId !== storeId)) return [];
      const at = new Date(f.windowFrom);
      return at >= from ? [at.toISOString()] : [];
    });
  }
}
