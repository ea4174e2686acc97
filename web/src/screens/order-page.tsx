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
import { ErrorNote, type Problem, problemOf } from "../components/error-note.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { refreshMe } from "../me.ts";

const CLOSED = ["COMPLETED", "CANCELLED", "PARTIALLY_REFUNDED", "REFUNDED"];

/** One order, its status followed live over SSE (orderStatusChanged); it can be cancelled while open. */
export function OrderPage({ id }: { id: string }) {
  const [order, setOrder] = useState<OrderFieldsFragment | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const load = async () => {
      try {
        const r = (await request(OrderByIdDocument, { id })).order;
        if (!live) return;
        if (r.__typename === "QueryOrderSuccess") setOrder(r.data);
        else setProblem(problemOf(r));
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
  return (
    <section class="screen" data-screen="order" data-order={order.id}>
      <h2>
        {t.order} №{order.providerRefs.orderReference ?? order.id.slice(0, 8)}
      </h2>
      <p class={`status s-${order.status}`} data-status={order.status}>
        {t.status[order.status] ?? order.status}
      </p>
      <ol class="timeline">
        {order.history
          .filter((h, i, all) => i === 0 || all[i - 1]!.to !== h.to)
          .map((h) => (
            <li key={`${h.at}-${h.to}`}>
              <span>{t.status[h.to] ?? h.to}</span> <time class="hint">{new Date(h.at).toLocaleString(language)}</time>
            </li>
          ))}
      </ol>
      <ul class="lines compact">
        {order.lines.map((l) => (
          <li key={l.lineId}>
            {l.name} × {l.quantity} — {rub(l.total.amount, language)}
          </li>
        ))}
      </ul>
      <dl class="totals">
        <dt>{t.total}</dt>
        <dd data-total="total">{rub(order.total.amount, language)}</dd>
        {order.pointsRedeemed + order.pointsHeld > 0 && (
          <>
            <dt>{t.paidWithPoints}</dt>
            <dd data-total="redeemed">{t.pointsSpent(Math.max(order.pointsRedeemed, order.pointsHeld))}</dd>
          </>
        )}
        {order.pointsEarned > 0 && (
          <dd class="earn" data-earned={order.pointsEarned}>
            {order.status === "COMPLETED" ? t.earned(order.pointsEarned) : t.willEarn(order.pointsEarned)}
          </dd>
        )}
      </dl>
      <ErrorNote problem={problem} />
      {!CLOSED.includes(order.status) && (
        <button class="danger" disabled={busy} onClick={cancel}>
          {t.cancelOrder}
        </button>
      )}
    </section>
  );
}
