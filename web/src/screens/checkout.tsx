import { useRef, useState } from "preact/hooks";
import {
  ApplyBonusesDocument,
  ConfirmOrderDocument,
  CreateOrderDocument,
  type FulfilmentInput,
} from "../../../generated/graphql/graphql.ts";
import { request } from "../api/graphql.ts";
import { failureOf } from "../api/use-query.ts";
import { ErrorNote, type Problem, problemOf } from "../components/error-note.tsx";
import { PrimaryAction } from "../components/primary-action.tsx";
import { t } from "../i18n.ts";
import { getState, update, useApp } from "../store.ts";
import { cartLines } from "./cart.tsx";

const iso = (local: string) => (local ? new Date(local).toISOString() : null);
const field = (set: (v: string) => void) => (e: Event) => set((e.currentTarget as HTMLInputElement).value);

/** A v4 UUID from getRandomValues (randomUUID needs a secure context, a LAN demo may not be one). */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** One idempotency key per step and attempt: a retry after a lost answer repeats the same request. */
const newKeys = () => ({ create: uuid(), apply: uuid(), confirm: uuid() });

/** Pickup (store, time) or delivery (address, window, recipient), the contact and a comment; then the order. */
export function Checkout() {
  const s = useApp();
  const [kind, setKind] = useState<"PICKUP" | "DELIVERY">("PICKUP");
  const [storeId, setStoreId] = useState(s.storeId ?? s.stores[0]?.id ?? "");
  const [pickupAt, setPickupAt] = useState("");
  const [city, setCity] = useState(s.stores[0]?.city ?? "");
  const [street, setStreet] = useState("");
  const [house, setHouse] = useState("");
  const [apartment, setApartment] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [recipient, setRecipient] = useState("");
  const [recipientPhone, setRecipientPhone] = useState("");
  const [name, setName] = useState(s.me?.name ?? "");
  const [phone, setPhone] = useState(s.me ? `+${s.me.phone}` : "");
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const attempt = useRef(newKeys());
  /** The order created on an earlier try, so a retry after a refused step goes on from it. */
  const draft = useRef<string | null>(null);

  const fulfilment = (): FulfilmentInput =>
    kind === "PICKUP"
      ? { kind, storeId, windowFrom: iso(pickupAt) }
      : {
          kind,
          address: { city, street, house, apartment: apartment || null },
          windowFrom: iso(from),
          windowTo: iso(to),
          recipientName: recipient,
          recipientPhone,
        };

  const place = async () => {
    setBusy(true);
    setProblem(null);
    const keys = attempt.current;
    try {
      const { shop, redeemPoints, coupon } = getState();
      let orderId = draft.current;
      if (!orderId) {
        const created = (
          await request(CreateOrderDocument, {
            key: keys.create,
            input: {
              shopId: shop.id,
              lines: cartLines(getState()),
              fulfilment: fulfilment(),
              contact: { name: name || null, phone: phone || null },
              comment: comment || null,
              coupons: coupon ? [coupon] : null,
            },
          })
        ).createOrder;
        if (created.__typename !== "MutationCreateOrderSuccess") {
          attempt.current = newKeys();
          return setProblem(problemOf(created));
        }
        orderId = draft.current = created.data.id;
      }
      if (redeemPoints > 0) {
        const applied = (await request(ApplyBonusesDocument, { orderId, points: redeemPoints, key: keys.apply }))
          .applyBonuses;
        if (applied.__typename !== "MutationApplyBonusesSuccess") {
          attempt.current = { ...newKeys(), create: keys.create };
          return setProblem(problemOf(applied));
        }
      }
      const confirmed = (await request(ConfirmOrderDocument, { orderId, key: keys.confirm })).confirmOrder;
      if (confirmed.__typename !== "MutationConfirmOrderSuccess") {
        attempt.current = { ...newKeys(), create: keys.create };
        return setProblem(problemOf(confirmed));
      }
      update({ cart: [], redeemPoints: 0, coupon: null, stack: [{ name: "orders" }, { name: "order", id: orderId }] });
    } catch (error) {
      setProblem(failureOf(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="screen" data-screen="checkout">
      <div class="segmented" role="radiogroup">
        {(["PICKUP", "DELIVERY"] as const).map((k) => (
          <label key={k} class={kind === k ? "on" : ""}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {k === "PICKUP" ? t.pickup : t.delivery}
          </label>
        ))}
      </div>
      {kind === "PICKUP" ? (
        <>
          <label class="field">
            <span>{t.store}</span>
            <select name="pickupStore" value={storeId} onChange={field(setStoreId)}>
              {s.stores.map((store) => (
                <option value={store.id} key={store.id}>
                  {store.title}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{t.pickupTime}</span>
            <input type="datetime-local" name="pickupAt" value={pickupAt} onInput={field(setPickupAt)} />
          </label>
        </>
      ) : (
        <>
          <label class="field">
            <span>{t.city}</span>
            <input name="city" value={city} onInput={field(setCity)} />
          </label>
          <label class="field">
            <span>{t.street}</span>
            <input name="street" value={street} onInput={field(setStreet)} />
          </label>
          <div class="row">
            <label class="field">
              <span>{t.house}</span>
              <input name="house" value={house} onInput={field(setHouse)} />
            </label>
            <label class="field">
              <span>{t.apartment}</span>
              <input name="apartment" value={apartment} onInput={field(setApartment)} />
            </label>
          </div>
          <div class="row">
            <label class="field">
              <span>{t.windowFrom}</span>
              <input type="datetime-local" name="windowFrom" value={from} onInput={field(setFrom)} />
            </label>
            <label class="field">
              <span>{t.windowTo}</span>
              <input type="datetime-local" name="windowTo" value={to} onInput={field(setTo)} />
            </label>
          </div>
          <label class="field">
            <span>{t.recipient}</span>
            <input name="recipientName" value={recipient} onInput={field(setRecipient)} />
          </label>
          <label class="field">
            <span>{t.recipientPhone}</span>
            <input name="recipientPhone" type="tel" value={recipientPhone} onInput={field(setRecipientPhone)} />
          </label>
        </>
      )}
      <h3>{t.contact}</h3>
      <label class="field">
        <span>{t.name}</span>
        <input name="contactName" value={name} onInput={field(setName)} />
      </label>
      <label class="field">
        <span>{t.phone}</span>
        <input name="contactPhone" type="tel" value={phone} onInput={field(setPhone)} />
      </label>
      <label class="field">
        <span>{t.comment}</span>
        <textarea name="comment" value={comment} onInput={field(setComment)} />
      </label>
      <ErrorNote problem={problem} />
      <PrimaryAction label={t.placeOrder} busy={busy} disabled={s.cart.length === 0} onClick={place} />
    </section>
  );
}
