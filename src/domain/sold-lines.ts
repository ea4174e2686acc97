import type { OrderLine, OrderRecord } from "./order.ts";
import type { VendorOrder } from "./ports/order-system.port.ts";

/**
 * The order as the florist finished it: the order system's lines, by product, set against the lines
 * the buyer placed. Null when nothing changed, or when the order system's answer has no lines to tell.
 * A product that stays keeps its line id (refunds name lines by it); a new one gets the next id.
 */
export function soldLines(order: Pick<OrderRecord, "lines">, vendor: VendorOrder): OrderLine[] | null {
  if (!vendor.lines) return null;
  const sold = new Map<string, { quantity: number; unitPrice: number }>();
  for (const l of vendor.lines) {
    const seen = sold.get(l.productId);
    sold.set(l.productId, { quantity: (seen?.quantity ?? 0) + l.quantity, unitPrice: seen?.unitPrice ?? l.unitPrice });
  }
  const placed = new Map<string, { quantity: number; unitPrice: number }>();
  for (const l of order.lines) {
    const seen = placed.get(l.productId);
    placed.set(l.productId, { quantity: (seen?.quantity ?? 0) + l.quantity, unitPrice: l.unitPrice });
  }
  const same =
    sold.size === placed.size &&
    [...sold].every(([id, s]) => placed.get(id)?.quantity === s.quantity && placed.get(id)?.unitPrice === s.unitPrice);
  if (same) return null;
  let next = Math.max(0, ...order.lines.map((l) => Number(l.lineId)).filter(Number.isFinite));
  return [...sold]
    .filter(([, s]) => s.quantity > 0)
    .map(([productId, s]) => {
      const was = order.lines.find((l) => l.productId === productId);
      return {
        lineId: was?.lineId ?? String(++next),
        productId,
        name: was?.name ?? null,
        quantity: s.quantity,
        unitPrice: s.unitPrice,
      };
    });
}

/** The lines' list total (unit price × quantity), in minor units. */
export const listTotal = (lines: readonly OrderLine[]) => lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0);
