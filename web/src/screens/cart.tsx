import { useEffect, useState } from "preact/hooks";
import { CalculateCartDocument } from "../../../generated/graphql/graphql.ts";
import { useQuery } from "../api/use-query.ts";
import { ErrorNote, problemOf } from "../components/error-note.tsx";
import { PrimaryAction } from "../components/primary-action.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { type AppState, currentBalance, go, setQuantity, update, useApp } from "../store.ts";

/** The cart's lines as the gateway takes them: the catalog price goes along, so a change is PRICE_CHANGED. */
export const cartLines = (s: AppState) =>
  s.cart.map((l) => ({
    productId: l.productId,
    name: l.name,
    quantity: l.quantity,
    unitPrice: { amount: l.unitPrice, currency: l.currency },
  }));

/** PRICE_CHANGED: the line takes the catalog's price now, and the cart is priced again. */
const acceptPrice = (productId: string, amount: number) =>
  update((s) => ({ cart: s.cart.map((l) => (l.productId === productId ? { ...l, unitPrice: amount } : l)) }));

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setCurrent(value), ms);
    return () => window.clearTimeout(timer);
  }, [key]);
  return current;
}

/** The cart, priced live by loyaltyCalculation as it changes: discounts, promotions, points. */
export function Cart() {
  const s = useApp();
  const [code, setCode] = useState(s.coupon ?? "");
  const coupons = s.shop.loyaltyProviders[0]?.capabilities.coupons ?? false;
  const input = useDebounced(
    {
      shopId: s.shop.id,
      storeId: s.storeId,
      lines: cartLines(s),
      redeemPoints: s.me ? s.redeemPoints : 0,
      coupons: coupons && s.coupon ? [s.coupon] : null,
    },
    200,
  );
  const calc = useQuery(CalculateCartDocument, { input }, input.lines.length === 0);
  const result = calc.data?.loyaltyCalculation;
  const problem = calc.failure ?? (result ? problemOf(result) : null);
  const data = result?.__typename === "QueryLoyaltyCalculationSuccess" ? result.data : null;
  const balance = currentBalance(s)?.balance ?? 0;
  const max = data ? Math.min(data.maxRedeemablePoints, balance) : 0;
  // The provider's rule moved under the chosen points (a smaller cart): back to what it allows.
  const ruleMax = result?.__typename === "LoyaltyRuleError" ? result.maxRedeemablePoints : null;
  useEffect(() => {
    if (ruleMax != null && s.redeemPoints > ruleMax) update({ redeemPoints: ruleMax });
    else if (data && s.redeemPoints > max) update({ redeemPoints: max });
  }, [ruleMax, data, max]);

  if (s.cart.length === 0)
    return (
      <section class="screen" data-screen="cart">
        <p class="hint">{t.emptyCart}</p>
      </section>
    );
  const lineCalc = (productId: string) => data?.lines.find((l) => l.productId === productId);
  const coupon = data?.coupons.find((c) => c.code === s.coupon);
  return (
    <section class="screen" data-screen="cart">
      <ul class="lines">
        {s.cart.map((line) => {
          const c = lineCalc(line.productId);
          return (
            <li class="line" key={line.productId} data-line={line.name}>
              {line.thumbnailUrl && <img src={line.thumbnailUrl} alt={line.name} />}
              <div class="line-body">
                <span class="name">{line.name}</span>
                <span class="qty">
                  <button
                    onClick={() => setQuantity(line, line.quantity - 1)}
                    aria-label={t.decrease(line.name)}
                    data-qty-step="-"
                  >
                    −
                  </button>
                  <span data-qty aria-live="polite">
                    {line.quantity}
                  </span>
                  <button
                    onClick={() => setQuantity(line, line.quantity + 1)}
                    aria-label={t.increase(line.name)}
                    data-qty-step="+"
                  >
                    +
                  </button>
                </span>
                {c && (
                  <span class="line-sum">
                    {c.discount.amount > 0 && <s>{rub(c.subtotal.amount, language)}</s>}{" "}
                    <b>{rub(c.total.amount, language)}</b>
                  </span>
                )}
                {c?.promotions.map((p) => (
                  <span class="promo" key={p.id}>
                    {p.name}
                  </span>
                ))}
                {c && c.pointsEarned > 0 && <span class="hint">+{t.points(c.pointsEarned)}</span>}
              </div>
            </li>
          );
        })}
      </ul>
      {coupons && (
        <form
          class="coupon"
          onSubmit={(e) => {
            e.preventDefault();
            update({ coupon: code.trim() || null });
          }}
        >
          <input
            name="coupon"
            aria-label={t.promoCode}
            placeholder={t.promoCode}
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button type="submit">{t.apply}</button>
          {coupon && (
            <span
              class={coupon.applied ? "ok" : "error"}
              role="status"
              data-coupon={coupon.applied ? "applied" : "rejected"}
              data-reason={coupon.reasonCode ?? undefined}
            >
              {coupon.applied
                ? t.couponApplied
                : `${t.couponRejected}${coupon.reasonCode ? `: ${t.couponReason[coupon.reasonCode] ?? ""}` : ""}`}
            </span>
          )}
        </form>
      )}
      {s.me ? (
        max > 0 && (
          <label class="field slider">
            <span data-spend>{t.spendPoints(Math.min(s.redeemPoints, max), max)}</span>
            <input
              type="range"
              name="points"
              min={0}
              max={max}
              step={1}
              value={Math.min(s.redeemPoints, max)}
              onInput={(e) => update({ redeemPoints: Number(e.currentTarget.value) })}
            />
          </label>
        )
      ) : (
        <button class="link" onClick={() => go({ name: "phone" })}>
          {t.pointsNeedPhone}
        </button>
      )}
      <ErrorNote problem={problem} />
      {problem && result?.__typename !== "PriceChangedError" && (
        <button class="link" onClick={calc.reload}>
          {t.retry}
        </button>
      )}
      {result?.__typename === "PriceChangedError" && (
        <button class="link" onClick={() => acceptPrice(result.productId, result.currentPrice.amount)}>
          {t.acceptPrice}
        </button>
      )}
      {data && (
        <dl class="totals" aria-busy={calc.loading}>
          <dt>{t.subtotal}</dt>
          <dd data-total="subtotal">{rub(data.subtotal.amount, language)}</dd>
          {data.discount.amount > 0 && (
            <>
              <dt>{t.discount}</dt>
              <dd data-total="discount">−{rub(data.discount.amount, language)}</dd>
            </>
          )}
          {data.redeemedPoints > 0 && (
            <>
              <dt>{t.paidWithPoints}</dt>
              <dd data-total="redeemed">−{rub(data.redeemed.amount, language)}</dd>
            </>
          )}
          <dt>{t.total}</dt>
          <dd data-total="total">
            <b>{rub(data.total.amount, language)}</b>
          </dd>
          {data.pointsEarned > 0 && (
            <dd class="earn" data-total="earned">
              {t.willEarn(data.pointsEarned)}
            </dd>
          )}
        </dl>
      )}

      <PrimaryAction
        label={t.checkout}
        disabled={!data || calc.loading}
        onClick={() => go(s.me ? { name: "checkout" } : { name: "phone" })}
      />
    </section>
  );
}
