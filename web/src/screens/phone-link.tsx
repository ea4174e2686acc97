import { useState } from "preact/hooks";
import {
  CheckPhoneCodeDocument,
  LinkMyPhoneDocument,
  RegisterCustomerDocument,
  SendPhoneCodeDocument,
} from "../../../generated/graphql/graphql.ts";
import { request } from "../api/graphql.ts";
import { demoContact } from "../api/session.ts";
import { failureOf } from "../api/use-query.ts";
import { ErrorNote, type Problem, problemOf } from "../components/error-note.tsx";
import { t } from "../i18n.ts";
import { refreshMe } from "../me.ts";
import { back, getState, useApp } from "../store.ts";
import { requestContact } from "../telegram/sdk.ts";

/**
 * Linking a phone: the contact Telegram signs (requestContact; outside Telegram the demo gateway signs
 * it), or an SMS code where the shop's provider sends one. A phone the programme does not know yet may
 * join it here.
 */
export function PhoneLink() {
  const s = useApp();
  const provider = s.shop.loyaltyProviders[0]?.capabilities;
  const [phone, setPhone] = useState("+7");
  const [code, setCode] = useState("");
  const [codeSent, setCodeSent] = useState(false);
  const [name, setName] = useState(s.session.telegram?.initDataUnsafe.user?.first_name ?? "");
  const [consent, setConsent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const run = async (step: () => Promise<Problem | null>, refresh = true) => {
    setBusy(true);
    setProblem(null);
    try {
      const p = await step();
      setProblem(p);
      if (!p && refresh) await refreshMe();
    } catch (error) {
      setProblem(failureOf(error));
    } finally {
      setBusy(false);
    }
  };

  const shareContact = () =>
    run(async () => {
      const { session, shop } = getState();
      const contact = session.telegram ? await requestContact(session.telegram) : await demoContact(session, phone);
      if (!contact) return { code: "VERIFICATION_FAILED" };
      const r = (await request(LinkMyPhoneDocument, { input: { shopId: shop.id, contact } })).linkMyPhone;
      return problemOf(r);
    });
  const sendCode = () =>
    run(async () => {
      const r = (await request(SendPhoneCodeDocument, { input: { shopId: getState().shop.id, phone } })).sendPhoneCode;
      const p = problemOf(r);
      if (!p) setCodeSent(true);
      return p;
    }, false);
  const checkCode = () =>
    run(async () => {
      const r = (await request(CheckPhoneCodeDocument, { input: { shopId: getState().shop.id, phone, code } }))
        .checkPhoneCode;
      return problemOf(r);
    });
  const join = () =>
    run(async () => {
      const r = (await request(RegisterCustomerDocument, { input: { shopId: getState().shop.id, name, consent } }))
        .registerCustomer;
      return problemOf(r);
    });

  const account = s.me?.loyalty[0];
  const needsJoin = !!s.me && account?.__typename === "LoyaltyAccountError" && account.code === "CUSTOMER_NOT_FOUND";
  if (s.me && !needsJoin)
    return (
      <section class="screen" data-screen="phone">
        <p class="ok" data-linked>
          {t.linked(s.me.phone)}
        </p>
        <button class="primary" onClick={back}>
          {t.done}
        </button>
      </section>
    );
  if (needsJoin)
    return (
      <section class="screen" data-screen="join">
        <h2>{t.joinTitle}</h2>
        <label class="field">
          <span>{t.name}</span>
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="check">
          <input
            type="checkbox"
            name="consent"
            checked={consent}
            onChange={(e) => setConsent(e.currentTarget.checked)}
          />
          {t.consent}
        </label>
        <ErrorNote problem={problem} />
        <button class="primary" disabled={busy || !consent || !name.trim()} onClick={join}>
          {t.join}
        </button>
      </section>
    );
  return (
    <section class="screen" data-screen="phone">
      <h2>{t.phoneTitle}</h2>
      <p class="hint">{t.phoneHint}</p>
      {!s.session.telegram && (
        <label class="field">
          <span>{t.phone}</span>
          <input
            name="phone"
            type="tel"
            autocomplete="tel"
            value={phone}
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
        </label>
      )}
      <button class="primary" disabled={busy} onClick={shareContact}>
        {t.shareContact}
      </button>
      {provider?.phoneVerification && (
        <div class="sms">
          {s.session.telegram && (
            <input
              name="phone"
              type="tel"
              aria-label={t.phone}
              value={phone}
              onInput={(e) => setPhone(e.currentTarget.value)}
            />
          )}
          <button disabled={busy} onClick={sendCode}>
            {t.sendCode}
          </button>
          {codeSent && (
            <>
              <input
                name="code"
                inputMode="numeric"
                autocomplete="one-time-code"
                aria-label={t.code}
                placeholder={t.code}
                value={code}
                onInput={(e) => setCode(e.currentTarget.value)}
              />
              <button disabled={busy || !code} onClick={checkCode}>
                {t.checkCode}
              </button>
            </>
          )}
        </div>
      )}
      <ErrorNote problem={problem} />
    </section>
  );
}
