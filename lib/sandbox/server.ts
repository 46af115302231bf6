import { createPrivateKey, createPublicKey, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { loadPem } from "@/lib/alipay/keys";
import { AUTH_SCHEME, isTimestampFresh, parseAuthorization, signParams, signResponse, verifyRequest } from "@/lib/alipay/sign";
import { AiService } from "./ai";
import type { AiEndpoint } from "./billing";
import { createComplaint, complaintView, feedback, batchQuery, getComplaint, setComplaintStatus, type ComplaintView, type CreateComplaintInput } from "./complaints";
import { ApiError, errorBody, invalidParameter } from "./errors";
import { FaultInjector, faultRuleSchema, type FaultRule, type FaultRuleInput, type FaultKind } from "./faults";
import { formatFee, formatFen, parseYuan } from "./money";
import { createTrade, queryRefund, refund, tradeView, type CreateTradeInput, type TradeView } from "./refunds";
import { createRng, hashSeed } from "./rng";
import { COMPLAINT_STATUSES, SandboxStore, type ComplaintRecord, type ComplaintStatus, type Scope } from "./store";
import { UsageCounters, type UsageView } from "./usage";

export interface ComplaintNotification {
  /** the classic gateway.do message params, signed with the Alipay private key (verify with verifyParams) */
  params: Record<string, string>;
  complainEventId: string;
  status: ComplaintStatus;
}

export interface SandboxOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  appId: string;
  /** the app's public key, PEM text or file path: verifies requests */
  appPublicKey: string;
  /** Alipay's private key, PEM text or file path: signs responses and notifications */
  alipayPrivateKey: string;
  /** [min, max] per response; default [200, 500] */
  latencyMs?: [number, number];
  /** per app id over a sliding window; default 100 */
  rateLimitPerMinute?: number;
  /** the window the limit applies to; default 60 000 ms */
  rateLimitWindowMs?: number;
  /** accepted distance between a request timestamp and now; default 5 minutes */
  maxClockSkewMs?: number;
  faults?: FaultRuleInput[];
  drift?: boolean;
  /** score shift while drift is on; default 0.2 */
  driftShift?: number;
  seed?: string | number;
  /** a URL (form POST, like Alipay's message push) or a callback for complaint changes */
  notify?: string | ((n: ComplaintNotification) => void | Promise<void>);
  /** persist trades, refunds and complaints here (JSON) */
  stateFile?: string;
  /** how long a batch stays PROCESSING; default 3000 ms */
  batchCompletionMs?: number;
  /** null balance = unlimited (default) */
  sellerBalance?: string | null;
  /** app_auth_token -> merchant app id, issued at start (see authorize) */
  authorizations?: Record<string, string>;
  log?: (line: string) => void;
}

export interface RequestLogEntry {
  at: number;
  method: string;
  path: string;
  status: number | "dropped";
  appId?: string;
  requestId?: string;
  traceId: string;
  code?: string;
  fault?: FaultKind;
}

export interface NotificationLogEntry {
  complainEventId: string;
  status: ComplaintStatus;
  at: number;
  delivered: boolean | null;
  error?: string;
}

export interface SandboxState {
  url: string;
  appId: string;
  drift: boolean;
  latencyMs: [number, number];
  rateLimitPerMinute: number;
  sellerBalance: string | null;
  trades: TradeView[];
  complaints: ComplaintView[];
  faults: FaultRule[];
  billing: {
    totalFee: string;
    chargedCalls: number;
    replayedCalls: number;
    byEndpoint: Record<string, { calls: number; fee: string }>;
  };
  requests: { total: number; byStatus: Record<string, number>; recent: RequestLogEntry[] };
  notifications: NotificationLogEntry[];
  /** the sandbox's own count per app and rate-limit window, and per conversation (see usage.ts) */
  usage: UsageView;
}

export interface Sandbox {
  url: string;
  port: number;
  appId: string;
  close(): Promise<void>;
  setFaults(rules: FaultRuleInput[]): FaultRule[];
  addFault(rule: FaultRuleInput): FaultRule;
  clearFaults(): void;
  setDrift(enabled: boolean): void;
  setLatency(range: [number, number]): void;
  setRateLimit(perMinute: number): void;
  /** yuan string, or null for unlimited */
  setSellerBalance(balance: string | null): void;
  createTrade(input: CreateTradeInput): TradeView;
  createComplaint(input?: CreateComplaintInput): ComplaintView;
  setComplaintStatus(id: string, status: ComplaintStatus): ComplaintView;
  /**
   * Lets the app act for a merchant's app, as Alipay does once the merchant authorizes it: calls
   * with the returned app_auth_token see that merchant's trades and complaints only. Idempotent for
   * a given token.
   */
  authorize(authAppId: string, token?: string): string;
  state(): SandboxState;
  /** forget trades, complaints, conversations, batches, faults, nonces and counters */
  reset(): void;
}

