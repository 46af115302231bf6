import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { z } from "zod";
import {
  AlipayError,
  BusinessError,
  MalformedResponseError,
  NetworkError,
  RateLimitedError,
  ServerError,
  SignatureInvalidError,
  ThrottledError,
  TimeoutError,
  UnknownOutcomeError,
  type AlipayErrorInfo,
} from "./errors";
import { loadPem } from "./keys";
import { nullLedger, type Ledger, type LedgerOutcome } from "./ledger";
import { fenToYuan } from "./money";
import { callPrice, countChars, formatMicro, priceTable, refundFee, type Micro, type PriceTable, type Tier } from "./pricing";
import { abortableSleep, unlimited, type RateLimiter } from "./rate-limit";
import {
  aiContextSchema,
  batchPollResponseSchema,
  batchSubmitResponseSchema,
  bodyErrorCode,
  complaintBatchQueryRequestSchema,
  complaintBatchQueryResponseSchema,
  complaintFeedbackRequestSchema,
  complaintFeedbackResponseSchema,
  complaintSchema,
  disputeAnalyzeRequestSchema,
  disputeAnalyzeResponseSchema,
  refundAssessRequestSchema,
  refundAssessResponseSchema,
  refundQueryRequestSchema,
  refundQueryResponseSchema,
  refundRequestSchema,
  refundResponseSchema,
  riskScoreRequestSchema,
  riskScoreResponseSchema,
  type BatchItem,
  type BatchPollResponse,
  type BatchSubmitRequest,
  type BatchSubmitResponse,
  type Billing,
  type Complaint,
  type ComplaintBatchQueryRequest,
  type ComplaintBatchQueryResponse,
  type ComplaintFeedbackRequest,
  type ComplaintFeedbackResponse,
  type DisputeAnalyzeRequest,
  type DisputeAnalyzeResponse,
  type Fen,
  type RefundAssessRequest,
  type RefundAssessResponse,
  type RefundQueryRequest,
  type RefundQueryResponse,
  type RefundRequest,
  type RiskScoreRequest,
  type RiskScoreResponse,
} from "./schemas";
import { createRequestId, RESPONSE_HEADERS, signRequest, verifyResponse } from "./sign";
import { log } from "../observability/log";

// ------------------------------------------------------------------ transport

export interface FetchResponseLike {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
export interface FetchInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}
/** The subset of `fetch` the client uses; global fetch fits. */
export type FetchLike = (url: string, init: FetchInitLike) => Promise<FetchResponseLike>;

export interface TransportRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** the whole exchange, body included, must finish within this; else reject with TransportTimeout */
  timeoutMs: number;
}
export interface TransportResponse {
  status: number;
  header(name: string): string | null;
  body: string;
}
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** Rejection reason of a transport whose timeout fired. */
export class TransportTimeout extends Error {
  constructor() {
    super("attempt timed out");
    this.name = "TransportTimeout";
  }
}

/** Adapts any fetch: AbortController for the timeout, body read under the same signal. */
export function fetchTransport(doFetch: FetchLike = (url, init) => fetch(url, init)): Transport {
  return async ({ url, method, headers, body, timeoutMs }) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TransportTimeout()), timeoutMs);
    try {
      const res = await doFetch(url, { method, headers, body, signal: controller.signal });
      const text = await res.text();
      return { status: res.status, header: (name) => res.headers.get(name), body: text };
    } catch (err) {
      throw controller.signal.aborted ? new TransportTimeout() : err;
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * node:http(s) with keep-alive, the default. undici's fetch costs about as much CPU per call as
 * the RSA signature itself (web streams, abort signals); this costs a fraction of it.
 */
export function nodeHttpTransport(options: { maxSockets?: number } = {}): Transport {
  const maxSockets = options.maxSockets ?? 64;
  // idle sockets are dropped after 4 s, before a typical 5 s server keep-alive closes them under us
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets, timeout: 4000 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets, timeout: 4000 });
  const origins = new Map<string, { https: boolean; hostname: string; port: string }>();

  return ({ url, method, headers, body, timeoutMs }) =>
    new Promise<TransportResponse>((resolve, reject) => {
      // split origin and path by hand: new URL() per call shows up in profiles
      const slash = url.indexOf("/", url.indexOf("//") + 2);
      const origin = slash < 0 ? url : url.slice(0, slash);
      const path = slash < 0 ? "/" : url.slice(slash);
      let o = origins.get(origin);
      if (!o) {
        const u = new URL(origin);
        if (u.protocol !== "http:" && u.protocol !== "https:") return reject(new TypeError(`unsupported protocol ${u.protocol}`));
        o = { https: u.protocol === "https:", hostname: u.hostname.replace(/^\[|\]$/g, ""), port: u.port };
        origins.set(origin, o);
      }
      const outHeaders: Record<string, string | number> = { ...headers };
      if (body !== undefined) outHeaders["content-length"] = Buffer.byteLength(body);
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = (o.https ? https : http).request(
        { hostname: o.hostname, port: o.port, path, method, headers: outHeaders, agent: o.https ? httpsAgent : httpAgent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (err) => finish(() => reject(err)));
          res.on("aborted", () => finish(() => reject(new Error("response aborted"))));
          res.on("end", () =>
            finish(() =>
              resolve({
                status: res.statusCode ?? 0,
                header: (name) => {
                  const v = res.headers[name];
                  return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
                },
                body: chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"),
              }),
            ),
          );
        },
      );
      const timer = setTimeout(() => {
        finish(() => reject(new TransportTimeout()));
        req.destroy();
      }, timeoutMs);
      req.on("error", (err) => finish(() => reject(err)));
      req.end(body);
    });
}

