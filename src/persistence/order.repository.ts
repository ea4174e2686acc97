import type { Calculation } from "../providers/port.ts";
import type { OrderStatus } from "../domain/order-state.ts";
import type { Db } from "./db.ts";

export interface OrderLine {
  lineId: string;
  productId: string;
  name: string | null;
  quantity: number;
  unitPrice: number;
  /** Money already refunded on this line. */
  refunded?: number;
}

export interface Fulfilment {
  kind: "PICKUP" | "DELIVERY";
  storeId?: string | null;
  address?: { city: string; street: string; house: string; apartment?: string | null } | null;
  windowFrom?: string | null;
  windowTo?: string | null;
  recipientName?: string | null;
  recipientPhone?: string | null;
}

export interface Contact {
  name?: string | null;
  phone?: string | null;
}

export interface OrderRecord {
  id: string;
  shopId: string;
  customerId: string | null;
  phone: string | null;
  telegramUserId: string | null;
  status: OrderStatus;
  vendorStatus: string | null;
  loyaltyProviderId: string;
  orderProviderId: string | null;
  currency: string;
  lines: OrderLine[];
  calculation: Calculation | null;
  fulfilment: Fulfilment;
  contact: Contact;
  comment: string | null;
  redeemPoints: number;
  pointsHeld: number;
  pointsRedeemed: number;
  pointsEarned: number;
  refundedAmount: number;
  holdId: string | null;
  holdExpiresAt: Date | null;
  loyaltyRef: string | null;
  orderRef: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface TransitionRecord {
  from: OrderStatus | null;
  to: OrderStatus;
  cause: string;
  vendorStatus: string | null;
  at: Date;
}

export type OrderPatch = Partial<Omit<OrderRecord, "id" | "shopId" | "version" | "createdAt" | "updatedAt">>;

/** Thrown when an order changed between read and write; the caller reads again. */
export class ConcurrentUpdateError extends Error {
  constructor(orderId: string) {
    super(`order ${orderId} changed concurrently`);
  }
}

type Row = Awaited<ReturnType<Db["order"]["findUniqueOrThrow"]>>;

function toRecord(row: Row): OrderRecord {
  return {
    ...row,
    status: row.status as OrderStatus,
    lines: JSON.parse(row.lines) as OrderLine[],
    calculation: row.calculation ? (JSON.parse(row.calculation) as Calculation) : null,
    fulfilment: JSON.parse(row.fulfilment) as Fulfilment,
    contact: JSON.parse(row.contact) as Contact,
  };
}

function toColumns(patch: OrderPatch) {
  const { lines, calculation, fulfilment, contact, ...rest } = patch;
  return {
    ...rest,
    ...(lines ? { lines: JSON.stringify(lines) } : {}),
    ...(calculation !== undefined ? { calculation: calculation ? JSON.stringify(calculation) : null } : {}),
    ...(fulfilment ? { fulfilment: JSON.stringify(fulfilment) } : {}),
    ...(contact ? { contact: JSON.stringify(contact) } : {}),
  };
}

/** Orders and their status history; every write checks the version it read. */
export class OrderRepository {
  constructor(private readonly db: Db) {}

  async create(order: Omit<OrderRecord, "version" | "createdAt" | "updatedAt">, cause: string): Promise<OrderRecord> {
    const { lines, calculation, fulfilment, contact, ...scalars } = order;
    const row = await this.db.order.create({
      data: {
        ...scalars,
        lines: JSON.stringify(lines),
        calculation: calculation ? JSON.stringify(calculation) : null,
        fulfilment: JSON.stringify(fulfilment),
        contact: JSON.stringify(contact),
        transitions: { create: { from: null, to: order.status, cause } },
      },
    });
    return toRecord(row);
  }

  async get(id: string): Promise<OrderRecord | null> {
    const row = await this.db.order.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Applies `patch` if the order is still at `version`, recording a transition when the status changes. */
  async update(order: OrderRecord, patch: OrderPatch, cause: string): Promise<OrderRecord> {
    const statusChanges = patch.status !== undefined && patch.status !== order.status;
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id: order.id, version: order.version },
        data: { ...toColumns(patch), version: { increment: 1 } },
      });
      if (count === 0) throw new ConcurrentUpdateError(order.id);
      if (statusChanges || cause.startsWith("sync")) {
        await tx.orderTransition.create({
          data: { orderId: order.id, from: order.status, to: patch.status ?? order.status, cause, vendorStatus: patch.vendorStatus ?? null },
        });
      }
      return toRecord(await tx.order.findUniqueOrThrow({ where: { id: order.id } }));
    });
  }

  async transitions(orderId: string): Promise<TransitionRecord[]> {
    const rows = await this.db.orderTransition.findMany({ where: { orderId }, orderBy: [{ at: "asc" }, { id: "asc" }] });
    return rows.map((r) => ({ from: r.from as OrderStatus | null, to: r.to as OrderStatus, cause: r.cause, vendorStatus: r.vendorStatus, at: r.at }));
  }

  /** Newest first, `limit + 1` rows so the caller knows whether there is a next page. */
  async listFor(owner: { customerIds: string[]; telegramUserId: string | null }, limit: number, before?: { createdAt: Date; id: string }): Promise<OrderRecord[]> {
    const who = [
      ...(owner.customerIds.length ? [{ customerId: { in: owner.customerIds } }] : []),
      ...(owner.telegramUserId ? [{ telegramUserId: owner.telegramUserId }] : []),
    ];
    if (!who.length) return [];
    const after = before ? [{ OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }] : [];
    const rows = await this.db.order.findMany({
      where: { AND: [{ OR: who }, ...after] },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
    });
    return rows.map(toRecord);
  }
}
