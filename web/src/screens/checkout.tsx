import { useEffect, useRef, useState } from "preact/hooks";
import {
  ApplyBonusesDocument,
  ConfirmOrderDocument,
  CreateOrderDocument,
  type FulfilmentInput,
} from "../../../generated/graphql/graphql.ts";
import { request } from "../api/graphql.ts";
import { uuid } from "../api/idempotency.ts";
import { failureOf } from "../api/use-query.ts";
import { ErrorNote, type Problem, problemOf } from "../components/error-note.tsx";
import { PrimaryAction } from "../components/primary-action.tsx";
import { type SlotChoice, SlotPicker } from "../components/slot-picker.tsx";
import { t } from "../i18n.ts";
import { getState, update, useApp } from "../store.ts";
import { cartLines } from "./cart.tsx";

const field = (set: (v: string) => void) => (e: Event) => set((e.currentTarget as HTMLInputElement).value);

/** The form field an API issue's path names (`input.fulfilment.address.street` → street). */
export function fieldOfIssue(path: string): string {
  const parts = path.split(".");
  const last = parts[parts.length - 1] ?? "";
  if (last === "windowFrom" || last === "windowTo") return "slot";
  if (last === "storeId") return "pickupStore";
  if (parts.includes("contact"))
    return last === "phone" ? "contactPhone" : last === "email" ? "contactEmail" : "contactName";
  return last;
}

/** One idempotency key per step and attempt: a retry after a lost answer repeats the same request. */
const newKeys = () => ({ create: uuid(), apply: uuid(), confirm: uuid() });

