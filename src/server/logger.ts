import pino from "pino";
import type { Logger } from "../domain/ports/logger.port.ts";

export type { Logger };
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
type Fields = Record<string, unknown>;

/**
 * stdout through sonic-boom without blocking: while one write is under way, the lines that follow are
 * gathered and go out in the next one (a write per request line cost more than the request's own work),
 * and what is left is flushed when the process exits.
 */
let stdout: ReturnType<typeof pino.destination> | null = null;
const stdoutDestination = () => (stdout ??= pino.destination({ dest: 1, sync: false }));

/**
 * Waits until stdout has written what it holds, in order, before a `process.exit` that would drop it
 * (the last lines say why the process stopped); at most `withinMs`. sonic-boom's own `flush` does not
 * wait for a write under way when it buffers nothing (minLength 0), and a write still in the thread pool
 * at exit is lost: so the write under way is let finish, then what is queued behind it goes out at once.
 */
export function flushLogs(withinMs = 1_000): Promise<void> {
  const out = stdout;
  if (!out) return Promise.resolve();
  const deadline = Date.now() + withinMs;
  return new Promise((resolve) => {
    const settle = () => {
      if ((out as unknown as { _writing: boolean })._writing && Date.now() < deadline) {
        setTimeout(settle, 5);
        return;
      }
      try {
        out.flushSync();
      } catch {
        // Not open yet, or already gone: nothing to keep.
      }
      resolve();
    };
    settle();
  });
}

/**
 * One JSON object per line on stdout, so that log shippers need no parsing rules: `level` as a word,
 * `time` as ISO 8601, the inherited fields, the line's own fields, and `msg`. Errors are written with
 * their name, message and stack wherever they sit in the fields. `write` replaces stdout (tests).
 */
export function createLogger(level: LogLevel, base: Fields = {}, write?: (line: string) => void): Logger {
  const root = pino(
    {
      level,
      base: hasErrors(base) ? withErrors(base) : base,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors are written by withErrors below, the same under `err` as anywhere else.
      serializers: { err: (value: unknown) => value },
      formatters: {
        level: (label) => ({ level: label }),
        // pino serialises an Error only under `err`; an Error can hide in any object or array.
        log: (fields) => (hasErrors(fields) ? withErrors(fields) : fields),
      },
    },
    write ? { write } : stdoutDestination(),
  );
  return wrap(root);
}

function wrap(p: pino.Logger): Logger {
  return {
    debug: (msg, fields) => log(p, "debug", msg, fields),
    info: (msg, fields) => log(p, "info", msg, fields),
    warn: (msg, fields) => log(p, "warn", msg, fields),
    error: (msg, fields) => log(p, "error", msg, fields),
    child: (fields) => new DeferredChild(() => wrap(p.child(hasErrors(fields) ? withErrors(fields) : fields))),
  };
}

/**
 * A child logger made on its first line. Every request's context has one (with its request id), and
 * most requests write no line through it; an open SSE stream keeps its context for hours.
 */
class DeferredChild implements Logger {
  #logger: Logger | undefined;

  constructor(private readonly make: () => Logger) {}

  #real(): Logger {
    return (this.#logger ??= this.make());
  }

  debug(msg: string, fields?: Fields): void {
    this.#real().debug(msg, fields);
  }
  info(msg: string, fields?: Fields): void {
    this.#real().info(msg, fields);
  }
  warn(msg: string, fields?: Fields): void {
    this.#real().warn(msg, fields);
  }
  error(msg: string, fields?: Fields): void {
    this.#real().error(msg, fields);
  }
  child(fields: Fields): Logger {
    return new DeferredChild(() => this.#real().child(fields));
  }
}

function log(p: pino.Logger, level: Exclude<LogLevel, "silent">, msg: unknown, fields?: Fields): void {
  if (!p.isLevelEnabled(level)) return;
  // Yoga logs errors by passing the error itself as the message.
  if (typeof msg === "string") p[level](fields ?? {}, msg);
  else p[level]({ err: msg, ...fields }, msg instanceof Error ? msg.message : "log");
}

/** Whether an Error sits anywhere in the fields (a walk only of objects and arrays). */
function hasErrors(value: unknown, depth = 0): boolean {
  if (value instanceof Error) return true;
  if (typeof value !== "object" || value === null || depth > 8) return false;
  for (const key in value) if (hasErrors((value as Fields)[key], depth + 1)) return true;
  return false;
}

function withErrors<T>(value: T, depth = 0): T {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack } as T;
  if (typeof value !== "object" || value === null || depth > 8) return value;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => withErrors(v, depth + 1)) as T;
  const out: Fields = {};
  for (const key in value) out[key] = withErrors((value as Fields)[key], depth + 1);
  return out as T;
}
