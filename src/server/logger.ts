export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
type Fields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** One JSON object per line on stdout, so that log shippers need no parsing rules. */
export function createLogger(level: LogLevel, base: Fields = {}, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const emit = (lvl: Exclude<LogLevel, "silent">, msg: unknown, fields?: Fields) => {
    if (RANK[lvl] < RANK[level]) return;
    // Yoga logs errors by passing the error itself as the message.
    const text = typeof msg === "string" ? msg : msg instanceof Error ? msg.message : "log";
    const extra = typeof msg === "string" ? fields : { err: msg, ...fields };
    write(`${JSON.stringify({ level: lvl, time: new Date().toISOString(), msg: text, ...base, ...extra }, errorReplacer)}\n`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
