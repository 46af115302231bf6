/** Typed failures of an Alipay call. Messages never carry keys, signatures or request bodies. */

export interface AlipayErrorInfo {
  endpoint?: string;
  requestId?: string;
  traceId?: string | null;
  httpStatus?: number | null;
  cause?: unknown;
}

export abstract class AlipayError extends Error {
  abstract readonly retryable: boolean;
  abstract readonly kind: string;
  readonly endpoint?: string;
  readonly requestId?: string;
  readonly traceId: string | null;
  readonly httpStatus: number | null;

  constructor(message: string, info: AlipayErrorInfo = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = new.target.name;
    this.endpoint = info.endpoint;
    this.requestId = info.requestId;
    this.traceId = info.traceId ?? null;
    this.httpStatus = info.httpStatus ?? null;
  }
}

export class RateLimitedError extends AlipayError {
  readonly retryable = true;
  readonly kind = "rate_limited";
  /** From Retry-After; null when the server did not say. */
  readonly retryAfterMs: number | null;
  readonly code: string;
  constructor(message: string, retryAfterMs: number | null, code = "app-call-limited", info?: AlipayErrorInfo) {
    super(message, info);
    this.retryAfterMs = retryAfterMs;
    this.code = code;
  }
}

/**
 * Our own rate limiter had no token for this app within the wait allowed: nothing was sent to
 * Alipay. Not the AI being unavailable; the work is to be done later, not decided without it.
 */
export class ThrottledError extends AlipayError {
  readonly retryable = true;
  readonly kind = "throttled";
}

/** The per-attempt soft timeout or the total deadline passed. */
export class TimeoutError extends AlipayError {
  readonly retryable = true;
  readonly kind = "timeout";
  readonly deadlineExceeded: boolean;
  constructor(message: string, deadlineExceeded = false, info?: AlipayErrorInfo) {
    super(message, info);
    this.deadlineExceeded = deadlineExceeded;
  }
}

export class SignatureInvalidError extends AlipayError {
  readonly retryable = false;
  readonly kind = "signature_invalid";
}

/** Alipay answered and refused: `code` (v3 code or gateway code) and optional `subCode` (ACQ.*). */
export class BusinessError extends AlipayError {
  readonly kind = "business";
  readonly code: string;
  readonly subCode: string | null;
  readonly retryable: boolean;
  constructor(code: string, subCode: string | null, message: string, info?: AlipayErrorInfo & { retryable?: boolean }) {
    super(message, info);
    this.code = code;
    this.subCode = subCode;
    this.retryable = info?.retryable ?? false;
  }
}

/** A money call may or may not have happened and we could not find out within the deadline. */
export class UnknownOutcomeError extends AlipayError {
  readonly retryable = false;
  readonly kind = "unknown_outcome";
}

export class MalformedResponseError extends AlipayError {
  readonly retryable = false;
  readonly kind = "malformed";
}

export class NetworkError extends AlipayError {
  readonly retryable = true;
  readonly kind = "network";
}

export class ServerError extends AlipayError {
  readonly retryable = true;
  readonly kind = "server";
  readonly code: string | null;
  constructor(message: string, code: string | null = null, info?: AlipayErrorInfo) {
    super(message, info);
    this.code = code;
  }
}

export function isAlipayError(e: unknown): e is AlipayError {
  return e instanceof AlipayError;
}
