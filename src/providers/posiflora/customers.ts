import type { ProviderHttp } from "../http/provider-http.ts";
import { createWithOwnId } from "./client.ts";
import { phoneMatches, stableId } from "./mapper.ts";
import { anyDocument, type CustomerResource, customersWire, JSON_API } from "./wire.ts";

/** What both Posiflora adapters need of its CRM: a customer by phone or card, created when absent. */
export class PosifloraCustomers {
  constructor(
    private readonly http: ProviderHttp,
    /** The country code phones are stored under (`countryCode` beside a local `phone`). */
    private readonly countryCode = 7,
  ) {}

  /** `GET /v1/customers?search=`: `search` also matches names and cards, so the exact match is kept. */
  async search(text: string, include?: "bonusGroup") {
    return this.http.request({
      method: "GET",
      path: "v1/customers",
      query: { search: text, ...(include ? { include } : {}) },
      schema: customersWire,
      idempotent: true,
    });
  }

  async byPhone(phone: string): Promise<CustomerResource | null> {
    return (
      (await this.search(phone)).data.find((c) => c.attributes.status !== "deleted" && phoneMatches(c, phone)) ?? null
    );
  }

  /**
   * The customer with this phone, created when Posiflora has none (`POST /v1/customers`, CreateCustomerReq:
   * `title`, `phone`, `countryCode`, `status`, `isPerson`, `relationships.bonusGroup`). The id is made from
   * the phone, so two instances creating the same customer make one: the second is JSON:API's 409 and
   * the customer is searched again.
   */
  async ensure(phone: string, name: string | null, bonusGroupId?: string): Promise<CustomerResource> {
    const found = await this.byPhone(phone);
    if (found) return found;
    const { local, code } = this.split(phone);
    const body = {
      data: {
        type: "customers",
        id: stableId(`posiflora-customer:${phone}`),
        attributes: {
          title: name?.trim() || `+${phone}`,
          phone: local,
          ...(code !== null ? { countryCode: code } : {}),
          status: "on",
          isPerson: true,
        },
        ...(bonusGroupId
          ? { relationships: { bonusGroup: { data: { type: "bonus-groups", id: bonusGroupId } } } }
          : {}),
      },
    };
    await createWithOwnId(this.http, "v1/customers", body);
    const created = await this.byPhone(phone);
    if (!created) throw new Error(`Posiflora did not keep the customer ${phone}`);
    return created;
  }

  /** `PATCH /v1/customers/{id}` with the new `title`. */
  async rename(customer: CustomerResource, name: string): Promise<void> {
    await this.http.request({
      method: "PATCH",
      path: `v1/customers/${encodeURIComponent(customer.id)}`,
      body: { data: { type: "customers", id: customer.id, attributes: { title: name.trim() } } },
      schema: anyDocument,
      idempotent: true,
      contentType: JSON_API,
    });
  }

  /** E.164 digits as Posiflora stores them: the local part and the country code ("79001234567" → 7, "9001234567"). */
  split(phone: string): { local: string; code: number | null } {
    const code = String(this.countryCode);
    return phone.startsWith(code) && phone.length > code.length + 6
      ? { local: phone.slice(code.length), code: this.countryCode }
      : { local: phone, code: null };
  }
}

/** A customer's phone as E.164 digits, from Posiflora's `countryCode` and `phone`. */
export function fullPhone(customer: CustomerResource): string {
  const local = (customer.attributes.phone ?? "").replace(/\D/g, "");
  const code = customer.attributes.countryCode;
  // A local number has at most 10 digits; a longer one already carries its country code.
  return code != null && local.length <= 10 ? `${code}${local}` : local;
}