const MAX_BODY_BYTES = 1 << 20;
const RECENT_REQUESTS = 200;

type Json = Record<string, unknown>;

interface Outcome {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  code?: string;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const appPublicKey: KeyObject = createPublicKey(loadPem(options.appPublicKey));
  const alipayPrivateKey: KeyObject = createPrivateKey(loadPem(options.alipayPrivateKey));
  const seed = String(options.seed ?? "sandbox");
  const maxSkewMs = options.maxClockSkewMs ?? 5 * 60_000;
  const windowMs = options.rateLimitWindowMs ?? 60_000;
  const log = options.log ?? (() => {});

  let drift = options.drift ?? false;
  let latency: [number, number] = options.latencyMs ?? [200, 500];
  let rateLimit = options.rateLimitPerMinute ?? 100;

  const store = new SandboxStore(options.stateFile);
  for (const [token, authAppId] of Object.entries(options.authorizations ?? {})) store.authorize(token, authAppId);
  if (options.sellerBalance !== undefined) store.sellerBalanceFen = options.sellerBalance === null ? null : requireYuan(options.sellerBalance);
  const faults = new FaultInjector(createRng(hashSeed(seed, "faults")));
  faults.set(options.faults ?? []);
  const latencyRng = createRng(hashSeed(seed, "latency"));
  const usage = new UsageCounters(windowMs);
  const ai = new AiService(
    () => ({ seed, drift, driftShift: options.driftShift ?? 0.2 }),
    () => options.batchCompletionMs ?? 3000,
    usage,
  );

  const nonces = new Map<string, number>();
  let lastNoncePrune = 0;
  const windows = new Map<string, { times: number[]; head: number }>();
  const recent: RequestLogEntry[] = [];
  const byStatus: Record<string, number> = {};
  let totalRequests = 0;
  const notifications: NotificationLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let url = "";

