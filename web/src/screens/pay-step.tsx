import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { type OrderFieldsFragment, PayOrderDocument } from "../../../generated/graphql/graphql.ts";
import { request } from "../api/graphql.ts";
import { uuid } from "../api/idempotency.ts";
import { failureOf } from "../api/use-query.ts";
import { ErrorNote, type Problem, problemOf } from "../components/error-note.tsx";
import { PrimaryAction } from "../components/primary-action.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { getState } from "../store.ts";
import { openLink } from "../telegram/sdk.ts";

type Order = OrderFieldsFragment;

/** The PSP ended the order's payment (declined, lapsed) while the order still waits for the money. */
export function paymentDeclined(order: Order): boolean {
  if (order.status !== "AWAITING_PAYMENT") return false;
  if (order.payment) return order.payment.status === "CANCELED";
  return order.history[order.history.length - 1]?.event === "PAYMENT_DECLINED";
}

/** How the order's payment stands, in a word or two, for the order's totals. */
export function paymentSummary(order: Order): string {
  const p = order.payment;
  if (!p) return t.paymentState[order.paymentState] ?? "";
  if (p.status === "AUTHORIZED" || p.status === "CAPTURED") {
    const back = p.refunded.amount > 0 ? ` · ${t.paymentRefunded(rub(p.refunded.amount, language))}` : "";
    return `${t.paymentPaid(rub(p.amount.amount, language))}${back}`;
  }
  if (p.status === "CANCELED") return order.status === "AWAITING_PAYMENT" ? t.paymentDeclined : t.paymentReleased;
  return t.paymentWaiting;
}

/**
 * The money step of a prepaid order (AWAITING_PAYMENT): what is left to pay after points, and the PSP's
 * page to pay it on. A declined or lapsed payment is said so, and a new one is asked for (payOrder);
 * `children` (the cancel control) sit beside it, the buyer's other way out.
 */
export function PayStep(props: { order: Order; onOrder: (order: Order) => void; children?: ComponentChildren }) {
  const { order } = props;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const payment = order.payment;
  const declined = paymentDeclined(order);
  // The PSP holds the money; the order is placed in a moment, and the stream brings it.
  const held = payment?.status === "AUTHORIZED" || payment?.status === "CAPTURED";
  const amount = payment?.amount.amount ?? order.total.amount;

  const pay = async () => {
    setProblem(null);
    let url = !declined && payment?.status === "PENDING" ? payment.confirmationUrl : null;
    if (!url) {
      // A new payment; while one is still live the gateway answers with that one, so a repeat costs nothing.
      setBusy(true);
      try {
        const r = (await request(PayOrderDocument, { orderId: order.id, key: uuid() })).payOrder;
        if (r.__typename !== "MutationPayOrderSuccess") return setProblem(problemOf(r));
        props.onOrder(r.data);
        url = r.data.payment?.status === "PENDING" ? r.data.payment.confirmationUrl : null;
      } catch (error) {
        return setProblem(failureOf(error));
      } finally {
        setBusy(false);
      }
    }
    if (url) openLink(getState().session.telegram, url);
  };

  return (
    <section class="pay" aria-labelledby="pay-title" data-pay={payment?.status ?? "NONE"}>
      <h3 id="pay-title">{t.payTitle}</h3>
      <p class="pay-amount">
        <span>{t.payAmount}</span>
        <b data-pay-amount={amount}>{rub(amount, language)}</b>
      </p>
      {declined ? (
        <p class="error" role="alert" data-pay-declined>
          {t.payDeclined}
        </p>
      ) : held ? (
        <p class="ok" role="status">
          {t.payReceived}
        </p>
      ) : (
        <p class="hint">{payment?.confirmationUrl ? t.payHint : t.payPreparing}</p>
      )}
      <ErrorNote problem={problem} />
      {props.children}
      {!held && <PrimaryAction label={declined ? t.payAgain : t.pay} busy={busy} onClick={pay} />}
    </section>
  );
}