// ------------------------------------------------------------------ config and results

export interface AlipayClientConfig {
  baseUrl: string;
  appId: string;
  /** PEM text or a file path (see loadPem); never logged */
  appPrivateKey: string;
  alipayPublicKey: string;
  /** per-attempt soft timeout for the synchronous AI calls */
  timeoutMs?: number;
  /** per-attempt timeout for money, complaint and batch calls */
  otherTimeoutMs?: number;
  /**
   * total time for one logical call, all attempts, backoff and refund queries included; time spent
   * waiting for our own rate limiter is not counted (it is queueing, not Alipay being slow)
   */
  deadlineMs?: number;
  /** the longest one wait for a rate-limit token; beyond it ThrottledError, with nothing sent */
  limiterWaitMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  rateLimiter?: RateLimiter;
  ledger?: Ledger;
  priceTable?: PriceTable;
  /** sent with every call: an app acting for one merchant */
  appAuthToken?: string;
  /**
   * the app_auth_token for the merchant a call is made for, when the app acts for several
   * (Alipay's third-party app model): null calls as the app itself, a throw sends nothing.
   * Replaces `appAuthToken` when given; read once per logical call.
   */
  appAuthTokenFor?: (merchantId: string) => Promise<string | null>;
  /** default nodeHttpTransport(); when only `fetch` is given it is used through fetchTransport */
  transport?: Transport;
  fetch?: FetchLike;
  /** in [0, 1); drives the full jitter */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** a ledger write failed; the call's own outcome is unaffected */
  onLedgerError?: (err: unknown) => void;
}

export interface CallContext {
  merchantId: string;
  caseId?: string | null;
}

export interface AlipayResult<T> {
  data: T;
  requestId: string;
  traceId: string | null;
  /** HTTP attempts of this logical call, refund queries included */
  attempts: number;
}

export interface RefundOutcome {
  out_trade_no: string | null;
  trade_no: string | null;
  out_request_no: string;
  /** the amount this request refunds, fen */
  refund_amount: Fen;
  /** cumulative refunded on the trade, fen; null when only the query confirmed the refund */
  refund_fee: Fen | null;
  fund_change: "Y" | "N";
  gmt_refund_pay: string | null;
  /** "query": the refund's own answer was lost and a refund query confirmed it happened */
  confirmedBy: "response" | "query";
}

