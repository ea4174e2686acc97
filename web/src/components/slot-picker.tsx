import { useEffect } from "preact/hooks";
import { FulfilmentSlotsDocument } from "../../../generated/graphql/graphql.ts";
import { useQuery } from "../api/use-query.ts";
import { language, t } from "../i18n.ts";
import { formatDay, formatTimes } from "../screens/slots.ts";
import { useApp } from "../store.ts";
import { ErrorNote, problemOf } from "./error-note.tsx";

export interface SlotChoice {
  from: string;
  to: string;
}

/** A date, then a free slot of it, as the gateway offers them (fulfilmentSlots) in the shop's time zone. */
export function SlotPicker(props: {
  kind: "PICKUP" | "DELIVERY";
  storeId: string | null;
  date: string;
  onDate: (date: string) => void;
  value: SlotChoice | null;
  onChange: (slot: SlotChoice | null) => void;
  invalid?: boolean;
}) {
  const s = useApp();
  const q = useQuery(FulfilmentSlotsDocument, { shopId: s.shop.id, kind: props.kind, storeId: props.storeId });
  const result = q.data?.fulfilmentSlots;
  const problem = q.failure ?? (result ? problemOf(result) : null);
  const days = (result?.__typename === "QueryFulfilmentSlotsSuccess" ? result.data : []).filter((d) =>
    d.slots.some((x) => x.left > 0),
  );
  const day = days.find((d) => d.date === props.date) ?? days[0];
  useEffect(() => {
    if (day && day.date !== props.date) props.onDate(day.date);
  }, [day?.date]);
  useEffect(() => {
    if (props.value && !day?.slots.some((x) => x.from === props.value!.from && x.left > 0)) props.onChange(null);
  }, [day?.date, props.kind, props.storeId, q.data]);
  if (q.loading && !result) return <p class="hint">{t.loading}</p>;
  return (
    <>
      <ErrorNote problem={problem} />
      <label class="field">
        <span>{t.date}</span>
        <select name="slotDate" value={day?.date ?? ""} onChange={(e) => props.onDate(e.currentTarget.value)}>
          {days.map((d) => (
            <option value={d.date} key={d.date}>
              {formatDay(d.date, language)}
            </option>
          ))}
        </select>
      </label>
      <fieldset class={props.invalid ? "slots invalid" : "slots"} data-field="slot" aria-invalid={props.invalid}>
        <legend>{t.slot}</legend>
        {day?.slots.map((x) => (
          <label key={x.from} class={props.value?.from === x.from ? "slot on" : "slot"}>
            <input
              type="radio"
              name="slot"
              value={x.from}
              disabled={x.left <= 0}
              checked={props.value?.from === x.from}
              onChange={() => props.onChange({ from: x.from, to: x.to })}
            />
            {formatTimes(x.from, x.to, s.shop.timeZone, language)}
          </label>
        ))}
      </fieldset>
    </>
  );
}
