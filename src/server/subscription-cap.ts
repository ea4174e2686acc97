import { createGraphQLError, isAsyncIterable, type Plugin } from "graphql-yoga";
import type { RequestScope } from "../domain/request-scope.ts";

/**
 * At most `max` open subscriptions (SSE and WebSocket together) per viewer on this instance: per
 * Telegram user, per API key, per IP for anyone else. One more is refused with TOO_MANY_SUBSCRIPTIONS;
 * a slot is freed when its stream ends, however it ends.
 */
export function useSubscriptionCap(max: number): Plugin {
  const open = new Map<string, number>();
  const release = (key: string) => {
    const n = (open.get(key) ?? 1) - 1;
    if (n <= 0) open.delete(key);
    else open.set(key, n);
  };
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const context = args.contextValue as { scope?: RequestScope; clientIp?: string | null };
      const viewer = context.scope?.viewer;
      const key =
        viewer?.kind === "telegram"
          ? `tg:${viewer.telegramUserId}`
          : viewer?.kind === "service"
            ? `key:${viewer.name}`
            : context.clientIp
              ? `ip:${context.clientIp}`
              : null;
      if (!key) return;
      if ((open.get(key) ?? 0) >= max) {
        setSubscribeFn(() => ({
          errors: [
            createGraphQLError(`at most ${max} open subscriptions per viewer; close one first`, {
              extensions: { code: "TOO_MANY_SUBSCRIPTIONS", http: { status: 429 } },
            }),
          ],
        }));
        return;
      }
      open.set(key, (open.get(key) ?? 0) + 1);
      let held = true;
      const free = () => {
        if (!held) return;
        held = false;
        release(key);
      };
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return free();
          return { onEnd: free };
        },
        onSubscribeError: free,
      };
    },
  };
}
