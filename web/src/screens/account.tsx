import { ErrorNote } from "../components/error-note.tsx";
import { language, t } from "../i18n.ts";
import { rub } from "../money.ts";
import { currentBalance, go, useApp } from "../store.ts";

/** The balance and tier, kept live by loyaltyBalanceChanged (src/me.ts). */
export function Account() {
  const s = useApp();
  if (!s.me)
    return (
      <section class="screen" data-screen="account">
        <p class="hint">{t.pointsNeedPhone}</p>
        <button class="primary" onClick={() => go({ name: "phone" })}>
          {t.linkPhone}
        </button>
      </section>
    );
  const account = s.me.loyalty[0];
  const balance = currentBalance(s);
  return (
    <section class="screen" data-screen="account">
      <p class="hint">
        {s.me.name ?? ""} · +{s.me.phone}
      </p>
      {account?.__typename === "LoyaltyAccountError" && <ErrorNote problem={account} />}
      {account?.__typename === "LoyaltyAccount" && balance && (
        <div class="card">
          <p class="hint">{t.balance}</p>
          <p class="big" data-balance={balance.balance}>
            {t.points(balance.balance)}
          </p>
          {balance.held > 0 && (
            <p class="hint" data-held={balance.held}>
              {t.heldLong(balance.held)}
            </p>
          )}
          {balance.pendingBalance > 0 && (
            <p class="hint" data-pending={balance.pendingBalance}>
              +{balance.pendingBalance} {t.pending}
            </p>
          )}
          {account.tier && (
            <p data-tier>
              {t.tier}: <b>{account.tier}</b>
            </p>
          )}
          {account.nextTier && account.amountToNextTier && (
            <p class="hint">{t.nextTier(account.nextTier, rub(account.amountToNextTier.amount, language))}</p>
          )}
          <p class="hint live">● {t.live}</p>
        </div>
      )}
    </section>
  );
}
