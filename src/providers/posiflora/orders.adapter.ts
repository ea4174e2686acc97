import { z } from "zod";
import { ProviderError } from "../../domain/errors.ts";
import { decimalToMinor, minorToDecimal } from "../../domain/money.ts";
import type { ProviderHttp } from "../http/provider-http.ts";
import type { OrderSystemAdapter, ProviderOrder, VendorOrder } from "../../domain/ports/order-system.port.ts";
import { posifloraCatalogOptions } from "./catalog.adapter.ts";
import { PosifloraCustomers } from "./customers.ts";
import { createWithOwnId } from "./client.ts";
import { isConflict, stableId } from "./mapper.ts";
import { PosifloraOrderSources } from "./order-sources.ts";
import { JSON_API, orderLineResource, orderListWire, orderWire, PAGE_SIZE } from "./wire.ts";

/** The order source's title when the shops file names none: found in `/v1/order-sources`, or created. */
export const DEFAULT_SOURCE_TITLE = "Telegram Mini App";

export const posifloraOrderOptions = z
  .object({
    /** An existing order source's id (`/v1/order-sources`), checked at start-up. */
    sourceId: z.string().min(1).optional(),
    /** The title of the order source that marks orders from the Mini App: found, or created when absent. */
    sourceTitle: z.string().trim().min(1).max(200).optional(),
    /** The store that takes delivery orders; pickup orders use the chosen store. */
    storeId: z.string().min(1).optional(),
    /** The country code Posiflora stores phones under (`countryCode` beside the local `phone`). */
    countryCode: z.number().int().min(1).max(999).default(7),
  })
  .merge(posifloraCatalogOptions)
  .refine((o) => !(o.sourceId && o.sourceTitle), {
    message: "name the order source by sourceId or by sourceTitle, not both",
    path: ["sourceTitle"],
  });
export type PosifloraOrderOptions = z.infer<typeof posifloraOrderOptions>;

/**
 * Posiflora as the shop's order system: JSON:API orders created under our UUID. Every body carries
 * only what the OpenAPI document's request schemas name (plus the lines, which the operation's own
 * example sends inline), and every list only the query parameters it declares.
 */
export class PosifloraOrderAdapter implements OrderSystemAdapter {
  readonly deliveryStoreId: string | null;
  private readonly customers: PosifloraCustomers;
  private readonly sources: PosifloraOrderSources;

  constructor(
    readonly instanceId: string,
    private readonly http: ProviderHttp,
    private readonly opts: PosifloraOrderOptions,
  ) {
    this.deliveryStoreId = opts.storeId ?? null;
    this.customers = new PosifloraCustomers(http, opts.countryCode);
    this.sources = new PosifloraOrderSources(
      instanceId,
      http,
      opts.sourceId ? { id: opts.sourceId } : { title: opts.sourceTitle ?? DEFAULT_SOURCE_TITLE },
    );
  }

  /** The order source, checked or found (and created when absent) before the first order needs it. */
  async prepare(): Promise<void> {
    await this.sources.id();
  }

  /**
   * `POST /v1/orders` with what the request schema names: the order's source, its date in the shop's
   * calendar, the lines at the prices the customer pays, the pickup time as `dueTime`, and for a delivery
   * the address, the window and the recipient. Points spent as a Posiflora bonus payment set `byBonuses`;
   * the payment itself is the loyalty adapter's, and no money payment is recorded (the customer pays at
   * pickup or delivery).
   *
   * The buyer is the order's `customer` (found by phone, or created in the CRM) only when the order's
   * loyalty is Posiflora's own. Posiflora accrues its bonus group's points to the order's customer at
   * `done`, and no field of the request stops it, so an order whose points are another programme's
   * carries no customer: the buyer's name and phone go in its `description` instead.
   */
  async createOrder(order: ProviderOrder): Promise<{ reference: string; vendorStatus: string }> {
    const source = await this.sources.id();
    const linked = order.orderSystemLoyalty && order.buyer.phone;
    const customer = linked ? await this.customers.ensure(order.buyer.phone!, order.buyer.name) : null;
    const store = order.pickup?.storeId ?? this.opts.storeId;
    const d = order.delivery;
    const description = [order.orderSystemLoyalty ? null : buyerNote(order.buyer), order.comment]
      .filter(Boolean)
      .join("\n");
    const body = (sourceId: string) => ({
      data: {
        type: "orders",
        id: order.id,
        attributes: {
          status: "new",
          date: order.date,
          ...(description ? { description } : {}),
          byBonuses: order.byBonuses,
          delivery: d !== null,
          ...(order.pickup?.at ? { dueTime: order.pickup.at } : {}),
          ...(d
            ? {
                deliveryCity: d.city,
                deliveryStreet: d.street,
                deliveryHouse: d.house,
                ...(d.apartment ? { deliveryApartment: d.apartment } : {}),
                ...(d.from ? { deliveryTimeFrom: d.from } : {}),
                ...(d.to ? { deliveryTimeTo: d.to } : {}),
                ...(d.recipientName ? { deliveryContact: d.recipientName } : {}),
                ...(d.recipientPhone ? { deliveryPhoneNumber: d.recipientPhone } : {}),
              }
            : {}),
        },
        relationships: {
          source: { data: { type: "order-sources", id: sourceId } },
          ...(store ? { store: { data: { type: "stores", id: store } } } : {}),
          ...(customer ? { customer: { data: { type: "customers", id: customer.id } } } : {}),
          // As the example of POST /v1/orders writes them: decimal strings, an item relationship each.
          lines: { data: order.lines.map(toOrderLine) },
        },
      },
    });
    try {
      return await this.post(order.id, body(source));
    } catch (error) {
      if (!(error instanceof ProviderError) || error.code !== "PROVIDER_REJECTED") throw error;
      // Staff may have deleted or replaced the source since it was found. Which field a refusal is about
      // is not read (no document lists the codes): the source is looked up again, and only when it has
      // changed is the order sent once more, with the new one.
      this.sources.forget();
      const fresh = await this.sources.id();
      if (fresh === source) throw error;
      return this.post(order.id, body(fresh));
    }
  }