  const sleep = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            timers.delete(t);
            resolve();
          }, ms);
          timers.add(t);
        });

  function record(entry: RequestLogEntry): void {
    totalRequests += 1;
    const key = String(entry.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
    recent.push(entry);
    if (recent.length > RECENT_REQUESTS) recent.shift();
  }

  /** The calling app, and whose records it sees: the merchant app its app_auth_token stands for, or its own. */
  function authenticate(req: IncomingMessage, target: string, raw: string, now: number): { appId: string; scope: Scope } {
    const auth = parseAuthorization(header(req, "authorization"));
    if (!auth || auth.scheme !== AUTH_SCHEME) throw new ApiError(401, "invalid-signature", "missing or malformed authorization header");
    if (!auth.timestamp) throw new ApiError(401, "missing-timestamp", "authorization has no timestamp");
    if (auth.appId !== options.appId) throw new ApiError(401, "invalid-signature", "unknown app_id");
    if (!auth.nonce) throw new ApiError(401, "invalid-signature", "authorization has no nonce");
    const ok = verifyRequest({
      publicKey: appPublicKey,
      signature: auth.signature,
      authString: auth.authString,
      method: req.method ?? "GET",
      pathWithQuery: target,
      body: raw,
      appAuthToken: header(req, "alipay-app-auth-token"),
    });
    if (!ok) throw new ApiError(401, "invalid-signature", "request signature does not verify with the app public key");
    const token = header(req, "alipay-app-auth-token");
    const scope = token === undefined ? null : (store.authorizations.get(token) ?? null);
    if (token !== undefined && scope === null) throw new ApiError(401, "invalid-auth-token", "app_auth_token is not valid for this app");
    if (!isTimestampFresh(auth.timestamp, now, maxSkewMs)) {
      throw new ApiError(401, "invalid-signature", `timestamp is more than ${maxSkewMs / 1000}s away from gateway time`);
    }
    const nonceKey = `${auth.appId}\u0000${auth.nonce}`;
    if (nonces.has(nonceKey)) throw new ApiError(401, "invalid-signature", "nonce already used (replayed request)");
    nonces.set(nonceKey, now + maxSkewMs * 2);
    if (now - lastNoncePrune > 10_000) {
      lastNoncePrune = now;
      for (const [k, expires] of nonces) if (expires < now) nonces.delete(k);
    }
    return { appId: auth.appId, scope };
  }

  /** Sliding window: at most `rateLimit` accepted calls in any `windowMs` (a queue with a moving head). */
  function admit(appId: string, now: number): void {
    let w = windows.get(appId);
    if (!w) windows.set(appId, (w = { times: [], head: 0 }));
    while (w.head < w.times.length && (w.times[w.head] ?? 0) <= now - windowMs) w.head += 1;
    if (w.head > 1024 && w.head * 2 > w.times.length) {
      w.times = w.times.slice(w.head);
      w.head = 0;
    }
    if (w.times.length - w.head >= rateLimit) {
      usage.rateLimited(appId, now, false);
      const retryAfter = Math.max(1, Math.ceil(((w.times[w.head] ?? now) + windowMs - now) / 1000));
      throw new ApiError(429, "app-call-limited", `app call limit of ${rateLimit} per minute exceeded`, { "retry-after": String(retryAfter) });
    }
    w.times.push(now);
    usage.rateLimited(appId, now, true);
  }

  function route(method: string, pathname: string, req: IncomingMessage, { appId, scope }: { appId: string; scope: Scope }, raw: string, body: unknown, now: number): Outcome {
    const ok = (b: unknown): Outcome => ({ status: 200, body: b });
    const aiEndpoint = AI_ROUTES[pathname];
    if (aiEndpoint) return ok(ai.call(appId, requireMethod(method, "POST", aiEndpoint), raw, body));
    if (pathname === "/v3/alipay/ai/batch") return ok(ai.submitBatch(appId, header(req, "alipay-request-id"), requireMethod(method, "POST", body), now));
    if (pathname.startsWith("/v3/alipay/ai/batch/")) {
      return ok(ai.getBatch(appId, decodeURIComponent(pathname.slice("/v3/alipay/ai/batch/".length)), requireMethod(method, "GET", now)));
    }
    if (pathname === "/v3/alipay/trade/refund") return ok(refund(store, requireMethod(method, "POST", body), now, scope));
    if (pathname === "/v3/alipay/trade/fastpay/refund/query") return ok(queryRefund(store, requireMethod(method, "POST", body), scope));
    if (pathname === "/v3/alipay/merchant/tradecomplain/batchquery") return ok(batchQuery(store, requireMethod(method, "POST", body), scope));
    if (pathname === "/v3/alipay/merchant/tradecomplain/feedback") {
      const { complaint, changed } = feedback(store, requireMethod(method, "POST", body), now, scope);
      if (changed) notify(complaint);
      return ok({ complain_event_id: complaint.complainEventId, status: complaint.status });
    }
    if (pathname.startsWith("/v3/alipay/merchant/tradecomplain/")) {
      const id = decodeURIComponent(pathname.slice("/v3/alipay/merchant/tradecomplain/".length));
      const { feedbacks: _feedbacks, ...detail } = getComplaint(store, requireMethod(method, "GET", id), scope);
      return ok(detail);
    }
    throw new ApiError(404, "invalid-method", `no such API: ${method} ${pathname}`);
  }

  function notify(complaint: ComplaintRecord): void {
    const target = options.notify;
    const entry: NotificationLogEntry = { complainEventId: complaint.complainEventId, status: complaint.status, at: Date.now(), delivered: null };
    notifications.push(entry);
    if (!target) return;
    const params: Record<string, string> = {
      notify_id: randomUUID().replaceAll("-", ""),
      utc_timestamp: String(Date.now()),
      msg_method: "alipay.merchant.tradecomplain.changed",
      app_id: options.appId,
      // an app acting for a merchant hears of that merchant's complaints with the merchant's app id
      ...(complaint.authAppId && { auth_app_id: complaint.authAppId }),
      version: "1.1",
      charset: "utf-8",
      biz_content: JSON.stringify({ complain_event_id: complaint.complainEventId, status: complaint.status }),
    };
    params.sign = signParams(params, alipayPrivateKey);
    params.sign_type = "RSA2";
    const delivery =
      typeof target === "string"
        ? fetch(target, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body: new URLSearchParams(params).toString() }).then(async (r) => {
            const text = await r.text();
            // Alipay expects the literal "success" and retries otherwise
            if (!r.ok || text.trim() !== "success") throw new Error(`HTTP ${r.status}: ${text.slice(0, 100)}`);
          })
        : Promise.resolve().then(() => target({ params, complainEventId: complaint.complainEventId, status: complaint.status }));
    delivery.then(
      () => {
        entry.delivered = true;
      },
      (e: unknown) => {
        entry.delivered = false;
        entry.error = e instanceof Error ? e.message : String(e);
        log(`sandbox: complaint notification for ${complaint.complainEventId} failed: ${entry.error}`);
      },
    );
  }

  function send(res: ServerResponse, outcome: Outcome, traceId: string, signing: "good" | "bad" | "none"): void {
    const text = JSON.stringify(outcome.body);
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "alipay-trace-id": traceId,
      ...outcome.headers,
    };
    if (signing !== "none") {
      const signed = signResponse({ privateKey: alipayPrivateKey, body: text });
      if (signing === "bad") signed["alipay-signature"] = corrupt(signed["alipay-signature"]);
      Object.assign(headers, signed);
    }
    res.writeHead(outcome.status, headers);
    res.end(text);
  }

  function faultResponse(rule: FaultRule, pathname: string): Outcome {
    switch (rule.kind) {
      case "rate_limit":
        return {
          status: 429,
          code: "app-call-limited",
          body: errorBody("app-call-limited", rule.message ?? "app call limit exceeded (injected)"),
          headers: { "retry-after": String(rule.retryAfterSeconds ?? 1) },
        };
      case "error_200": {
        const code = rule.code ?? (pathname.startsWith("/v3/alipay/trade/") ? "ACQ.SYSTEM_ERROR" : "unknow-error");
        return { status: rule.status ?? 200, code, body: { code, message: rule.message ?? "system error (injected)" } };
      }
      default: {
        const code = rule.code ?? "unknow-error";
        return { status: rule.status ?? 503, code, body: errorBody(code, rule.message ?? "service unavailable (injected)") };
      }
    }
  }

  async function handleGateway(req: IncomingMessage, res: ServerResponse, target: string, pathname: string, raw: string): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const now = Date.now();
    const traceId = randomBytes(16).toString("hex");
    const entry: RequestLogEntry = { at: now, method, path: pathname, status: 0, traceId, requestId: header(req, "alipay-request-id") };
    const [lo, hi] = latency;
    const delay = lo + Math.floor(latencyRng() * (Math.max(hi, lo) - lo + 1));

    let outcome: Outcome;
    let fault: FaultRule | null = null;
    try {
      const caller = authenticate(req, target, raw, now);
      entry.appId = caller.appId;
      admit(caller.appId, now);
      fault = faults.pick(method, pathname);
      if (fault) entry.fault = fault.kind;
      if (fault?.phase === "before" && fault.kind === "slow") await sleep(fault.delayMs ?? 2000);
      if (fault?.phase === "before" && fault.kind === "drop") {
        await sleep(delay);
        return drop(req, res, entry);
      }
      if (fault?.phase === "before" && isReplacing(fault.kind)) {
        outcome = faultResponse(fault, pathname);
      } else {
        const body = parseJsonBody(method, raw);
        outcome = route(method, pathname, req, caller, raw, body, now);
        if (fault?.phase === "after" && isReplacing(fault.kind)) outcome = faultResponse(fault, pathname);
      }
    } catch (e) {
      if (!(e instanceof ApiError)) {
        log(`sandbox: ${method} ${pathname} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        outcome = { status: 500, code: "unknow-error", body: errorBody("unknow-error", "internal sandbox error") };
      } else {
        outcome = { status: e.status, code: e.code, body: errorBody(e.code, e.message), headers: e.headers };
      }
    }

    await sleep(delay + (fault?.phase === "after" && fault.kind === "slow" ? (fault.delayMs ?? 2000) : 0));
    if (fault?.kind === "drop") return drop(req, res, entry);
    const html = fault?.kind === "non_json";
    entry.status = html ? (fault?.status ?? 502) : outcome.status;
    entry.code = html ? undefined : (outcome.code ?? (isRecord(outcome.body) && typeof outcome.body.code === "string" ? outcome.body.code : undefined));
    record(entry);
    if (res.destroyed) return;
    if (html) {
      res.writeHead(entry.status, { "content-type": "text/html; charset=utf-8" });
      res.end("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>sandbox-proxy</center></body></html>");
      return;
    }
    const signing = fault?.kind === "bad_signature" ? "bad" : fault?.kind === "missing_signature" ? "none" : "good";
    send(res, outcome, traceId, signing);
  }

  function drop(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry): void {
    entry.status = "dropped";
    record(entry);
    res.destroy();
    req.socket.destroy();
  }

  // ------------------------------------------------------------------ control API (unsigned, local)

  const api: Sandbox = {
    url: "",
    port: 0,
    appId: options.appId,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
    setFaults: (rules) => faults.set(rules),
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    setDrift: (enabled) => {
      drift = enabled;
    },
    setLatency: (range) => {
      latency = [Math.max(0, range[0]), Math.max(0, range[1])];
    },
    setRateLimit: (perMinute) => {
      rateLimit = perMinute;
    },
    setSellerBalance: (balance) => {
      store.sellerBalanceFen = balance === null ? null : requireYuan(balance);
      store.save();
    },
    createTrade: (input) => createTrade(store, input, Date.now()),
    createComplaint: (input = {}) => {
      const c = createComplaint(store, input, Date.now());
      notify(c);
      return complaintView(c);
    },
    setComplaintStatus: (id, status) => {
      const c = setComplaintStatus(store, id, status, Date.now());
      notify(c);
      return complaintView(c);
    },
    authorize: (authAppId, token = `${authAppId}${randomBytes(16).toString("hex")}`) => {
      const input = z.object({ authAppId: z.string().min(1).max(32), token: z.string().min(8).max(128) }).safeParse({ authAppId, token });
      if (!input.success) throw invalidParameter(z.prettifyError(input.error));
      const issued = store.authorizations.get(token);
      if (issued !== undefined && issued !== authAppId) throw invalidParameter(`app_auth_token is already issued for app ${issued}`);
      store.authorize(token, authAppId);
      return token;
    },
    state: () => {
      let totalMicro = 0;
      let chargedCalls = 0;
      const byEndpoint: Record<string, { calls: number; fee: string }> = {};
      for (const [endpoint, t] of ai.charges) {
        totalMicro += t.micro;
        chargedCalls += t.calls;
        byEndpoint[endpoint] = { calls: t.calls, fee: formatFee(t.micro) };
      }
      return {
        url,
        appId: options.appId,
        drift,
        latencyMs: [...latency],
        rateLimitPerMinute: rateLimit,
        sellerBalance: store.sellerBalanceFen === null ? null : formatFen(store.sellerBalanceFen),
        trades: [...store.trades.values()].map(tradeView),
        complaints: [...store.complaints.values()].map(complaintView),
        faults: faults.list(),
        billing: {
          totalFee: formatFee(totalMicro),
          chargedCalls,
          replayedCalls: ai.replays,
          byEndpoint,
        },
        requests: { total: totalRequests, byStatus: { ...byStatus }, recent: recent.map((r) => ({ ...r })) },
        notifications: notifications.map((n) => ({ ...n })),
        usage: usage.view(rateLimit),
      };
    },
    reset: () => {
      store.reset();
      ai.reset();
      usage.reset();
      faults.clear();
      nonces.clear();
      windows.clear();
      recent.length = 0;
      notifications.length = 0;
      totalRequests = 0;
      for (const k of Object.keys(byStatus)) delete byStatus[k];
    },
  };

  function control(method: string, pathname: string, raw: string): Outcome {
    const body = raw ? (JSON.parse(raw) as unknown) : {};
    const ok = (b: unknown): Outcome => ({ status: 200, body: b });
    const p = pathname.replace(/\/+$/, "");
    if (p === "/__sandbox/state" && method === "GET") return ok(api.state());
    if (p === "/__sandbox/reset" && method === "POST") {
      api.reset();
      return ok({ ok: true });
    }
    if (p === "/__sandbox/trades" && method === "POST") return ok(api.createTrade(body as CreateTradeInput));
    if (p === "/__sandbox/complaints" && method === "POST") return ok(api.createComplaint(body as CreateComplaintInput));
    if (p === "/__sandbox/authorizations" && method === "POST") {
      const { auth_app_id, app_auth_token } = z.object({ auth_app_id: z.string(), app_auth_token: z.string().optional() }).parse(body);
      return ok({ auth_app_id, app_auth_token: api.authorize(auth_app_id, app_auth_token) });
    }
    const statusMatch = /^\/__sandbox\/complaints\/([^/]+)\/status$/.exec(p);
    if (statusMatch?.[1] && method === "POST") {
      const { status } = z.object({ status: z.enum(COMPLAINT_STATUSES) }).parse(body);
      return ok(api.setComplaintStatus(decodeURIComponent(statusMatch[1]), status));
    }
    if (p === "/__sandbox/faults") {
      if (method === "DELETE") {
        api.clearFaults();
        return ok({ faults: [] });
      }
      if (method === "POST") {
        const input = z
          .union([z.array(faultRuleSchema), z.object({ faults: z.array(faultRuleSchema), mode: z.enum(["replace", "append"]).optional() }), faultRuleSchema])
          .parse(body);
        if (Array.isArray(input)) return ok({ faults: api.setFaults(input) });
        if ("faults" in input) {
          if (input.mode === "append") input.faults.forEach((f) => api.addFault(f));
          else api.setFaults(input.faults);
          return ok({ faults: faults.list() });
        }
        api.addFault(input);
        return ok({ faults: faults.list() });
      }
      if (method === "GET") return ok({ faults: faults.list() });
    }
    if (p === "/__sandbox/drift" && method === "POST") {
      api.setDrift(z.object({ enabled: z.boolean() }).parse(body).enabled);
      return ok({ drift });
    }
    if (p === "/__sandbox/latency" && method === "POST") {
      const { min, max } = z.object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() }).parse(body);
      api.setLatency([min, max]);
      return ok({ latencyMs: latency });
    }
    if (p === "/__sandbox/rate-limit" && method === "POST") {
      api.setRateLimit(z.object({ per_minute: z.number().int().positive() }).parse(body).per_minute);
      return ok({ rateLimitPerMinute: rateLimit });
    }
    if (p === "/__sandbox/seller-balance" && method === "POST") {
      api.setSellerBalance(z.object({ balance: z.string().nullable() }).parse(body).balance);
      return ok({ sellerBalance: store.sellerBalanceFen === null ? null : formatFen(store.sellerBalanceFen) });
    }
    throw new ApiError(404, "not-found", `no control endpoint ${method} ${pathname}`);
  }

  const server = createServer((req, res) => {
    readBody(req).then(
      async (raw) => {
        const target = req.url ?? "/";
        const pathname = target.split("?")[0] ?? "/";
        if (pathname.startsWith("/__sandbox/")) {
          let outcome: Outcome;
          try {
            outcome = control((req.method ?? "GET").toUpperCase(), pathname, raw);
          } catch (e) {
            outcome =
              e instanceof ApiError
                ? { status: e.status, body: errorBody(e.code, e.message) }
                : { status: 400, body: errorBody("invalid-parameter", e instanceof z.ZodError ? z.prettifyError(e) : e instanceof Error ? e.message : String(e)) };
          }
          res.writeHead(outcome.status, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify(outcome.body));
          return;
        }
        await handleGateway(req, res, target, pathname, raw);
      },
      (e: unknown) => {
        if (res.headersSent || res.destroyed) return;
        const tooLarge = e instanceof ApiError;
        res.writeHead(tooLarge ? 413 : 400, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(errorBody("invalid-parameter", tooLarge ? e.message : "could not read the request body")));
      },
    ).catch((e: unknown) => {
      log(`sandbox: unhandled ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500);
        res.end();
      }
    });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
  api.url = url;
  api.port = address.port;
  return api;
}

