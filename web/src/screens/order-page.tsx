import { useEffect, useState } from "preact/hooks";
import {
  CancelOrderDocument,
  type OrderFieldsFragment,
  OrderByIdDocument,
  OrderStatusChangedDocument,
} from "../../../generated/graphql/graphql.ts";
import { request } from "../api/graphql.ts";
import { subscribe } from "../api/subscribe.ts";
import { failureOf } from "../api/use-query.ts";
import { forgetAwaitedOrder, rememberAwaitedOrder } from "../awaiting-payment.ts";
import { ErrorNote, type Problem, problemOf } from "../components/error-note.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { refreshHolds, refreshMe } from "../me.ts";
import { useApp } from "../store.ts";
import { paymentSummary, PayStep } from "./pay-step.tsx";
import { formatWindow } from "./slots.ts";

const CLOSED = ["COMPLETED", "CANCELLED", "PARTIALLY_REFUNDED", "REFUNDED"];

/**
 * One order, its status followed live over SSE (orderStatusChanged); it can be cancelled while open, and
 * paid while it waits for the money (a prepaid shop).
 */
export function OrderPage({ id }: { id: string }) {
  const [order, setShown] = useState<OrderFieldsFragment | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const s = useApp();
  // An order that waits for its payment is found again when the buyer comes back from the PSP's page.
  const setOrder = (o: OrderFieldsFragment) => {
    setShown(o);
    if (o.status === "AWAITING_PAYMENT") rememberAwaitedOrder({ shopId: o.shopId, orderId: o.id });
    else forgetAwaitedOrder(o.id);
  };

  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const r = (await request(OrderByIdDocument, { id })).order;
        if (!live) return;
        if (r.__typename === "QueryOrderSuccess") {
          setOrder(r.data);
          void refreshHolds().catch(() => undefined);
        } else {
          forgetAwaitedOrder(id);
          setProblem(problemOf(r));
        }
      } catch (error) {
        if (live) setProblem(failureOf(error));
      }
    };
    // The stream sends the order now, then on every change: each one reloads the whole order.
    const stop = subscribe(
      OrderStatusChangedDocument,
      { orderId: id },
      () => void load(),
      (f) => setProblem(f),
    );
    return () => {
      live = false;
      stop();
    };
  }, [id]);

  const cancel = async () => {
    setConfirming(false);
    setBusy(true);
    setProblem(null);
    try {
      const r = (await request(CancelOrderDocument, { orderId: id, reason: "передумал", key: `cancel-${id}` }))
        .cancelOrder;
      if (r.__typename === "MutationCancelOrderSuccess") {
        setOrder(r.data);
        void refreshMe();
      } else setProblem(problemOf(r));
    } catch (error) {
      setProblem(failureOf(error));
    } finally {
      setBusy(false);
    }
  };

  if (!order)
    return (
      <section class="screen" data-screen="order">
        {problem ? <ErrorNote problem={problem} /> : <p class="hint">{t.loading}</p>}
      </section>
    );
  const cancelled = order.status === "CANCELLED";
  const awaiting = order.status === "AWAITING_PAYMENT";
  // Paid ahead at the PSP: nothing is left "to pay".
  const paid = order.payment?.status === "AUTHORIZED" || order.payment?.status === "CAPTURED";
  const spent = Math.max(order.pointsRedeemed, order.pointsHeld);
  const f = order.fulfilment;
  // While the order waits for its payment, cancelling is offered beside paying; afterwards, at the end.
  const actions = (
    <>
      <ErrorNote problem={problem} />
      {!CLOSED.includes(order.status) &&
        (confirming ? (
          <div class="confirm" role="alertdialog" aria-labelledby="cancel-q">
            <p id="cancel-q">{t.cancelConfirm}</p>
            <div class="row">
              <button class="danger" disabled={busy} onClick={cancel}>
                {t.cancelYes}
              </button>
              <button onClick={() => setConfirming(false)}>{t.cancelNo}</button>
            </div>
          </div>
        ) : (
          <button class="danger" disabled={busy} onClick={() => setConfirming(true)}>
            {t.cancelOrder}
          </button>
        ))}
    </>
  );
  const store = s.stores.find((x) => x.id === f.storeId);
  return (
    <section class="screen" data-screen="order" data-order={order.id}>
      <h2>
        {order.providerRefs.orderReference
          ? `${t.order} №${order.providerRefs.orderReference}`
          : `${t.order} ${t.of(new Date(order.history[0]?.at ?? Date.now()).toLocaleString(language, { dateStyle: "medium", timeStyle: "short", timeZone: s.shop.timeZone }))}`}
      </h2>
      <p class={`status s-${order.status}`} data-status={order.status}>
        {t.status[order.status] ?? ""}
      </p>
      {awaiting && (
        <PayStep order={order} onOrder={setOrder}>
          {actions}
        </PayStep>
      )}
      <ul class="lines compact" aria-label={t.items}>
        {order.lines.map((l) => (
          <li key={l.lineId}>
            <span>
              {l.name} × {l.quantity}
            </span>
            <span>{rub(l.total.amount, language)}</span>
          </li>
        ))}
      </ul>
      <dl class="totals">
        {order.discount.amount > 0 && (
          <>
            <dt>{t.discount}</dt>
            <dd data-total="discount">−{rub(order.discount.amount, language)}</dd>
          </>
        )}
        {spent > 0 && (
          <>
            <dt>{t.paidWithPoints}</dt>
            <dd data-total="redeemed">{t.pointsSpent(spent)}</dd>
          </>
        )}
        <dt>{paid ? t.orderSum : t.total}</dt>
        <dd data-total="total">{rub(order.total.amount, language)}</dd>
        <dt>{t.payment}</dt>
        <dd
          class={paid ? "ok" : undefined}
          data-payment={order.paymentState}
          data-payment-status={order.payment?.status}
        >
          {paymentSummary(order)}
        </dd>
        {cancelled ? (
          <dd class="hint wide" data-earned="0">
            {t.noPointsCancelled}
          </dd>
        ) : (
          order.pointsEarned > 0 && (
            <dd class="earn" data-earned={order.pointsEarned}>
              {order.status === "COMPLETED" ? t.earned(order.pointsEarned) : t.willEarn(order.pointsEarned)}
            </dd>
          )
        )}
      </dl>
      <h3>{t.where}</h3>
      <dl class="facts" data-fulfilment={f.kind}>
        {f.kind === "PICKUP" ? (
          <>
            <dt>{t.pickup}</dt>
            <dd data-where>{store ? `${store.title}${store.address ? `, ${store.address}` : ""}` : f.storeId}</dd>
          </>
        ) : (
          <>
            <dt>{t.delivery}</dt>
            <dd data-where>{f.address}</dd>
            {f.recipientName && (
              <>
                <dt>{t.recipient}</dt>
                <dd data-recipient>
                  {f.recipientName}
                  {f.recipientPhone ? `, ${f.recipientPhone}` : ""}
                </dd>
              </>
            )}
          </>
        )}
        {f.windowFrom && (
          <>
            <dt>{t.window}</dt>
            <dd data-when>{formatWindow(f.windowFrom, f.windowTo ?? null, s.shop.timeZone, language)}</dd>
          </>
        )}
        {(order.contactName || order.contactPhone) && (
          <>
            <dt>{t.contact}</dt>
            <dd data-contact>{[order.contactName, order.contactPhone].filter(Boolean).join(", ")}</dd>
          </>
        )}
        {order.comment && (
          <>
            <dt>{t.comment}</dt>
            <dd data-comment>{order.comment}</dd>
          </>
        )}
      </dl>
      <h3>{t.history}</h3>
      <ol class="timeline">
        {order.history
          .filter((h, i, all) => i === 0 || all[i - 1]!.to !== h.to || (h.event && t.events[h.event]))
          .map((h) => (
            <li key={`${h.at}-${h.to}-${h.event ?? ""}`} data-event={h.event ?? undefined}>
              <span>{(h.event && t.events[h.event]) || (t.status[h.to] ?? "")}</span>{" "}
              <time class="hint">{new Date(h.at).toLocaleString(language, { timeZone: s.shop.timeZone })}</time>
            </li>
          ))}
      </ol>
      {!awaiting && actions}
    </section>
  );
}
