import { AsyncLocalStorage } from "node:async_hooks";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = { traceId?: string | null; merchantId?: string | null; [key: string]: unknown };

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Field names that may carry a secret: their values never reach a log line.
const SECRET = /pass(word)?|secret|token|authorization|cookie|private|api_?key|^key$|hash|reasoning/i;

export interface LogSink {
  write(line: string, level: LogLevel): void;
}

const stdSink: LogSink = {
  write(line, level) {
    (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
  },
};

const state = { level: "info" as LogLevel, sink: stdSink, base: {} as LogFields };
const context = new AsyncLocalStorage<LogFields>();

export function setLogLevel(level: LogLevel) {
  state.level = level;
}

/** Fields every line of this process carries (service name, worker id). */
export function setLogBase(fields: LogFields) {
  state.base = { ...fields };
}

/** For tests: capture lines instead of writing them. Returns the previous sink. */
export function setLogSink(sink: LogSink): LogSink {
  const previous = state.sink;
  state.sink = sink;
  return previous;
}

/** Runs `fn` with fields (trace id, merchant) added to every line logged inside it. */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

function clean(value: unknown, depth: number): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...(value.stack && { stack: value.stack.split("\n").slice(0, 8).join("\n") }) };
  }
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (depth > 4) return "[depth]";
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = SECRET.test(k) ? "[redacted]" : clean(v, depth + 1);
  return out;
}

/** One JSON line: time, level, msg, then traceId/merchantId and the other fields. Secrets are redacted by field name. */
export function formatLine(level: LogLevel, msg: string, fields: LogFields, time = new Date()): string {
  const merged = { ...state.base, ...context.getStore(), ...fields };
  const { traceId, merchantId, ...rest } = merged;
  const record: Record<string, unknown> = { time: time.toISOString(), level, msg };
  if (traceId) record.traceId = traceId;
  if (merchantId) record.merchantId = merchantId;
  Object.assign(record, clean(rest, 0));
  return JSON.stringify(record);
}

function emit(level: LogLevel, msg: string, fields: LogFields = {}) {
  if (ORDER[level] < ORDER[state.level]) return;
  state.sink.write(formatLine(level, msg, fields), level);
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

function make(bound: LogFields): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) => emit(level, msg, { ...bound, ...fields });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: (f) => make({ ...bound, ...f }) };
}

export const log: Logger = make({});
