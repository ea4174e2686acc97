import type { Logger } from "../domain/ports/logger.port.ts";

export type { Logger };
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
type Fields = Record<string, unknown>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/**
 * Lines written in one event-loop turn go out in one write: stdout to a pipe is synchronous on Linux,
 * and a write per request line costs more than the request's own work.
 */
function batchedStdout(): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (!pending.length) return;
    const chunk = pending.join("");
    pending = [];
    process.stdout.write(chunk);
  };
  process.on("exit", flush);
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
}

let stdoutWriter: ((line: string) => void) | null = null;

/** One JSON object per line on stdout, so that log shippers need no parsing rules. */
export function createLogger(
  level: LogLevel,
  base: Fields = {},
  write: (line: string) => void = (stdoutWriter ??= batchedStdout()),
): Logger {
  const baseHasObjects = hasObjects(base);
  const emit = (lvl: Exclude<LogLevel, "silent">, msg: unknown, fields?: Fields) => {
    if (RANK[lvl] < RANK[level]) return;
    // Yoga logs errors by passing the error itself as the message.
    const text = typeof msg === "string" ? msg : msg instanceof Error ? msg.message : "log";
    const extra = typeof msg === "string" ? fields : { err: msg, ...fields };
    const line = { level: lvl, time: new Date().toISOString(), msg: text, ...base, ...extra };
    // A replacer slows every stringify down; only lines that carry an Error need one.
    write(`${JSON.stringify(line, baseHasObjects || hasObjects(extra) ? errorReplacer : undefined)}\n`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/** An Error can hide in any object or array; only lines of plain values skip the replacer. */
function hasObjects(fields: Fields | undefined): boolean {
  if (!fields) return false;
  for (const key in fields) {
    const value = fields[key];
    if (typeof value === "object" && value !== null) return true;
  }
  return false;
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}