  private async post(orderId: string, body: unknown): Promise<{ reference: string; vendorStatus: string }> {
    try {
      const wire = await this.http.request({
        method: "POST",
        path: "v1/orders",
        body,
        schema: orderWire,
        idempotent: true,
        contentType: JSON_API,
      });
      return {
        reference: String(wire.data.attributes.docNo ?? wire.data.id),
        vendorStatus: wire.data.attributes.status,
      };
    } catch (error) {
      // JSON:API: a POST with a client-generated id that already exists is 409 Conflict. The id is ours,
      // so an earlier attempt whose answer was lost created it: read it back.
      if (!isConflict(error)) throw error;
      const wire = await this.fetch(orderId);
      return {
        reference: String(wire.data.attributes.docNo ?? wire.data.id),
        vendorStatus: wire.data.attributes.status,
      };
    }
  }

  /**
   * `PATCH /v1/orders/{id}` with `status: canceled`. The request schema has no field for the reason
   * (`cancelComment` appears in answers only), so the reason is not sent.
   */
  /** `PATCH /v1/orders/{id}` to `done`: Posiflora accrues the customer's points itself then. */
  completeOrder(orderId: string): Promise<{ vendorStatus: string }> {
    return this.setStatus(orderId, "done");
  }

  /** `PATCH /v1/orders/{id}/return`, for a done order; a returned one is left as it is. */
  async returnOrder(orderId: string): Promise<{ vendorStatus: string }> {
    const current = (await this.fetch(orderId)).data.attributes.status;
    if (current === "returned") return { vendorStatus: current };
    const body = {
      data: { type: "orders", id: orderId, attributes: { returnedAt: new Date().toISOString(), withWriteOff: false } },
    };
    const wire = await this.http.request({
      method: "PATCH",
      path: `v1/orders/${encodeURIComponent(orderId)}/return`,
      body,
      schema: orderWire,
      idempotent: true,
      contentType: JSON_API,
    });
    return { vendorStatus: wire.data.attributes.status };
  }

  /**
   * `POST /v1/orders/{id}/payments`: money paid through the gateway's PSP (`paymentType: payment`, with
   * `prepayment` set) or given back (`return`), `amount` in roubles. The
   * payment's id is our own, from the key: a repeat is refused with 409 and counts as made.
   */
  async recordPayment(
    orderId: string,
    payment: { kind: "PAYMENT" | "RETURN"; amount: number; prepayment: boolean; idempotencyKey: string },
  ): Promise<void> {
    const body = {
      data: {
        type: "order-payments",
        id: stableId(payment.idempotencyKey),
        attributes: {
          paymentType: payment.kind === "PAYMENT" ? "payment" : "return",
          // The document types `amount` as a number of roubles: the exact decimal text, read as a number.
          amount: Number(minorToDecimal(payment.amount)),
          bonusAmount: 0,
          prepayment: payment.prepayment,
          description: payment.kind === "PAYMENT" ? "Предоплата онлайн" : "Возврат предоплаты",
        },
      },
    };
    await createWithOwnId(this.http, `v1/orders/${encodeURIComponent(orderId)}/payments`, body);
  }

  async cancelOrder(orderId: string, _reason: string): Promise<{ vendorStatus: string }> {
    return this.setStatus(orderId, "canceled");
  }

