import { useEffect, useRef } from "preact/hooks";
import { getState } from "../store.ts";

/**
 * The screen's main action: Telegram's MainButton inside Telegram, a button at the bottom elsewhere.
 */
export function PrimaryAction(props: { label: string; onClick: () => void; disabled?: boolean; busy?: boolean }) {
  const telegram = getState().session.telegram;
  const handler = useRef(props.onClick);
  handler.current = props.onClick;
  useEffect(() => {
    if (!telegram) return;
    const button = telegram.MainButton;
    const click = () => handler.current();
    button.setText(props.label);
    if (props.disabled) button.disable();
    else button.enable();
    if (props.busy) button.showProgress();
    else button.hideProgress();
    button.onClick(click);
    button.show();
    return () => {
      button.offClick(click);
      button.hide();
    };
  }, [telegram, props.label, props.disabled, props.busy]);
  if (telegram) return null;
  return (
    <div class="primary-bar">
      <button class="primary" onClick={props.onClick} disabled={props.disabled || props.busy}>
        {props.busy ? "…" : props.label}
      </button>
    </div>
  );
}