/** Pickup (store, time) or delivery (address, window, recipient), the contact and a comment; then the order. */
export function Checkout() {
  const s = useApp();
  const [kind, setKind] = useState<"PICKUP" | "DELIVERY">("PICKUP");
  const [storeId, setStoreId] = useState(s.storeId ?? s.stores[0]?.id ?? "");
  const [date, setDate] = useState("");
  const [slot, setSlot] = useState<SlotChoice | null>(null);
  const [invalid, setInvalid] = useState<string[]>([]);
  const [city, setCity] = useState(s.stores[0]?.city ?? "");
  const [street, setStreet] = useState("");
  const [house, setHouse] = useState("");
  const [apartment, setApartment] = useState("");
  const [recipient, setRecipient] = useState("");
  const [recipientPhone, setRecipientPhone] = useState("");
  const [name, setName] = useState(s.me?.name ?? "");
  const [phone, setPhone] = useState(s.me ? `+${s.me.phone}` : "");
  const [email, setEmail] = useState("");
  /** The shop's PSP sends its receipts by e-mail: the buyer gives one. */
  const receiptByEmail = s.shop.payment?.receiptContact === "EMAIL";
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const attempt = useRef(newKeys());
  /** The order created on an earlier try, so a retry after a refused step goes on from it. */
  const draft = useRef<string | null>(null);

  const fulfilment = (): FulfilmentInput =>
    kind === "PICKUP"
      ? { kind, storeId, windowFrom: slot?.from ?? null }
      : {
          kind,
          address: { city, street, house, apartment: apartment || null },
          windowFrom: slot?.from ?? null,
          windowTo: slot?.to ?? null,
          recipientName: recipient,
          recipientPhone,
        };

  // The first field at fault comes into view, above the bottom bar, with the focus.
  useEffect(() => {
    const first = document.querySelector<HTMLElement>('[data-screen="checkout"] [aria-invalid="true"]');
    if (!first) return;
    first.scrollIntoView({ block: "center" });
    (first.matches("fieldset") ? first.querySelector<HTMLElement>("input:not([disabled])") : first)?.focus({
      preventScroll: true,
    });
  }, [invalid]);

  const refuse = (p: Problem | null) => {
    setProblem(p);
    if (p?.code === "INVALID_INPUT" && p.issues?.length) setInvalid(p.issues.map((i) => fieldOfIssue(i.path)));
    else if (p?.code === "SLOT_UNAVAILABLE" || p?.code === "SLOT_FULL") {
      setSlot(null);
      setInvalid(["slot"]);
    }
  };

  const place = async () => {
    setProblem(null);
    setInvalid([]);
    // The shop sells by slot: a pickup, and a delivery where the shop has windows, needs one chosen.
    if (!slot) {
      setProblem({ code: "SLOT_REQUIRED" });
      return setInvalid(["slot"]);
    }
    setBusy(true);
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
              contact: { name: name || null, phone: phone || null, email: (receiptByEmail && email.trim()) || null },
              comment: comment || null,
              coupons: coupon ? [coupon] : null,
            },
          })
        ).createOrder;
        if (created.__typename !== "MutationCreateOrderSuccess") {
          attempt.current = newKeys();
          return refuse(problemOf(created));
        }
        orderId = draft.current = created.data.id;
      }
      if (redeemPoints > 0) {
        const applied = (await request(ApplyBonusesDocument, { orderId, points: redeemPoints, key: keys.apply }))
          .applyBonuses;
        if (applied.__typename !== "MutationApplyBonusesSuccess") {
          attempt.current = { ...newKeys(), create: keys.create };
          return refuse(problemOf(applied));
        }
      }
      const confirmed = (await request(ConfirmOrderDocument, { orderId, key: keys.confirm })).confirmOrder;
      if (confirmed.__typename !== "MutationConfirmOrderSuccess") {
        attempt.current = { ...newKeys(), create: keys.create };
        return refuse(problemOf(confirmed));
      }
      update({ cart: [], redeemPoints: 0, coupon: null, stack: [{ name: "orders" }, { name: "order", id: orderId }] });
    } catch (error) {
      setProblem(failureOf(error));
    } finally {
      setBusy(false);
    }
  };

  const bad = (name: string) => invalid.includes(name);
  const input = (
    name: string,
    label: string,
    value: string,
    set: (v: string) => void,
    type = "text",
    auto?: string,
  ) => (
    <label class={bad(name) ? "field invalid" : "field"} data-field={name}>
      <span>{label}</span>
      <input
        name={name}
        type={type}
        autocomplete={auto}
        value={value}
        aria-invalid={bad(name)}
        aria-describedby={bad(name) ? `${name}-error` : undefined}
        onInput={field(set)}
      />
      {bad(name) && (
        <small class="error" id={`${name}-error`}>
          {value.trim() ? t.fieldCheck : t.fieldRequired}
        </small>
      )}
    </label>
  );
  return (
    <section class="screen" data-screen="checkout">
      <div class="segmented" role="radiogroup" aria-label={t.fulfilment}>
        {(["PICKUP", "DELIVERY"] as const).map((k) => (
          <label key={k} class={kind === k ? "on" : ""}>
            <input
              type="radio"
              name="kind"
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setSlot(null);
                setInvalid([]);
              }}
            />
            {k === "PICKUP" ? t.pickup : t.delivery}
          </label>
        ))}
      </div>
      {kind === "PICKUP" ? (
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
      ) : (
        <>
          {input("city", t.city, city, setCity, "text", "address-level2")}
          {input("street", t.street, street, setStreet, "text", "address-line1")}
          <div class="row">
            {input("house", t.house, house, setHouse)}
            {input("apartment", t.apartment, apartment, setApartment, "text", "address-line2")}
          </div>
          {input("recipientName", t.recipient, recipient, setRecipient, "text", "off")}
          {input("recipientPhone", t.recipientPhone, recipientPhone, setRecipientPhone, "tel", "off")}
        </>
      )}
      <SlotPicker
        key={kind}
        kind={kind}
        storeId={kind === "PICKUP" ? storeId : null}
        date={date}
        onDate={setDate}
        value={slot}
        onChange={(x) => {
          setSlot(x);
          if (!x) return;
          setInvalid((all) => all.filter((f) => f !== "slot"));
          setProblem((p) => (p?.code === "SLOT_REQUIRED" ? null : p));
        }}
        invalid={bad("slot")}
      />
      <h2 class="sub">{t.contact}</h2>
      {input("contactName", t.name, name, setName, "text", "name")}
      {input("contactPhone", t.phone, phone, setPhone, "tel", "tel")}
      {receiptByEmail && input("contactEmail", t.receiptEmail, email, setEmail, "email", "email")}
      <label class="field">
        <span>{t.comment}</span>
        <textarea name="comment" value={comment} onInput={field(setComment)} />
      </label>
      <ErrorNote problem={problem} />
      <PrimaryAction label={t.placeOrder} busy={busy} disabled={s.cart.length === 0} onClick={place} />
    </section>
  );
}