  private async setStatus(orderId: string, status: "done" | "canceled"): Promise<{ vendorStatus: string }> {
    const body = { data: { type: "orders", id: orderId, attributes: { status } } };
    const wire = await this.http.request({
      method: "PATCH",
      path: `v1/orders/${encodeURIComponent(orderId)}`,
      body,
      schema: orderWire,
      idempotent: true,
      contentType: JSON_API,
    });
    return { vendorStatus: wire.data.attributes.status };
  }

  /**
   * `GET /v1/orders/{id}`: the status, the delivery status and `totalAmount` as the florist left them.
   * The lines are read from the answer's `included` order-lines where the server sends them (JSON:API
   * lets a server include related resources by default; the operation declares no `include` parameter,
   * so none is asked for), else they are null and only the total tells a change.
   */
  async getOrder(orderId: string): Promise<VendorOrder> {
    const wire = await this.fetch(orderId);
    const a = wire.data.attributes;
    const ids = new Set(
      ((wire.data.relationships?.lines as { data?: Array<{ id: string }> } | undefined)?.data ?? []).map((l) => l.id),
    );
    const included = (wire.included ?? []).flatMap((r) => {
      const line = orderLineResource.safeParse(r);
      return line.success && ids.has(line.data.id) ? [line.data] : [];
    });
    const lines =
      ids.size > 0 && included.length === ids.size
        ? included.map((l) => {
            const quantity = Math.round(decimalToMinor(l.attributes.qty) / 100);
            const unitPrice = decimalToMinor(l.attributes.price);
            const total =
              l.attributes.totalAmountWithDiscount != null
                ? decimalToMinor(l.attributes.totalAmountWithDiscount)
                : unitPrice * quantity;
            return { productId: l.relationships.item.data.id, quantity, unitPrice, total };
          })
        : null;
    return {
      vendorStatus: a.status,
      revision: a.revision ?? null,
      deliveryStatus: a.deliveryStatus ?? null,
      total: a.totalAmount != null ? decimalToMinor(a.totalAmount) : null,
      lines,
    };
  }

  /**
   * `GET /v1/orders?filter[updatedAt][from]=…`, a page at a time. The document declares no `sort`, so
   * each page is put in order of `updatedAt` here (the caller keeps the newest as its cursor).
   */
  async listChanged(since: string | null, page: number) {
    // A storm of changes is one call.
    const size = PAGE_SIZE;
    const wire = await this.http.request({
      method: "GET",
      path: "v1/orders",
      query: {
        ...(since ? { "filter[updatedAt][from]": since } : {}),
        "page[number]": page,
        "page[size]": size,
      },
      schema: orderListWire,
      idempotent: true,
    });
    const orders = wire.data
      .map((o) => ({
        id: o.id,
        vendorStatus: o.attributes.status,
        deliveryStatus: o.attributes.deliveryStatus ?? null,
        updatedAt: o.attributes.updatedAt,
        revision: o.attributes.revision ?? null,
      }))
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || (a.updatedAt < b.updatedAt ? -1 : 0));
    const last = wire.meta?.page?.last;
    return { orders, next: (last != null ? page < last : orders.length === size) ? page + 1 : null };
  }

  private fetch(orderId: string) {
    return this.http.request({
      method: "GET",
      path: `v1/orders/${encodeURIComponent(orderId)}`,
      schema: orderWire,
      idempotent: true,
    });
  }
}

/** The buyer for the florist, where the order carries no customer: "Покупатель: Анна, +79001234567". */
function buyerNote(buyer: ProviderOrder["buyer"]): string | null {
  const parts = [buyer.name, buyer.phone ? `+${buyer.phone}` : null].filter(Boolean);
  return parts.length ? `Покупатель: ${parts.join(", ")}` : null;
}

/**
 * A line as the example writes it (`"qty": "1.00"`, `"price": "800.00"`, `"totalAmount"`,
 * `"discountPrice"`, `"totalAmountWithDiscount"`): the list price and amount, and what the customer pays.
 * The line's total is exact; the unit price after discount is rounded half up to the kopeck when the
 * discount does not divide by the quantity.
 */
function toOrderLine(l: ProviderOrder["lines"][number]) {
  const subtotal = l.unitPrice * l.quantity;
  return {
    type: "order-lines",
    attributes: {
      qty: minorToDecimal(l.quantity * 100),
      price: minorToDecimal(l.unitPrice),
      totalAmount: minorToDecimal(subtotal),
      discountPrice: minorToDecimal(Math.floor((2 * l.total + l.quantity) / (2 * l.quantity))),
      totalAmountWithDiscount: minorToDecimal(l.total),
    },
    relationships: { item: { data: { type: "inventory-items", id: l.productId } } },
  };
}