export const ENDPOINTS = {
  riskScore: { name: "ai.risk.score", method: "POST", path: "/v3/alipay/ai/risk/score", ai: true },
  refundAssess: { name: "ai.refund.assess", method: "POST", path: "/v3/alipay/ai/refund/assess", ai: true },
  disputeAnalyze: { name: "ai.dispute.analyze", method: "POST", path: "/v3/alipay/ai/dispute/analyze", ai: true },
  batchSubmit: { name: "ai.batch.submit", method: "POST", path: "/v3/alipay/ai/batch", ai: false },
  batchPoll: { name: "ai.batch.poll", method: "GET", path: "/v3/alipay/ai/batch/{batch_id}", ai: false },
  refund: { name: "trade.refund", method: "POST", path: "/v3/alipay/trade/refund", ai: false },
  refundQuery: { name: "trade.refund.query", method: "POST", path: "/v3/alipay/trade/fastpay/refund/query", ai: false },
  complaintBatchQuery: {
    name: "tradecomplain.batchquery",
    method: "POST",
    path: "/v3/alipay/merchant/tradecomplain/batchquery",
    ai: false,
  },
  complaintGet: {
    name: "tradecomplain.get",
    method: "GET",
    path: "/v3/alipay/merchant/tradecomplain/{complain_event_id}",
    ai: false,
  },
  complaintFeedback: {
    name: "tradecomplain.feedback",
    method: "POST",
    path: "/v3/alipay/merchant/tradecomplain/feedback",
    ai: false,
  },
} as const;

type Endpoint = (typeof ENDPOINTS)[keyof typeof ENDPOINTS];

export interface AlipayClient {
  readonly appId: string;
  riskScore(body: RiskScoreRequest, ctx: CallContext): Promise<AlipayResult<RiskScoreResponse>>;
  refundAssess(body: RefundAssessRequest, ctx: CallContext): Promise<AlipayResult<RefundAssessResponse>>;
  disputeAnalyze(body: DisputeAnalyzeRequest, ctx: CallContext): Promise<AlipayResult<DisputeAnalyzeResponse>>;
  batchSubmit(body: BatchSubmitRequest, ctx: CallContext): Promise<AlipayResult<BatchSubmitResponse>>;
  batchPoll(body: { batch_id: string }, ctx: CallContext): Promise<AlipayResult<BatchPollResponse>>;
  /** Sends at most one refund: an unknown outcome is resolved by a refund query before any resend. */
  refund(body: RefundRequest, ctx: CallContext): Promise<AlipayResult<RefundOutcome>>;
  refundQuery(body: RefundQueryRequest, ctx: CallContext): Promise<AlipayResult<RefundQueryResponse>>;
  complaintBatchQuery(body: ComplaintBatchQueryRequest, ctx: CallContext): Promise<AlipayResult<ComplaintBatchQueryResponse>>;
  complaintGet(body: { complain_event_id: string }, ctx: CallContext): Promise<AlipayResult<Complaint>>;
  complaintFeedback(body: ComplaintFeedbackRequest, ctx: CallContext): Promise<AlipayResult<ComplaintFeedbackResponse>>;
}

// ------------------------------------------------------------------ internals

interface Cost {
  cost: Micro;
  fee: Micro;
  tier: Tier;
  priceVersion: string | null;
  /** The refund a transaction fee belongs to (its out_request_no): the ledger keeps one fee per refund. */
  feeRef?: string;
}

/** When a logical call must end; moved on by time spent waiting for our own rate limiter. */
interface Deadline {
  at: number;
}

type Attempt<T> =
  | { ok: true; data: T; traceId: string | null }
  | { ok: false; error: AlipayError; outcome: LedgerOutcome; traceId: string | null; twoXX: boolean };

interface Request<T> {
  endpoint: Endpoint;
  pathWithQuery: string;
  body: string;
  requestId: string;
  schema: z.ZodType<T>;
  price: (data: T, rawResponse: string) => Cost;
  timeoutMs: number;
  ctx: CallContext;
  /** whom the call acts for, resolved at its first attempt and kept for the rest */
  appAuthToken?: Promise<string | null>;
}

const FREE: Omit<Cost, "tier"> = { cost: 0, fee: 0, priceVersion: null };

/** Retry-After is delta-seconds or an HTTP date. */
function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function isSystemError(code: string, subCode: string | null): boolean {
  const key = subCode ?? code;
  return key === "ACQ.SYSTEM_ERROR" || key === "SYSTEM_ERROR" || key === "unknow-error";
}

