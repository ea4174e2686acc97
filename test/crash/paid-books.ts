import Database from "libsql";
import { PAID_SHOPS, type PaidShop } from "./harness.ts";

/** The buyer of the paid checkouts: a customer of every programme, apart from the unpaid checkouts' one. */
export const PAID_PHONE = "+79007654321";

/** Statuses of an order that is placed (or beyond it): the money must be held or taken. */
const PLACED = ["PLACED", "READY", "IN_DELIVERY", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"];
/** The statuses at which each capture moment has come. */
const CAPTURED_AT: Record<PaidShop["capture"], string[]> = {
  AT_PLACEMENT: PLACED,
  AT_READY: PLACED.slice(1),
  AT_COMPLETION: PLACED.slice(3),
};
/** The gateway's payment statuses as ЮKassa names them. */
const PSP_STATUS: Record<string, string> = {
  PENDING: "pending",
  AUTHORIZED: "waiting_for_capture",
  CAPTURED: "succeeded",
  CANCELED: "canceled",
};

type Row = Record<string, any>;
interface PspBooks {
  payments: Array<{
    id: string;
    status: string;
    authorised: number;
    captured: number;
    refunded: number;
    metadata?: { orderId?: string };
  }>;
  refunds: Array<{ id: string; paymentId: string; amount: number }>;
}
interface Notification {
  event: string;
  object: { id: string };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const get = async (url: string) => (await fetch(url)).json();

/**
 * Compares the books of the prepaid shops: each ЮKassa account's payments and refunds with the gateway's
 * Payment and PaymentRefund rows and its orders, to the kopeck; the money and points Posiflora records on
 * its orders; the BonusPlus and Integrations purchases and balances. `answered`: the status the gateway
 * last answered for each order, which no order may have left since, but for one still waiting for its
 * payment. Each difference is a mismatch.
 */
export async function comparePaidBooks(
  urls: Record<string, string>,
  dbFile: string,
  answered: ReadonlyMap<string, string>,
): Promise<{ mismatches: string[]; forPerson: number; attention: Record<string, number> }> {
  const db = new Database(dbFile, { readonly: true });
  const shops = PAID_SHOPS.map((s) => s.shop);
  const orders = (db.prepare(`select * from "Order"`).all() as Row[]).filter((o) => shops.includes(o.shopId));
  // Oldest first, as the gateway orders an order's payments: the last of an order's is its current one.
  const records = db.prepare(`select * from Payment order by createdAt, id`).all() as Row[];
  const legs = db.prepare(`select * from PaymentRefund`).all() as Row[];
  const ledger = db
    .prepare(`select orderId, state from LedgerEntry where state != 'SUCCEEDED' and state != 'FAILED'`)
    .all() as Row[];
  const attention = db
    .prepare(`select orderId, reason, detail from OrderAttention where settledAt is null`)
    .all() as Row[];
  db.close();
  const out: string[] = [];
  const mine = (o: Row) => orders.some((x) => x.id === o.orderId);
  for (const row of ledger.filter(mine))
    if (row.state !== "NEEDS_ATTENTION") out.push(`ledger row of ${row.orderId} left ${row.state}`);
  // A purchase or return at BonusPlus, which does not deduplicate them, whose outcome a kill hid: the
  // gateway leaves it to a person (recovery.ts), and the order's points and refunded figure wait for
  // them. The other vendors deduplicate, so recovery settles theirs.
  const forPerson = new Set<string>();
  for (const row of ledger.filter((r) => mine(r) && r.state === "NEEDS_ATTENTION")) {
    if (orders.find((o) => o.id === row.orderId)!.shopId === "crash-paid-bonusplus") forPerson.add(row.orderId);
    else out.push(`ledger row of ${row.orderId} left for a person, though its vendor deduplicates`);
  }
  const pspPayments: PspBooks["payments"] = [];
  for (const paid of PAID_SHOPS) {
    const books = (await get(`${urls[paid.psp]}/__sim/state`)) as PspBooks;
    pspPayments.push(...books.payments);
    const notes = (await get(`${urls[paid.psp]}/__sim/notifications`)) as {
      pending: Notification[];
      delivered: Notification[];
    };
    out.push(
      ...money(
        paid,
        orders.filter((o) => o.shopId === paid.shop),
        records.filter((r) => r.shopId === paid.shop),
        legs,
        books,
        [...notes.pending, ...notes.delivered],
        answered,
        new Set(attention.filter((a) => a.reason === "PAYMENT_REFUND").map((a) => a.orderId as string)),
      ),
    );
  }
  const captured = (o: Row) => records.find((r) => r.orderId === o.id && r.status === "CAPTURED");
  const returned = (r: Row | undefined) =>
    sum(legs.filter((l) => l.paymentId === r?.id && l.status === "SUCCEEDED").map((l) => l.amount));
  out.push(...(await posiflora(urls, orders, captured, returned)));
  // The points of an order left to a person are not compared; the buyer's balance still is.
  out.push(...(await bonusplus(urls, orders, forPerson)));
  out.push(...(await integrations(urls, orders)));
  // Staff told to give money back must find some at the PSP: held, or taken and not all refunded.
  for (const a of attention.filter((x) => mine(x) && x.reason === "PAYMENT_ORPHANED")) {
    const kept = pspPayments.filter(
      (p) =>
        p.metadata?.orderId === a.orderId &&
        (p.status === "waiting_for_capture" || (p.status === "succeeded" && p.refunded < p.captured)),
    );
    if (!kept.length) out.push(`${a.orderId}: staff asked to give back money the PSP no longer has: ${a.detail}`);
  }
  // Requests a vendor's documents would refuse, which the simulators count.
  for (const sim of ["posiflora", "bonusplus", "integrations", ...PAID_SHOPS.map((p) => p.psp)]) {
    const found = (await get(`${urls[sim]}/__sim/violations`)) as Array<Record<string, string>>;
    for (const v of found) out.push(`VIOLATION ${sim}: ${v.method} ${v.path} (${v.kind}): ${v.detail}`);
  }
  const reasons: Record<string, number> = {};
  for (const a of attention.filter(mine)) reasons[a.reason] = (reasons[a.reason] ?? 0) + 1;
  return { mismatches: out, forPerson: forPerson.size, attention: reasons };
}

/** One ЮKassa account's payments and refunds against the gateway's records and orders of its shop. */
function money(
  paid: PaidShop,
  orders: Row[],
  records: Row[],
  legs: Row[],
  books: PspBooks,
  notifications: Notification[],
  answered: ReadonlyMap<string, string>,
  refundTold: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  const tag = paid.shop;
  const total = (o: Row) => (JSON.parse(o.calculation ?? "null") as { total?: number } | null)?.total ?? 0;
  const latest = (orderId: string) => records.filter((r) => r.orderId === orderId).at(-1);
  // Every capture makes one payment.succeeded notification, delivered or still queued.
  const captures = new Map<string, number>();
  for (const n of notifications)
    if (n.event === "payment.succeeded") captures.set(n.object.id, (captures.get(n.object.id) ?? 0) + 1);

  for (const p of books.payments) {
    const o = orders.find((x) => x.id === p.metadata?.orderId);
    const r = records.find((x) => x.pspId === p.id);
    const refunds = books.refunds.filter((x) => x.paymentId === p.id);
    const pspRefunded = sum(refunds.map((x) => x.amount));
    if (!o) out.push(`${tag}: PSP payment ${p.id} (${p.status}, ${p.captured} captured) for no order of the shop`);
    if (!r) out.push(`${tag}: PSP payment ${p.id} (${p.status}, ${p.captured} captured) the gateway has no record of`);
    if (p.captured > p.authorised) out.push(`${tag} ${p.id}: captured ${p.captured} of ${p.authorised} authorised`);
    if ((captures.get(p.id) ?? 0) > 1) out.push(`${tag} ${p.id}: captured ${captures.get(p.id)} times`);
    if (pspRefunded > p.captured) out.push(`${tag} ${p.id}: ${pspRefunded} refunded of ${p.captured} captured`);
    if (pspRefunded !== p.refunded)
      out.push(`${tag} ${p.id}: refunds add up to ${pspRefunded}, PSP says ${p.refunded}`);
    if (r) {
      if (PSP_STATUS[r.status] !== p.status) out.push(`${tag} ${p.id}: PSP ${p.status}, gateway ${r.status}`);
      const theirs = `${p.authorised}/${p.captured}/${p.refunded}`;
      const ours = `${r.amount}/${r.captured}/${r.refunded}`;
      if (theirs !== ours) out.push(`${tag} ${p.id}: authorised/captured/refunded ${theirs} at the PSP, ${ours} here`);
      const done = legs.filter((l) => l.paymentId === r.id && l.status === "SUCCEEDED");
      if (sum(done.map((l) => l.amount)) !== pspRefunded)
        out.push(`${tag} ${p.id}: PSP refunded ${pspRefunded}, gateway legs ${sum(done.map((l) => l.amount))}`);
      for (const x of refunds)
        if (!done.some((l) => l.pspId === x.id)) out.push(`${tag} ${p.id}: PSP refund ${x.id} has no leg here`);
    }
    if (!o) continue;
    const placed = PLACED.includes(o.status);
    if (p.status === "waiting_for_capture") {
      if (o.status === "CANCELLED") out.push(`${tag} ${o.id}: ${p.authorised} held for a cancelled order`);
      else if (!placed) out.push(`${tag} ${o.id}: ${p.authorised} held for an order ${o.status}`);
      else if (latest(o.id)?.pspId !== p.id) out.push(`${tag} ${o.id}: a superseded payment held (${p.id})`);
      else if (CAPTURED_AT[paid.capture].includes(o.status))
        out.push(`${tag} ${o.id}: ${o.status} at ${paid.capture}, the hold not captured`);
    }
    if (p.status === "succeeded") {
      if (!placed && o.status !== "CANCELLED") out.push(`${tag} ${o.id}: ${p.captured} taken for an order ${o.status}`);
      if (o.status === "CANCELLED" && pspRefunded !== p.captured)
        out.push(`${tag} ${o.id}: cancelled, ${p.captured - pspRefunded} of ${p.captured} kept`);
      // Money back that the order does not show is allowed only where a person was told of it.
      if (o.status !== "CANCELLED" && pspRefunded !== o.refundedAmount && !refundTold.has(o.id))
        out.push(`${tag} ${o.id}: ${pspRefunded} refunded at the PSP, ${o.refundedAmount} by the order`);
    }
  }
  for (const r of records) {
    if (!r.pspId) out.push(`${tag}: payment record ${r.id} (${r.status}) never created at the PSP`);
    else if (!books.payments.some((p) => p.id === r.pspId))
      out.push(`${tag}: payment ${r.pspId} (${r.status}) unknown to the PSP`);
    for (const l of legs)
      if (l.paymentId === r.id && l.status !== "SUCCEEDED") out.push(`${tag}: refund leg ${l.id} left ${l.status}`);
  }
  for (const o of orders) {
    const live = books.payments.filter(
      (p) => p.metadata?.orderId === o.id && (p.status === "waiting_for_capture" || p.status === "succeeded"),
    );
    if (live.length > 1) out.push(`${tag} ${o.id}: ${live.length} payments held or taken`);
    if (PLACED.includes(o.status)) {
      if (live.length === 0) out.push(`${tag} ${o.id}: ${o.status} with no money held or taken`);
      else if (live[0]!.authorised !== total(o))
        out.push(`${tag} ${o.id}: ${live[0]!.authorised} paid for an order of ${total(o)}`);
      if (CAPTURED_AT[paid.capture].includes(o.status) && live[0]?.status !== "succeeded")
        out.push(`${tag} ${o.id}: ${o.status} at ${paid.capture}, not captured`);
    }
    // An order last seen waiting for its payment moves on by itself: placed once the PSP holds the money
    // (a notification, the reconciler, in the last rounds without kills), or expired. Where it went is
    // checked against the money above; every other answered status must still stand.
    const last = answered.get(o.id);
    if (o.status !== last && !(last === "AWAITING_PAYMENT" && (PLACED.includes(o.status) || o.status === "CANCELLED")))
      out.push(`${tag} ${o.id}: ${o.status}, though the gateway last answered ${last ?? "nothing"}`);
  }
  return out;
}

/** Posiflora: the order system's orders, their money and points, and the buyer's balance. */
async function posiflora(
  urls: Record<string, string>,
  orders: Row[],
  captured: (o: Row) => Row | undefined,
  returned: (r: Row | undefined) => number,
): Promise<string[]> {
  const out: string[] = [];
  const pf = await get(`${urls.posiflora}/__sim/state`);
  const buyer = pf.customers.find((c: any) => `+7${c.phone}` === PAID_PHONE);
  const mine = orders.filter((o) => o.shopId === "crash-paid-posiflora");
  const vendorStatus: Record<string, string[]> = {
    PLACED: ["new"],
    READY: ["assembled"],
    COMPLETED: ["done"],
    REFUNDED: ["returned"],
    CANCELLED: ["canceled"],
  };
  let expected = 20;
  for (const o of mine) {
    const v = pf.orders.find((x: any) => x.id === o.id);
    if (!!o.orderRef !== !!v) {
      out.push(`posiflora paid ${o.id}: ${o.status} with ref ${o.orderRef}, ${v ? "an" : "no"} order there`);
      continue;
    }
    if (!v) continue;
    const of = (type: string, field: "amount" | "bonusAmount") =>
      sum(v.payments.filter((p: any) => p.paymentType === type).map((p: any) => p[field] as number));
    const spent = of("payment", "bonusAmount");
    const payment = captured(o);
    if (spent !== o.pointsRedeemed)
      out.push(`posiflora paid ${o.id}: ${spent} points spent there, ${o.pointsRedeemed} here`);
    if (of("payment", "amount") !== (payment?.captured ?? 0))
      out.push(`posiflora paid ${o.id}: ${of("payment", "amount")} paid there, ${payment?.captured ?? 0} captured`);
    if (of("return", "amount") !== returned(payment))
      out.push(`posiflora paid ${o.id}: ${of("return", "amount")} returned there, ${returned(payment)} refunded`);
    if (vendorStatus[o.status] && !vendorStatus[o.status]!.includes(v.status))
      out.push(`posiflora paid ${o.id}: ${o.status} here, ${v.status} there`);
    if (o.status === "CANCELLED" && of("return", "bonusAmount") !== spent)
      out.push(`posiflora paid ${o.id}: cancelled, ${of("return", "bonusAmount")} of ${spent} points given back`);
    // What the order moved on the balance, by the gateway's status: spent while it stands, all back once
    // cancelled or returned, and Posiflora's own accrual once done, from its books.
    if (o.status === "COMPLETED") expected += v.accrued - o.pointsRedeemed;
    else if (o.status !== "CANCELLED" && o.status !== "REFUNDED") expected -= o.pointsRedeemed;
  }
  if (buyer.currentPoints !== expected)
    out.push(`posiflora paid: balance ${buyer.currentPoints}, expected ${expected}`);
  return out;
}

/** BonusPlus: the reserves and sales of the paid checkouts' buyer, line returns and balance. */
async function bonusplus(
  urls: Record<string, string>,
  orders: Row[],
  forPerson: ReadonlySet<string>,
): Promise<string[]> {
  const out: string[] = [];
  const bp = await get(`${urls.bonusplus}/__sim/state`);
  const phone = PAID_PHONE.slice(1);
  const buyer = bp.customers.find((c: any) => c.phone === phone);
  const reserves = new Map<string, number>(
    Object.entries(bp.reserves.find((r: any) => r.phone === phone)?.byOrder ?? {}),
  );
  const sales = bp.retail.filter((s: any) => s.phone === phone);
  const mine = orders.filter((o) => o.shopId === "crash-paid-bonusplus");
  let expected = 50;
  for (const o of mine) {
    const own = sales.filter((s: any) => s.externalId === o.id);
    for (const sale of own) expected += sale.earned - sale.debit + sale.restored - sale.revoked;
    if (forPerson.has(o.id)) continue;
    if ((reserves.get(o.id) ?? 0) !== o.holdPoints)
      out.push(`bonusplus paid ${o.id}: vendor holds ${reserves.get(o.id) ?? 0}, gateway ${o.holdPoints}`);
    if (own.length > 1) out.push(`bonusplus paid ${o.id}: ${own.length} sales`);
    if (!!o.loyaltyRef !== (own.length === 1))
      out.push(`bonusplus paid ${o.id}: gateway ref ${o.loyaltyRef}, vendor sales ${own.length}`);
    const sale = own[0];
    if (!sale) continue;
    if (sale.debit !== o.pointsRedeemed)
      out.push(`bonusplus paid ${o.id}: sold with ${sale.debit}, gateway ${o.pointsRedeemed}`);
    if (sale.earned !== o.pointsEarned)
      out.push(`bonusplus paid ${o.id}: earned ${sale.earned}, gateway ${o.pointsEarned}`);
    for (const line of JSON.parse(o.lines) as Array<{ lineId: string; refundedSubtotal?: number }>) {
      const back = sale.returned[`${o.id}_${line.lineId}`] ?? 0;
      if (back !== (line.refundedSubtotal ?? 0))
        out.push(
          `bonusplus paid ${o.id} line ${line.lineId}: ${back} returned there, ${line.refundedSubtotal ?? 0} here`,
        );
    }
  }
  for (const id of reserves.keys())
    if (!mine.some((o) => o.id === id)) out.push(`bonusplus paid: dangling reserve ${id}`);
  for (const s of sales)
    if (!mine.some((o) => o.id === s.externalId)) out.push(`bonusplus paid: a sale ${s.id} of no order here`);
  if (buyer.balance !== expected) out.push(`bonusplus paid: balance ${buyer.balance}, expected ${expected}`);
  return out;
}

/** Integrations: one purchase per committed order, refunded when the order was, and the buyer's balance. */
async function integrations(urls: Record<string, string>, orders: Row[]): Promise<string[]> {
  const out: string[] = [];
  const int = await get(`${urls.integrations}/__sim/state`);
  const buyer = int.clients.find((c: any) => c.phone === PAID_PHONE);
  const ops = int.bonuses.filter((b: any) => b.client === buyer.id_client);
  const mine = orders.filter((o) => o.shopId === "crash-paid-integrations");
  let expected = 15;
  for (const o of mine) {
    const own = ops.filter((b: any) => b.invoice_num === o.id);
    if (own.length > 1) out.push(`integrations paid ${o.id}: ${own.length} purchases`);
    if (!!o.loyaltyRef !== (own.length === 1))
      out.push(`integrations paid ${o.id}: gateway ref ${o.loyaltyRef}, vendor purchases ${own.length}`);
    for (const op of own) {
      if (op.paid !== o.pointsRedeemed)
        out.push(`integrations paid ${o.id}: vendor spent ${op.paid}, gateway ${o.pointsRedeemed}`);
      const back = o.status === "CANCELLED" || o.status === "REFUNDED";
      if (back !== !!op.refund) out.push(`integrations paid ${o.id}: ${o.status} here, refunded there: ${!!op.refund}`);
      if (!op.refund) expected += op.earned - op.paid;
    }
  }
  for (const op of ops)
    if (!mine.some((o) => o.id === op.invoice_num))
      out.push(`integrations paid: a purchase ${op.order_id} of no order here`);
  if (buyer.balance !== expected) out.push(`integrations paid: balance ${buyer.balance}, expected ${expected}`);
  return out;
}