const AI_ROUTES: Record<string, AiEndpoint> = {
  "/v3/alipay/ai/risk/score": "risk_score",
  "/v3/alipay/ai/refund/assess": "refund_assess",
  "/v3/alipay/ai/dispute/analyze": "dispute_analyze",
};

/** Faults whose response replaces the real one (as opposed to delaying, dropping or mis-signing it). */
function isReplacing(kind: FaultKind): boolean {
  return kind === "rate_limit" || kind === "server_error" || kind === "error_200" || kind === "non_json";
}

function requireMethod<T>(method: string, wanted: "GET" | "POST", value: T): T {
  if (method !== wanted) throw new ApiError(405, "invalid-method", `use ${wanted}`);
  return value;
}

function parseJsonBody(method: string, raw: string): unknown {
  if (method === "GET" || method === "HEAD" || raw === "") return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ApiError(400, "invalid-parameter", "body is not JSON");
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function requireYuan(text: string): number {
  const fen = parseYuan(text);
  if (fen === null) throw new ApiError(400, "invalid-parameter", `not a yuan amount: ${text}`);
  return fen;
}

/** A well-formed base64 signature that does not verify. */
function corrupt(signature: string): string {
  const buf = Buffer.from(signature, "base64");
  buf[0] = (buf[0] ?? 0) ^ 0xff;
  return buf.toString("base64");
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, "invalid-parameter", "request body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
