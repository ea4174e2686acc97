import { RefundShortfallError } from "./errors.ts";
import type { OrderRecord } from "./order.ts";
import type { CustomerQuery, LoyaltyProvider, RefundLine } from "./ports/loyalty-provider.port.ts";
import type { RefundShortfallPolicy } from "./shop-directory.ts";

/** What the gateway sends to the provider for a refund, and the points it could not take back. */
export interface RefundPlan {
  /** The lines to return at the provider (scaled down under REVOKE_AVAILABLE); undefined: the whole purchase. */
  lines: RefundLine[] | undefined;
  /** Earned points the refund should take back, net of spent points given back, and will not. */
  shortfall: number;
}

/**
 * Weighs a refund against what the customer has before anything moves. A refund gives back the points
 * the purchase spent and takes back those it earned; where the customer has spent the earned points
 * since, the rest would drive their balance below zero. The shop's policy decides: REFUSE throws
 * REFUND_SHORTFALL; REVOKE_AVAILABLE returns less at a provider that takes points back line by line, so
 * that what it takes fits, and names the shortfall; ALLOW_NEGATIVE (where documented) sends it all.
 * Where no documented read gives the balance, the refund goes as asked and the vendor decides.
 */
export async function planRefund(args: {
  policy: RefundShortfallPolicy;
  provider: LoyaltyProvider;
  customer: CustomerQuery;
  order: OrderRecord;
  lines: RefundLine[] | undefined;
}): Promise<RefundPlan> {
  const { policy, provider, order, lines } = args;
  const net = netRevoked(order, lines, provider.behaviour.pointValue, accrued(order, provider));
  if (net <= 0 || policy === "ALLOW_NEGATIVE") return { lines, shortfall: 0 };
  const balance = await provider.balance(args.customer);
  if (balance === null || balance >= net) return { lines, shortfall: 0 };
  if (policy === "REFUSE" || !lines || provider.behaviour.revocation.scale !== "LINES")
    throw new RefundShortfallError(provider.instanceId, net, balance);
  // The largest share of every returned line whose revocation fits the balance.
  const scaled = (k: number) =>
    lines
      .map((l) => ({ ...l, subtotal: mulDiv(l.subtotal, k, net), amount: mulDiv(l.amount, k, net) }))
      .filter((l) => l.subtotal > 0);
  let low = 0;
  let high = net;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (netRevoked(order, scaled(mid), provider.behaviour.pointValue, true) <= balance) low = mid;
    else high = mid - 1;
  }
  const sent = scaled(low);
  return { lines: sent, shortfall: net - Math.max(0, netRevoked(order, sent, provider.behaviour.pointValue, true)) };
}

/**
 * Whether the purchase's earned points are in the customer's balance yet: with the purchase where the
 * commit accrues them, or at completion where the vendor accrues on its own (`flow.commitOnlyToRedeem`),
 * so a cancel before completion takes back none.
 */
function accrued(order: OrderRecord, provider: LoyaltyProvider): boolean {
  if (!provider.behaviour.flow.commitOnlyToRedeem) return order.loyaltyRef !== null;
  return ["COMPLETED", "PARTIALLY_REFUNDED"].includes(order.status);
}

/**
 * The points a refund takes back, less those it gives back. A whole purchase: what it earned less what
 * it spent. Lines: each line's share by its returned list amount, the earned part rounded up and the spent
 * part down, so the figure is never below what a vendor that rounds either way takes.
 */
export function netRevoked(
  order: OrderRecord,
  lines: RefundLine[] | undefined,
  pointValue: number,
  accrued: boolean,
): number {
  // Where the vendor accrues on its own, the order knows what it earned from its calculation.
  const earnedTotal = accrued ? order.pointsEarned || (order.calculation?.pointsEarned ?? 0) : 0;
  if (!lines) return earnedTotal - order.pointsRedeemed;
  const calc = new Map(order.calculation?.lines.map((c) => [c.lineId, c]) ?? []);
  const earnedByLines = [...calc.values()].reduce((a, c) => a + c.pointsEarned, 0);
  const listTotal = order.lines.reduce((a, l) => a + l.unitPrice * l.quantity, 0);
  let revoke = 0;
  let restore = 0;
  for (const back of lines) {
    const line = order.lines.find((l) => l.lineId === back.lineId);
    if (!line) continue;
    const list = line.unitPrice * line.quantity;
    const c = calc.get(back.lineId);
    // Per line where the calculation's lines tell what each earned; else by the line's share of the sale.
    const earned = c && earnedByLines === earnedTotal ? c.pointsEarned : mulDivUp(earnedTotal, list, listTotal);
    revoke += mulDivUp(earned, back.subtotal, list);
    const spent = c ? Math.floor(c.redeemed / pointValue) : 0;
    restore += Math.floor((spent * back.subtotal) / list);
  }
  return revoke - restore;
}

const mulDiv = (a: number, b: number, c: number) => (c === 0 ? 0 : Math.floor((a * b) / c));
const mulDivUp = (a: number, b: number, c: number) => (c === 0 ? 0 : Math.ceil((a * b) / c));
