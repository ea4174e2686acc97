import { InvalidInputError } from "./errors.ts";
import type { OrderRecord } from "./order.ts";

/** Money to give back for one line: what the customer paid for the part returned, and its list amount. */
export interface RefundAmount {
  lineId: string;
  amount: number;
  subtotal: number;
}

/** What the customer paid for a line: its subtotal less discounts and redeemed points. */
export function linePaid(order: OrderRecord, lineId: string): number {
  const line = order.lines.find((l) => l.lineId === lineId)!;
  const calc = order.calculation?.lines.find((c) => c.lineId === lineId);
  return calc ? calc.subtotal - calc.discount - calc.redeemed : line.unitPrice * line.quantity;
}

/** Money to refund per line: the rest of every line, or a share by quantity, never more than is left. */
export function refundAmounts(
  order: OrderRecord,
  lines: ReadonlyArray<{ lineId: string; quantity: number }> | null | undefined,
): RefundAmount[] {
  const wanted = lines ?? order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  return wanted
    .map(({ lineId, quantity }, i) => {
      const line = order.lines.find((l) => l.lineId === lineId);
      if (!line)
        throw new InvalidInputError(`no line ${lineId}`, [
          { path: `lines.${i}.lineId`, message: "not a line of this order" },
        ]);
      if (quantity > line.quantity) {
        throw new InvalidInputError(`line ${lineId} has ${line.quantity}`, [
          { path: `lines.${i}.quantity`, message: "more than was ordered" },
        ]);
      }
      const paid = linePaid(order, lineId);
      const left = paid - (line.refunded ?? 0);
      const listLeft = line.unitPrice * line.quantity - (line.refundedSubtotal ?? 0);
      if (!lines) return { lineId, amount: left, subtotal: listLeft };
      return {
        lineId,
        amount: Math.min(left, Math.floor((paid * quantity) / line.quantity)),
        subtotal: Math.min(listLeft, line.unitPrice * quantity),
      };
    })
    .filter((a) => a.amount > 0);
}