function classifyError(
  status: number,
  errorCode: { code: string; subCode: string | null; message: string } | null,
  retryAfter: string | null,
  info: AlipayErrorInfo,
): { error: AlipayError; outcome: LedgerOutcome } {
  const code = errorCode?.code ?? null;
  if (status === 429 || (code !== null && code.endsWith("-call-limited"))) {
    const ms = parseRetryAfter(retryAfter, Date.now());
    return {
      error: new RateLimitedError(`rate limited (${code ?? status})`, ms, code ?? "app-call-limited", info),
      outcome: "RATE_LIMITED",
    };
  }
  if (status >= 500) {
    return { error: new ServerError(`server error ${status}${code ? ` (${code})` : ""}`, code, info), outcome: "SERVER_ERROR" };
  }
  // a system error in an answered body: the call may or may not have taken effect
  if (errorCode && isSystemError(errorCode.code, errorCode.subCode)) {
    return {
      error: new BusinessError(errorCode.code, errorCode.subCode, errorCode.message, { ...info, retryable: true }),
      outcome: "UNKNOWN_OUTCOME",
    };
  }
  if (errorCode) {
    return {
      error: new BusinessError(errorCode.code, errorCode.subCode, errorCode.message, info),
      outcome: "BUSINESS_ERROR",
    };
  }
  return { error: new MalformedResponseError(`HTTP ${status} without an error body`, info), outcome: "MALFORMED" };
}

function tryJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function wireAmounts<T extends Record<string, unknown>>(body: T, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const f of fields) {
    const v = out[f];
    if (typeof v === "number") out[f] = fenToYuan(v);
  }
  return out;
}

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new TypeError(`invalid ${what} request: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

// ------------------------------------------------------------------ the client

export function createAlipayClient(config: AlipayClientConfig): AlipayClient {
  const baseUrl = config.baseUrl.replace(/\/+$/, "");
  const appId = config.appId;
  // parsed once: PEM parsing per call would cost as much as the signature itself
  const privateKey: KeyObject = createPrivateKey(loadPem(config.appPrivateKey));
  const alipayKey: KeyObject = createPublicKey(loadPem(config.alipayPublicKey));
  const aiTimeout = config.timeoutMs ?? 800;
  const otherTimeout = config.otherTimeoutMs ?? 3000;
  const deadlineMs = config.deadlineMs ?? 5000;
  const limiterWaitMs = config.limiterWaitMs ?? 30_000;
  const maxAttempts = Math.max(1, config.maxAttempts ?? 4);
  const backoffBase = config.backoffBaseMs ?? 100;
  const backoffMax = config.backoffMaxMs ?? 2000;
  const limiter = config.rateLimiter ?? unlimited;
  const ledger = config.ledger ?? nullLedger;
  const table = config.priceTable ?? priceTable();
  const transport: Transport = config.transport ?? (config.fetch ? fetchTransport(config.fetch) : nodeHttpTransport());
  const random = config.random ?? Math.random;
  const sleep = config.sleep ?? abortableSleep;
  const now = config.now ?? Date.now;
  const onLedgerError =
    config.onLedgerError ?? ((err: unknown) => log.error("ledger write failed", { err }));

  async function record(
    req: Pick<Request<unknown>, "ctx" | "endpoint" | "requestId">,
    attempt: number,
    r: { outcome: LedgerOutcome; status: number | null; traceId: string | null; code: string | null; subCode: string | null },
    latencyMs: number,
    modelVersion: string | null,
    cost: Cost,
  ) {
    try {
      await ledger.record({
        merchantId: req.ctx.merchantId,
        caseId: req.ctx.caseId ?? null,
        endpoint: req.endpoint.name,
        requestId: req.requestId,
        traceId: r.traceId,
        modelVersion,
        httpStatus: r.status,
        code: r.code,
        subCode: r.subCode,
        latencyMs: Math.round(latencyMs),
        attempt,
        outcome: r.outcome,
        tier: cost.tier,
        costCny: formatMicro(cost.cost),
        feeCny: formatMicro(cost.fee),
        priceVersion: cost.priceVersion,
        feeRef: cost.feeRef ?? null,
      });
    } catch (err) {
      onLedgerError(err);
    }
  }

  /** One HTTP attempt: sign, send, verify, parse, classify, record. Never throws for call failures. */
  /**
   * Takes a token from the rate limiter. The wait moves the deadline on by as long as it took:
   * with many calls in flight across workers, a token can be seconds away, and a call that ran
   * out of time in our own queue would wrongly look like Alipay being unavailable.
   */
  async function acquireToken(info: AlipayErrorInfo, deadline: Deadline): Promise<void> {
    if (limiter === unlimited) return; // no timer signal on the hot path: they are measurable
    const t0 = now();
    const wait = AbortSignal.timeout(limiterWaitMs);
    try {
      await limiter.acquire(appId, wait);
    } catch (err) {
      // Only the wait running out is throttling; a broken limiter (its database, say) is an error
      // of its own and takes the job's normal retries, so it cannot defer the job forever unseen.
      if (!wait.aborted) throw err;
      throw new ThrottledError(`no rate-limit token within ${limiterWaitMs} ms; nothing was sent`, { ...info, cause: err });
    }
    deadline.at += now() - t0;
  }

  async function attemptOnce<T>(req: Request<T>, attempt: number, deadline: Deadline): Promise<Attempt<T>> {
    const info: AlipayErrorInfo = { endpoint: req.endpoint.name, requestId: req.requestId };
    if (deadline.at - now() <= 0) throw new TimeoutError("deadline exceeded", true, info);
    // Before a rate-limit token is spent: a merchant we may not act for gets nothing sent.
    const appAuthToken = await (req.appAuthToken ??= config.appAuthTokenFor ? config.appAuthTokenFor(req.ctx.merchantId) : Promise.resolve(config.appAuthToken ?? null));
    await acquireToken(info, deadline);
    const budget = Math.min(req.timeoutMs, deadline.at - now());
    if (budget <= 0) throw new TimeoutError("deadline exceeded", true, info);

    const method = req.endpoint.method;
    const signed = signRequest({
      appId,
      privateKey,
      method,
      pathWithQuery: req.pathWithQuery,
      body: req.body,
      appAuthToken: appAuthToken ?? undefined,
    });
    const headers: Record<string, string> = {
      authorization: signed.authorization,
      "alipay-request-id": req.requestId,
      accept: "application/json",
    };
    if (method === "POST") headers["content-type"] = "application/json";
    if (appAuthToken) headers["alipay-app-auth-token"] = appAuthToken;

    const started = performance.now();
    let res: TransportResponse;
    try {
      res = await transport({
        url: baseUrl + req.pathWithQuery,
        method,
        headers,
        body: method === "POST" ? req.body : undefined,
        timeoutMs: budget,
      });
    } catch (err) {
      const latency = performance.now() - started;
      const timedOut = err instanceof TransportTimeout;
      const error = timedOut
        ? new TimeoutError(`no answer within ${budget} ms`, budget < req.timeoutMs, info)
        : new NetworkError(`network error: ${err instanceof Error ? err.message : "unknown"}`, { ...info, cause: err });
      const outcome: LedgerOutcome = timedOut ? "TIMEOUT" : "NETWORK_ERROR";
      await record(req, attempt, { outcome, status: null, traceId: null, code: null, subCode: null }, latency, null, {
        ...FREE,
        tier: "standard",
      });
      return { ok: false, error, outcome, traceId: null, twoXX: false };
    }
    const status = res.status;
    const raw = res.body;
    const latency = performance.now() - started;
    const traceId = res.header(RESPONSE_HEADERS.traceId);
    const withTrace: AlipayErrorInfo = { ...info, traceId, httpStatus: status };
    const twoXX = status >= 200 && status < 300;

    const fail = async (error: AlipayError, outcome: LedgerOutcome, code: string | null = null, subCode: string | null = null) => {
      await record(req, attempt, { outcome, status, traceId, code, subCode }, latency, null, { ...FREE, tier: "standard" });
      return { ok: false as const, error, outcome, traceId, twoXX };
    };

    if (!twoXX) {
      // a failure is never acted on as a result, so an unsigned error body may still name the code
      const parsed = tryJson(raw);
      const errorCode = parsed.ok ? bodyErrorCode(parsed.value) : null;
      const { error, outcome } = classifyError(status, errorCode, res.header("retry-after"), withTrace);
      return fail(error, outcome, errorCode?.code ?? null, errorCode?.subCode ?? null);
    }

    // verify before anything reads the body
    const verified = verifyResponseHeaders(res, raw);
    if (!verified) {
      return fail(new SignatureInvalidError("response signature missing or invalid", withTrace), "INVALID_SIGNATURE");
    }
    const parsed = tryJson(raw);
    if (!parsed.ok) return fail(new MalformedResponseError("response body is not JSON", withTrace), "MALFORMED");
    const errorCode = bodyErrorCode(parsed.value);
    if (errorCode) {
      const { error, outcome } = classifyError(status, errorCode, res.header("retry-after"), withTrace);
      return fail(error, outcome, errorCode.code, errorCode.subCode);
    }
    const result = req.schema.safeParse(parsed.value);
    if (!result.success) {
      const where = result.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ");
      return fail(new MalformedResponseError(`response does not match the schema: ${where}`, withTrace), "MALFORMED");
    }
    const data = result.data;
    const mv = (data as { model_version?: unknown }).model_version;
    await record(
      req,
      attempt,
      { outcome: "SUCCESS", status, traceId, code: null, subCode: null },
      latency,
      typeof mv === "string" ? mv : null,
      req.price(data, raw),
    );
    return { ok: true, data, traceId };
  }

  function verifyResponseHeaders(res: TransportResponse, raw: string): boolean {
    return verifyResponseSig(
      res.header(RESPONSE_HEADERS.timestamp),
      res.header(RESPONSE_HEADERS.nonce),
      res.header(RESPONSE_HEADERS.signature),
      raw,
    );
  }

  function verifyResponseSig(ts: string | null, nonce: string | null, sig: string | null, raw: string): boolean {
    return verifyResponse({ publicKey: alipayKey, timestamp: ts, nonce, signature: sig, rawBody: raw });
  }

  function backoffMs(attempt: number, error: AlipayError): number {
    const cap = Math.min(backoffMax, backoffBase * 2 ** (attempt - 1));
    const jitter = Math.floor(random() * cap);
    const after = error instanceof RateLimitedError ? (error.retryAfterMs ?? 0) : 0;
    return Math.max(after, jitter);
  }

  /** Waits before the next attempt; false when the wait would cross the deadline. */
  async function pause(attempt: number, error: AlipayError, deadline: Deadline): Promise<boolean> {
    const delay = backoffMs(attempt, error);
    if (now() + delay >= deadline.at) return false;
    await sleep(delay);
    return true;
  }

  async function execute<T>(req: Request<T>): Promise<AlipayResult<T>> {
    const deadline = { at: now() + deadlineMs };
    let last: AlipayError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let r: Attempt<T>;
      try {
        r = await attemptOnce(req, attempt, deadline);
      } catch (err) {
        if (err instanceof TimeoutError && last) throw last;
        throw err;
      }
      if (r.ok) return { data: r.data, requestId: req.requestId, traceId: r.traceId, attempts: attempt };
      last = r.error;
      if (!r.error.retryable || attempt === maxAttempts) break;
      if (!(await pause(attempt, r.error, deadline))) break;
    }
    throw last ?? new TimeoutError("no attempt was made", true, { endpoint: req.endpoint.name, requestId: req.requestId });
  }

  function request<T>(
    endpoint: Endpoint,
    body: Record<string, unknown> | null,
    ctx: CallContext,
    schema: z.ZodType<T>,
    price: (data: T, raw: string, reqBody: string) => Cost,
    pathWithQuery: string = endpoint.path,
  ): Request<T> {
    const raw = body === null ? "" : JSON.stringify(body);
    return {
      endpoint,
      pathWithQuery,
      body: raw,
      requestId: createRequestId(),
      schema,
      price: (data, rawResponse) => price(data, rawResponse, raw),
      timeoutMs: endpoint.ai ? aiTimeout : otherTimeout,
      ctx,
    };
  }

  const priced = (listed: Micro, billing: Billing | undefined, fallbackTier: Tier): Cost =>
    billing
      ? { cost: billing.fee, fee: 0, tier: billing.tier, priceVersion: null }
      : { cost: listed, fee: 0, tier: fallbackTier, priceVersion: table.version };
  const free = (): Cost => ({ ...FREE, tier: "standard" });

  /** conversation_id is what makes an AI retry free and undecided-twice: fill it once, reuse it. */
  function aiBody<B extends { conversation_id?: string }>(body: B): B & { conversation_id: string } {
    return { ...body, conversation_id: body.conversation_id ?? randomUUID() };
  }

  function batchItemPrice(item: BatchItem): Micro {
    switch (item.type) {
      case "risk_score":
        return callPrice({ endpoint: "risk_score", crossBorder: item.body.cross_border === true }, "batch", table);
      case "refund_assess":
        return callPrice({ endpoint: "refund_assess", chars: countChars(JSON.stringify(item.body)) }, "batch", table);
      case "dispute_analyze":
        return callPrice({ endpoint: "dispute_analyze" }, "batch", table);
    }
  }

  const amountFields = ["amount", "refund_amount", "trade_amount"] as const;

  async function refundQueryCall(body: RefundQueryRequest, ctx: CallContext) {
    const valid = validate(refundQueryRequestSchema, body, "refundQuery");
    return request(ENDPOINTS.refundQuery, valid, ctx, refundQueryResponseSchema, free);
  }

  return {
    appId,

    async riskScore(body, ctx) {
      const wire = wireAmounts(aiBody(validate(riskScoreRequestSchema, body, "riskScore")), amountFields);
      return execute(
        request(ENDPOINTS.riskScore, wire, ctx, riskScoreResponseSchema, (d) =>
          priced(callPrice({ endpoint: "risk_score", crossBorder: wire.cross_border === true }, "standard", table), d.billing, "standard"),
        ),
      );
    },

    async refundAssess(body, ctx) {
      const wire = wireAmounts(aiBody(validate(refundAssessRequestSchema, body, "refundAssess")), amountFields);
      return execute(
        request(ENDPOINTS.refundAssess, wire, ctx, refundAssessResponseSchema, (d, raw, reqBody) =>
          priced(
            callPrice({ endpoint: "refund_assess", chars: countChars(reqBody) + countChars(raw) }, "standard", table),
            d.billing,
            "standard",
          ),
        ),
      );
    },

    async disputeAnalyze(body, ctx) {
      const wire = wireAmounts(aiBody(validate(disputeAnalyzeRequestSchema, body, "disputeAnalyze")), amountFields);
      return execute(
        request(ENDPOINTS.disputeAnalyze, wire, ctx, disputeAnalyzeResponseSchema, (d) =>
          priced(callPrice({ endpoint: "dispute_analyze" }, "standard", table), d.billing, "standard"),
        ),
      );
    },

    async batchSubmit(body, ctx) {
      if (body.items.length === 0 || body.items.length > 100) throw new TypeError("a batch holds 1 to 100 items");
      const items = body.items.map((item) => {
        const schema =
          item.type === "risk_score"
            ? riskScoreRequestSchema
            : item.type === "refund_assess"
              ? refundAssessRequestSchema
              : disputeAnalyzeRequestSchema;
        const valid = aiBody(validate(schema as typeof aiContextSchema, item.body, `batch ${item.type}`));
        return { ...(item.custom_id ? { custom_id: item.custom_id } : {}), type: item.type, body: wireAmounts(valid, amountFields) };
      });
      const listed = body.items.reduce((sum, item) => sum + batchItemPrice(item), 0);
      // the batch is billed once, at submit; polls are free
      return execute(request(ENDPOINTS.batchSubmit, { items }, ctx, batchSubmitResponseSchema, (d) => priced(listed, d.billing, "batch")));
    },

    async batchPoll({ batch_id }, ctx) {
      const path = ENDPOINTS.batchPoll.path.replace("{batch_id}", encodeURIComponent(batch_id));
      return execute(
        request(ENDPOINTS.batchPoll, null, ctx, batchPollResponseSchema, () => ({ ...FREE, tier: "batch" }), path),
      );
    },

    async refund(body, ctx) {
      const valid = validate(refundRequestSchema, body, "refund");
      const wire = wireAmounts(valid, ["refund_amount"]);
      const fee = refundFee(valid.refund_amount, table);
      const withFee = (d: { fund_change: "Y" | "N" }): Cost => ({
        cost: 0,
        fee: d.fund_change === "Y" ? fee : 0,
        tier: "standard",
        priceVersion: table.version,
        feeRef: valid.out_request_no,
      });
      const refundReq = request(ENDPOINTS.refund, wire, ctx, refundResponseSchema, withFee);
      const queryBody = {
        out_request_no: valid.out_request_no,
        ...(valid.out_trade_no ? { out_trade_no: valid.out_trade_no } : { trade_no: valid.trade_no }),
      };
      // A query that confirms a lost refund carries its transaction fee (money moved on our request)
      // unless an earlier run already recorded it: the ledger keeps one fee per feeRef.
      const queryReq: Request<RefundQueryResponse> = {
        ...(await refundQueryCall(queryBody, ctx)),
        price: (d) =>
          d.refund_status === "REFUND_SUCCESS"
            ? { cost: 0, fee, tier: "standard", priceVersion: table.version, feeRef: valid.out_request_no }
            : free(),
      };

      const deadline = { at: now() + deadlineMs };
      let attempts = 0;
      let sends = 0;
      let queries = 0;
      let unknown = false;
      let last: AlipayError | undefined;
      const info = () => ({ endpoint: ENDPOINTS.refund.name, requestId: refundReq.requestId, cause: last });

      while (sends < maxAttempts || (unknown && queries < maxAttempts)) {
        try {
          if (unknown) {
            if (queries >= maxAttempts) break;
            const q = await attemptOnce(queryReq, ++queries, deadline);
            attempts++;
            if (q.ok) {
              if (q.data.refund_status === "REFUND_SUCCESS") {
                return {
                  data: {
                    out_trade_no: q.data.out_trade_no ?? valid.out_trade_no ?? null,
                    trade_no: q.data.trade_no ?? valid.trade_no ?? null,
                    out_request_no: valid.out_request_no,
                    refund_amount: valid.refund_amount,
                    refund_fee: null,
                    fund_change: "Y",
                    gmt_refund_pay: q.data.gmt_refund_pay ?? null,
                    confirmedBy: "query",
                  },
                  requestId: refundReq.requestId,
                  traceId: q.traceId,
                  attempts,
                };
              }
              unknown = false; // Alipay says it did not happen: resending the identical request is safe
            } else if (q.error instanceof BusinessError && !q.error.retryable) {
              unknown = false; // e.g. ACQ.TRADE_NOT_EXIST: the refund itself will give the definitive answer
            } else if (!q.error.retryable) {
              last = q.error; // an unverifiable or unreadable query answer settles nothing
              break;
            } else {
              if (!(await pause(queries, q.error, deadline))) break;
              continue;
            }
          }
          if (sends >= maxAttempts) break;
          const r = await attemptOnce(refundReq, ++sends, deadline);
          attempts++;
          if (r.ok) {
            return {
              data: {
                out_trade_no: r.data.out_trade_no,
                trade_no: r.data.trade_no,
                out_request_no: valid.out_request_no,
                refund_amount: valid.refund_amount,
                refund_fee: r.data.refund_fee,
                fund_change: r.data.fund_change,
                gmt_refund_pay: r.data.gmt_refund_pay ?? null,
                confirmedBy: "response",
              },
              requestId: refundReq.requestId,
              traceId: r.traceId,
              attempts,
            };
          }
          last = r.error;
          if (r.outcome === "RATE_LIMITED") {
            // rejected before processing: resend without a query
          } else if (r.outcome === "BUSINESS_ERROR" || (r.outcome === "MALFORMED" && !r.twoXX)) {
            throw r.error;
          } else {
            unknown = true; // timeout, dropped connection, 5xx, SYSTEM_ERROR, unverifiable 2xx
          }
          if (!(await pause(sends, r.error, deadline))) break;
        } catch (err) {
          if (err instanceof TimeoutError && err.deadlineExceeded) break;
          // Throttled after a request went out: what it did is settled below (unknown → query first).
          if (err instanceof ThrottledError && attempts > 0) break;
          throw err;
        }
      }
      if (unknown) throw new UnknownOutcomeError("refund outcome unknown: query it before acting", info());
      throw last ?? new TimeoutError("deadline exceeded before the refund was sent", true, info());
    },

    async refundQuery(body, ctx) {
      return execute(await refundQueryCall(body, ctx));
    },

    async complaintBatchQuery(body, ctx) {
      const valid = validate(complaintBatchQueryRequestSchema, body, "complaintBatchQuery");
      return execute(request(ENDPOINTS.complaintBatchQuery, valid, ctx, complaintBatchQueryResponseSchema, free));
    },

    async complaintGet({ complain_event_id }, ctx) {
      const path = ENDPOINTS.complaintGet.path.replace("{complain_event_id}", encodeURIComponent(complain_event_id));
      return execute(request(ENDPOINTS.complaintGet, null, ctx, complaintSchema, free, path));
    },

    async complaintFeedback(body, ctx) {
      const valid = validate(complaintFeedbackRequestSchema, body, "complaintFeedback");
      return execute(request(ENDPOINTS.complaintFeedback, valid, ctx, complaintFeedbackResponseSchema, free));
    },
  };
}
