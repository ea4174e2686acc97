import type { Calculation } from "../domain/ports/loyalty-provider.port.ts";
import { OPEN_STATUSES, type OrderStatus } from "../domain/order-state.ts";
import {
  ConcurrentUpdateError,
  type Contact,
  type DeliveryStatus,
  type Fulfilment,
  type Hold,
  type OrderEvent,
  type OrderLine,
  type OrderPatch,
  type OrderRecord,
  type TransitionRecord,
} from "../domain/order.ts";
import type { Db } from "./db.ts";
import type { OrderRepository } from "../domain/ports/order-repository.port.ts";

type Row = Awaited<ReturnType<Db["order"]["findUniqueOrThrow"]>>;

function toRecord(row: Row): OrderRecord {
  const { holdKind, holdRef, holdPoints, holdExpiresAt, ...rest } = row;
  return {
    ...rest,
    hold:
      holdKind && holdRef
        ? { kind: holdKind as Hold["kind"], ref: holdRef, points: holdPoints, expiresAt: holdExpiresAt }
        : null,
    status: row.status as OrderStatus,
    lines: JSON.parse(row.lines) as OrderLine[],
    placedLines: row.placedLines ? (JSON.parse(row.placedLines) as OrderLine[]) : null,
    deliveryStatus: row.deliveryStatus as DeliveryStatus | null,
    calculation: row.calculation ? (JSON.parse(row.calculation) as Calculation) : null,
    fulfilment: JSON.parse(row.fulfilment) as Fulfilment,
    contact: JSON.parse(row.contact) as Contact,
  };
}

/** The hold's column group, all set or all cleared together. */
const holdColumns = (hold: Hold | null) => ({
  holdKind: hold?.kind ?? null,
  holdRef: hold?.ref ?? null,
  holdPoints: hold?.points ?? 0,
  holdExpiresAt: hold?.expiresAt ?? null,
});

function toColumns(patch: OrderPatch) {
  const { lines, placedLines, calculation, fulfilment, contact, hold, ...rest } = patch;
  return {
    ...rest,
    ...(placedLines !== undefined ? { placedLines: placedLines ? JSON.stringify(placedLines) : null } : {}),
    ...(hold !== undefined ? holdColumns(hold) : {}),
    ...(lines ? { lines: JSON.stringify(lines) } : {}),
    ...(calculation !== undefined ? { calculation: calculation ? JSON.stringify(calculation) : null } : {}),
    ...(fulfilment ? { fulfilment: JSON.stringify(fulfilment) } : {}),
    ...(contact ? { contact: JSON.stringify(contact) } : {}),
  };
}

/** Orders and their status history in Prisma; every write checks the version it read. */
export class PrismaOrderRepository implements OrderRepository {
  constructor(private readonly db: Db) {}

  async create(order: Omit<OrderRecord, "version" | "createdAt" | "updatedAt">, cause: string): Promise<OrderRecord> {
    const { lines, placedLines, calculation, fulfilment, contact, hold, ...scalars } = order;
    const row = await this.db.order.create({
      data: {
        ...scalars,
        ...holdColumns(hold),
        lines: JSON.stringify(lines),
        placedLines: placedLines ? JSON.stringify(placedLines) : null,
        calculation: calculation ? JSON.stringify(calculation) : null,
        fulfilment: JSON.stringify(fulfilment),
        contact: JSON.stringify(contact),
        transitions: { create: { from: null, to: order.status, cause } },
      },
    });
    return toRecord(row);
  }

  async getMany(ids: readonly string[]): Promise<OrderRecord[]> {
    const rows = await this.db.order.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toRecord);
  }

  async get(id: string): Promise<OrderRecord | null> {
    const row = await this.db.order.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async update(
    order: OrderRecord,
    patch: OrderPatch,
    cause: string,
    transition: boolean,
    event: OrderEvent | null = null,
  ): Promise<OrderRecord> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.order.updateMany({
        where: { id: order.id, version: order.version },
        data: { ...toColumns(patch), version: { increment: 1 } },
      });
      if (count === 0) throw new ConcurrentUpdateError(order.id);
      if (transition) {
        await tx.orderTransition.create({
          data: {
            orderId: order.id,
            from: order.status,
            to: patch.status ?? order.status,
            cause,
            event,
            vendorStatus: patch.vendorStatus ?? null,
          },
        });
      }
      return toRecord(await tx.order.findUniqueOrThrow({ where: { id: order.id } }));
    });
  }

  async ledgerHeldPoints(providerInstanceId: string, phone: string, excludeOrderId: string): Promise<number> {
    const sum = await this.db.order.aggregate({
      _sum: { holdPoints: true },
      where: {
        loyaltyProviderId: providerInstanceId,
        phone,
        id: { not: excludeOrderId },
        status: { in: [...OPEN_STATUSES] },
        holdKind: "ledger",
      },
    });
    return sum._sum.holdPoints ?? 0;
  }

  async ledgerHolds(providerInstanceId: string, phone: string): Promise<OrderRecord[]> {
    const rows = await this.db.order.findMany({
      where: {
        loyaltyProviderId: providerInstanceId,
        phone,
        status: { in: [...OPEN_STATUSES] },
        holdPoints: { gt: 0 },
        holdKind: "ledger",
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    return rows.map(toRecord);
  }

  async transitions(orderId: string): Promise<TransitionRecord[]> {
    const rows = await this.db.orderTransition.findMany({
      where: { orderId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => ({
      from: r.from as OrderStatus | null,
      to: r.to as OrderStatus,
      cause: r.cause,
      event: r.event as OrderEvent | null,
      vendorStatus: r.vendorStatus,
      at: r.at,
    }));
  }

  async unplacedSince(
    shopId: string,
    statuses: readonly OrderStatus[],
    before: Date,
    limit: number,
  ): Promise<OrderRecord[]> {
    const rows = await this.db.order.findMany({
      where: { shopId, status: { in: [...statuses] }, updatedAt: { lt: before } },
      orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
      take: limit,
    });
    return rows.map(toRecord);
  }

  /** Newest first, `limit + 1` rows so the caller knows whether there is a next page. */
  async listFor(
    owner: { customerIds: string[]; telegramUserId: string | null },
    limit: number,
    before?: { createdAt: Date; id: string },
  ): Promise<OrderRecord[]> {
    // A Telegram user's own orders, and those a service placed for the phone now linked to them.
    const who = [
      ...(owner.telegramUserId ? [{ telegramUserId: owner.telegramUserId }] : []),
      ...(owner.customerIds.length ? [{ telegramUserId: null, customerId: { in: owner.customerIds } }] : []),
    ];
    if (!who.length) return [];
    const after = before
      ? [{ OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }]
      : [];
    const rows = await this.db.order.findMany({
      where: { AND: [{ OR: who }, ...after] },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
    });
    return rows.map(toRecord);
  }
}
