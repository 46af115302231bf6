import { log } from "./observability/log";

/** Typed errors. Only AppErrors carry a message a user may read; everything else is "unexpected". */
export type ErrorKind = "unauthenticated" | "forbidden" | "not_found" | "invalid" | "conflict" | "unavailable";

export class AppError extends Error {
  constructor(
    public readonly kind: ErrorKind,
    message: string,
    public readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const forbidden = (message = "You are not allowed to do this.") => new AppError("forbidden", message);
export const notFound = (message = "Not found.") => new AppError("not_found", message);
export const invalid = (message: string, details?: Record<string, string>) => new AppError("invalid", message, details);
export const conflict = (message: string) => new AppError("conflict", message);

export const HTTP_STATUS: Record<ErrorKind, number> = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  unavailable: 503,
};

export interface UserError {
  kind: ErrorKind | "unexpected";
  message: string;
  details?: Record<string, string>;
}

// Prisma's codes for a database too busy to serve now: no connection from the pool in time (P2024),
// a transaction that could not start or ran out of time (P2028), a write conflict or deadlock (P2034).
// Nothing was committed; the caller may retry (the intake API with the same Idempotency-Key).
const BUSY_CODES = new Set(["P2024", "P2028", "P2034"]);

function isDatabaseBusy(err: unknown): boolean {
  const code = typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === "string" && BUSY_CODES.has(code);
}

/** The one mapper from an error to what a user sees; the log keeps the detail. */
export function toUserError(err: unknown): UserError {
  if (err instanceof AppError) return { kind: err.kind, message: err.message, details: err.details };
  if (isDatabaseBusy(err)) {
    log.warn("database busy", { err });
    return { kind: "unavailable", message: "The console is busy right now and nothing was saved. Please try again in a moment." };
  }
  log.error("unexpected error", { err });
  return { kind: "unexpected", message: "Something went wrong. It has been logged; please try again." };
}
