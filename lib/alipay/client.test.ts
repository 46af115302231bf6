import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAlipayClient, type AlipayClientConfig } from "./client";
import {
  BusinessError,
  MalformedResponseError,
  RateLimitedError,
  ServerError,
  SignatureInvalidError,
  ThrottledError,
  TimeoutError,
  UnknownOutcomeError,
} from "./errors";
import { generateRsaKeyPair } from "./keys";
import { startSandbox, type Sandbox } from "../sandbox";
import { createTestDb, type TestDb } from "../testing/db";
import { memoryLedger, prismaLedger } from "./ledger";
import { abortableSleep, type RateLimiter } from "./rate-limit";
import { parseAuthorization, signResponse, verifyRequest } from "./sign";

const app = generateRsaKeyPair();
const alipay = generateRsaKeyPair();
const ctx = { merchantId: "m1", caseId: "case-1" };

interface Seen {
  method: string;
  url: string;
  requestId: string;
  nonce: string;
  body: string;
  verified: boolean;
}
interface Reply {
  status?: number;
  body?: unknown;
  raw?: string;
  sign?: "good" | "bad" | "none";
  delayMs?: number;
  drop?: boolean;
  headers?: Record<string, string>;
}
type Handler = (req: Seen, n: number) => Reply;

/** A scriptable gateway: verifies every request like Alipay, answers what the test says. */
let server: Server;
let baseUrl = "";
let seen: Seen[] = [];
let handler: Handler = () => ({ body: {} });

function aiBody(extra: Record<string, unknown> = {}) {
  return {
    risk_score: 0.12,
    recommendation: "PASS",
    confidence_score: 0.93,
    explanation: "low risk",
    reasoning_log: "prompt… output…",
    model_version: "m-1",
    billing: { fee: "0.02", currency: "CNY", tier: "standard" },
    ...extra,
  };
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const auth = parseAuthorization(req.headers.authorization);
      const verified =
        !!auth &&
        verifyRequest({
          publicKey: app.publicKey,
          signature: auth.signature,
          authString: auth.authString,
          method: req.method ?? "GET",
          pathWithQuery: req.url ?? "/",
          body,
        });
      const s: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        requestId: String(req.headers["alipay-request-id"] ?? ""),
        nonce: auth?.nonce ?? "",
        body,
        verified,
      };
      seen.push(s);
      const reply: Reply = verified ? handler(s, seen.length) : { status: 401, body: { code: "invalid-signature", message: "bad" } };
      const send = () => {
        if (reply.drop) {
          req.socket.destroy();
          return;
        }
        const raw = reply.raw ?? JSON.stringify(reply.body ?? {});
        const headers: Record<string, string> = { "content-type": "application/json", "alipay-trace-id": `trace-${seen.length}`, ...reply.headers };
        const sign = reply.sign ?? "good";
        if (sign !== "none") {
          Object.assign(headers, signResponse({ privateKey: alipay.privateKey, body: sign === "bad" ? `${raw} ` : raw }));
        }
        res.writeHead(reply.status ?? 200, headers);
        res.end(raw);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
});

function client(over: Partial<AlipayClientConfig> = {}) {
  const ledger = memoryLedger();
  const c = createAlipayClient({
    baseUrl,
    appId: "2021000000000001",
    appPrivateKey: app.privateKey,
    alipayPublicKey: alipay.publicKey,
    timeoutMs: 200,
    otherTimeoutMs: 200,
    deadlineMs: 3000,
    maxAttempts: 4,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ledger,
    random: () => 0.5,
    ...over,
  });
  return { c, ledger };
}

describe("AI calls", () => {
  it("signs, verifies, parses and records a risk score", async () => {
    handler = () => ({ body: aiBody() });
    const { c, ledger } = client();
    const r = await c.riskScore({ out_trade_no: "T1", amount: 12_345, locale: "en" }, ctx);
    expect(r.data.risk_score).toBe(0.12);
    expect(r.data.billing?.fee).toBe(20_000);
    expect(r.traceId).toBe("trace-1");
    expect(seen[0]!.verified).toBe(true);
    expect(seen[0]!.requestId).toMatch(/^[0-9a-f]{32}$/);
    const sent = JSON.parse(seen[0]!.body) as Record<string, unknown>;
    expect(sent.amount).toBe("123.45");
    expect(sent.conversation_id).toEqual(expect.any(String));
    expect(ledger.entries).toEqual([
      expect.objectContaining({
        merchantId: "m1",
        caseId: "case-1",
        endpoint: "ai.risk.score",
        requestId: seen[0]!.requestId,
        traceId: "trace-1",
        modelVersion: "m-1",
        httpStatus: 200,
        attempt: 1,
        outcome: "SUCCESS",
        tier: "standard",
        costCny: "0.020000",
        feeCny: "0.000000",
        priceVersion: null,
      }),
    ]);
  });

  it("parses the refund assessment and dispute analysis shapes", async () => {
    handler = (s) =>
      s.url.endsWith("/refund/assess")
        ? { body: aiBody({ suggested_refund_amount: "50.10", sentiment: "NEGATIVE", anomalies: ["repeat"], billing: undefined }) }
        : {
            body: aiBody({
              proposed_feedback_code: "02",
              draft_feedback_content: "refunded",
              evidence_checklist: ["receipt"],
              billing: { fee: "0.035", currency: "CNY", tier: "batch" },
            }),
          };
    const { c, ledger } = client();
    const a = await c.refundAssess({ refund_reason: "broken", refund_amount: 5010 }, ctx);
    expect(a.data.suggested_refund_amount).toBe(5010);
    const d = await c.disputeAnalyze({ complain_event_id: "C1" }, ctx);
    expect(d.data.proposed_feedback_code).toBe("02");
    // no billing in the first answer: the table price (one started thousand characters)
    expect(ledger.entries.map((e) => [e.costCny, e.tier, e.priceVersion])).toEqual([
      ["0.030000", "standard", "2026-11-list"],
      ["0.035000", "batch", null],
    ]);
  });

  it("never returns a 2xx whose signature is bad or missing", async () => {
    for (const sign of ["bad", "none"] as const) {
      seen = [];
      handler = () => ({ body: aiBody(), sign });
      const { c, ledger } = client();
      await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(SignatureInvalidError);
      expect(seen).toHaveLength(1); // not retried: a forged answer does not become right
      expect(ledger.entries[0]).toMatchObject({ outcome: "INVALID_SIGNATURE", costCny: "0.000000" });
    }
  });

  it("checks the body code on HTTP 200", async () => {
    handler = () => ({ body: { code: "invalid-parameter", message: "amount is bad" } });
    const { c, ledger } = client();
    const err = await c.riskScore({}, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessError);
    expect((err as BusinessError).code).toBe("invalid-parameter");
    expect(ledger.entries[0]).toMatchObject({ outcome: "BUSINESS_ERROR", httpStatus: 200, code: "invalid-parameter" });
  });

  it("retries 429 honouring Retry-After, reusing request id and conversation_id", async () => {
    handler = (_s, n) =>
      n <= 2 ? { status: 429, body: { code: "app-call-limited", message: "slow down" }, headers: { "retry-after": "0" } } : { body: aiBody() };
    const slept: number[] = [];
    const { c, ledger } = client({ sleep: async (ms) => void slept.push(ms) });
    const r = await c.riskScore({ conversation_id: "conv-1" }, ctx);
    expect(r.attempts).toBe(3);
    expect(new Set(seen.map((s) => s.requestId)).size).toBe(1);
    expect(new Set(seen.map((s) => s.nonce)).size).toBe(3); // re-signed each time: nonces are single use
    expect(seen.map((s) => (JSON.parse(s.body) as { conversation_id: string }).conversation_id)).toEqual(["conv-1", "conv-1", "conv-1"]);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(ledger.entries.map((e) => [e.attempt, e.outcome])).toEqual([
      [1, "RATE_LIMITED"],
      [2, "RATE_LIMITED"],
      [3, "SUCCESS"],
    ]);
    expect(slept).toEqual([2, 5]); // full jitter (random 0.5) of 5 and 10 ms caps
  });

  it("waits at least Retry-After", async () => {
    handler = (_s, n) => (n === 1 ? { status: 429, body: { code: "app-call-limited" }, headers: { "retry-after": "1" } } : { body: aiBody() });
    const slept: number[] = [];
    const { c } = client({ sleep: async (ms) => void slept.push(ms) });
    await c.riskScore({}, ctx);
    expect(slept).toEqual([1000]);
  });

  it("gives up with RateLimitedError when the storm outlasts the attempts", async () => {
    handler = () => ({ status: 429, body: { code: "app-call-limited" } });
    const { c, ledger } = client();
    const err = await c.riskScore({}, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(ledger.entries).toHaveLength(4);
  });

  it("times out a slow attempt, then retries", async () => {
    handler = (_s, n) => (n === 1 ? { body: aiBody(), delayMs: 400 } : { body: aiBody() });
    const { c, ledger } = client();
    const r = await c.riskScore({}, ctx);
    expect(r.attempts).toBe(2);
    expect(ledger.entries.map((e) => e.outcome)).toEqual(["TIMEOUT", "SUCCESS"]);
    expect(ledger.entries[0]!.latencyMs).toBeGreaterThanOrEqual(190);
  });

  it("stops at the total deadline", async () => {
    handler = () => ({ body: aiBody(), delayMs: 400 });
    const { c } = client({ deadlineMs: 450, maxAttempts: 10 });
    const started = Date.now();
    const err = await c.riskScore({}, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(700);
  });

  it("does not count the wait for our own rate limiter against the deadline", async () => {
    // Many calls in flight across workers: the token is 600 ms away, longer than the whole deadline.
    const slowLimiter: RateLimiter = { acquire: (_app, signal) => abortableSleep(600, signal) };
    handler = () => ({ body: aiBody() });
    const { c } = client({ deadlineMs: 400, rateLimiter: slowLimiter });
    const r = await c.riskScore({}, ctx);
    expect(r.data.risk_score).toBe(0.12);
    expect(seen).toHaveLength(1);
  });

  it("gives up with ThrottledError, nothing sent, when no token comes within limiterWaitMs", async () => {
    const never: RateLimiter = { acquire: (_app, signal) => abortableSleep(60_000, signal) };
    handler = () => ({ body: aiBody() });
    const { c, ledger } = client({ rateLimiter: never, limiterWaitMs: 100 });
    const err = await c.riskScore({}, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThrottledError);
    expect((err as ThrottledError).retryable).toBe(true);
    expect(seen).toHaveLength(0);
    expect(ledger.entries).toHaveLength(0);
    const refund = await c.refund({ out_trade_no: "T1", refund_amount: 100, out_request_no: "R1" }, ctx).catch((e: unknown) => e);
    expect(refund).toBeInstanceOf(ThrottledError);
    expect(seen).toHaveLength(0);
  });

  it("passes a broken limiter's own error on, not as throttling", async () => {
    const broken: RateLimiter = { acquire: async () => Promise.reject(new Error("rate bucket unavailable")) };
    handler = () => ({ body: aiBody() });
    const { c } = client({ rateLimiter: broken, limiterWaitMs: 1_000 });
    const err = await c.riskScore({}, ctx).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ThrottledError);
    expect((err as Error).message).toBe("rate bucket unavailable");
    expect(seen).toHaveLength(0);
  });

  it("retries 5xx and turns a non-JSON proxy page into a typed error", async () => {
    handler = () => ({ status: 502, raw: "<html>bad gateway</html>", sign: "none" });
    const { c, ledger } = client({ maxAttempts: 2 });
    await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(ServerError);
    expect(ledger.entries.map((e) => e.outcome)).toEqual(["SERVER_ERROR", "SERVER_ERROR"]);
  });

  it("reports a signed 2xx that is not JSON or not the schema as malformed", async () => {
    handler = () => ({ raw: "not json" });
    const { c } = client();
    await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(MalformedResponseError);
    handler = () => ({ body: aiBody({ risk_score: 7 }) });
    await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(MalformedResponseError);
  });

  it("keeps keys out of errors", async () => {
    handler = () => ({ body: aiBody(), sign: "bad" });
    const { c } = client();
    const err = (await c.riskScore({}, ctx).catch((e: unknown) => e)) as Error;
    const text = `${err.message} ${JSON.stringify(err)} ${String(err.stack)}`;
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(app.privateKey.split("\n")[1]!);
  });
});

describe("refunds", () => {
  const refundOk = (fundChange: "Y" | "N") => ({
    body: { trade_no: "2026T1", out_trade_no: "T1", refund_fee: "30.00", fund_change: fundChange, gmt_refund_pay: "2026-12-01 10:00:00" },
  });
  const body = { out_trade_no: "T1", refund_amount: 3000, refund_reason: "broken", out_request_no: "R1" };

  it("refunds and charges the 0.6% fee when money moved", async () => {
    handler = () => refundOk("Y");
    const { c, ledger } = client();
    const r = await c.refund(body, ctx);
    expect(r.data).toMatchObject({ refund_amount: 3000, refund_fee: 3000, fund_change: "Y", confirmedBy: "response" });
    expect(JSON.parse(seen[0]!.body)).toEqual({ out_trade_no: "T1", refund_amount: "30.00", refund_reason: "broken", out_request_no: "R1" });
    expect(ledger.entries[0]).toMatchObject({ endpoint: "trade.refund", feeCny: "0.180000", costCny: "0.000000", priceVersion: "2026-11-list" });
  });

  it("charges no fee on a repeat (fund_change N)", async () => {
    handler = () => refundOk("N");
    const { c, ledger } = client();
    await c.refund(body, ctx);
    expect(ledger.entries[0]!.feeCny).toBe("0.000000");
  });

  it("after a dropped response, queries and does not resend when the refund happened", async () => {
    handler = (s) =>
      s.url.endsWith("/trade/refund")
        ? { drop: true }
        : { body: { out_trade_no: "T1", trade_no: "2026T1", out_request_no: "R1", refund_amount: "30.00", refund_status: "REFUND_SUCCESS" } };
    const { c, ledger } = client();
    const r = await c.refund(body, ctx);
    expect(r.data).toMatchObject({ confirmedBy: "query", fund_change: "Y", refund_amount: 3000 });
    expect(seen.map((s) => s.url)).toEqual(["/v3/alipay/trade/refund", "/v3/alipay/trade/fastpay/refund/query"]);
    expect(JSON.parse(seen[1]!.body)).toEqual({ out_request_no: "R1", out_trade_no: "T1" });
    expect(ledger.entries.map((e) => [e.endpoint, e.outcome, e.feeCny])).toEqual([
      ["trade.refund", "NETWORK_ERROR", "0.000000"],
      ["trade.refund.query", "SUCCESS", "0.180000"],
    ]);
  });

  it("after ACQ.SYSTEM_ERROR, queries and resends identical parameters when the refund did not happen", async () => {
    let refunds = 0;
    handler = (s) => {
      if (s.url.endsWith("/refund/query")) return { body: { out_trade_no: "T1", out_request_no: "R1" } };
      refunds++;
      return refunds === 1 ? { body: { code: "ACQ.SYSTEM_ERROR", message: "busy" } } : refundOk("Y");
    };
    const { c, ledger } = client();
    const r = await c.refund(body, ctx);
    expect(r.data.confirmedBy).toBe("response");
    const refundCalls = seen.filter((s) => s.url.endsWith("/trade/refund"));
    expect(refundCalls).toHaveLength(2);
    expect(refundCalls[0]!.body).toBe(refundCalls[1]!.body);
    expect(refundCalls[0]!.requestId).toBe(refundCalls[1]!.requestId);
    expect(ledger.entries.map((e) => e.outcome)).toEqual(["UNKNOWN_OUTCOME", "SUCCESS", "SUCCESS"]);
    expect(ledger.entries.map((e) => e.attempt)).toEqual([1, 1, 2]);
  });

  it("treats a 2xx refund with a bad signature as unknown and asks", async () => {
    handler = (s) =>
      s.url.endsWith("/trade/refund") ? { ...refundOk("Y"), sign: "bad" } : { body: { out_trade_no: "T1", refund_status: "REFUND_SUCCESS" } };
    const { c } = client();
    const r = await c.refund(body, ctx);
    expect(r.data.confirmedBy).toBe("query");
    expect(seen.filter((s) => s.url.endsWith("/trade/refund"))).toHaveLength(1);
  });

  it("does not resend when the query's own answer cannot be verified", async () => {
    handler = (s) => (s.url.endsWith("/trade/refund") ? { drop: true } : { body: { out_trade_no: "T1" }, sign: "bad" });
    const { c, ledger } = client();
    const err = await c.refund(body, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownOutcomeError);
    expect((err as UnknownOutcomeError).cause).toBeInstanceOf(SignatureInvalidError);
    expect(seen.filter((s) => s.url.endsWith("/trade/refund"))).toHaveLength(1);
    expect(ledger.entries.map((e) => e.outcome)).toEqual(["NETWORK_ERROR", "INVALID_SIGNATURE"]);
  });

  it("raises UnknownOutcomeError when neither the refund nor the query answers in time", async () => {
    handler = () => ({ delayMs: 400, body: {} });
    const { c, ledger } = client({ deadlineMs: 800 });
    await expect(c.refund(body, ctx)).rejects.toBeInstanceOf(UnknownOutcomeError);
    expect(seen.filter((s) => s.url.endsWith("/trade/refund"))).toHaveLength(1);
    expect(ledger.entries.every((e) => e.outcome === "TIMEOUT")).toBe(true);
  });

  it("does not retry a business refusal", async () => {
    handler = () => ({ status: 400, body: { code: "ACQ.REASON_TRADE_REFUND_FEE_ERR", message: "over-refund" } });
    const { c } = client();
    const err = await c.refund(body, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessError);
    expect((err as BusinessError).code).toBe("ACQ.REASON_TRADE_REFUND_FEE_ERR");
    expect(seen).toHaveLength(1);
  });

  it("validates the request before sending", async () => {
    const { c } = client();
    await expect(c.refund({ ...body, refund_amount: 12.5 }, ctx)).rejects.toThrow(TypeError);
    await expect(c.refund({ refund_amount: 100, out_request_no: "R" }, ctx)).rejects.toThrow(/out_trade_no/);
    expect(seen).toHaveLength(0);
  });
});

describe("complaints and batch", () => {
  it("gets, lists and answers complaints", async () => {
    const complaint = { complain_event_id: "C1", status: "MERCHANT_PROCESSING", trade_no: "2026T1", trade_amount: "88.00" };
    handler = (s) =>
      s.method === "GET"
        ? { body: complaint }
        : s.url.endsWith("/batchquery")
          ? { body: { page_num: 1, page_size: 20, total_num: 1, trade_complain_infos: [complaint] } }
          : { body: {} };
    const { c } = client();
    const one = await c.complaintGet({ complain_event_id: "C1" }, ctx);
    expect(one.data.trade_amount).toBe(8800);
    expect(seen[0]!.url).toBe("/v3/alipay/merchant/tradecomplain/C1");
    expect(seen[0]!.body).toBe("");
    const list = await c.complaintBatchQuery({ status: "MERCHANT_PROCESSING" }, ctx);
    expect(list.data.trade_complain_infos).toHaveLength(1);
    await c.complaintFeedback({ complain_event_id: "C1", feedback_code: "02", feedback_content: "refunded", operator: "ops" }, ctx);
    await expect(
      c.complaintFeedback({ complain_event_id: "C1", feedback_code: "02", feedback_content: "x".repeat(201) }, ctx),
    ).rejects.toThrow(TypeError);
  });

  it("submits and polls a batch at the batch tier", async () => {
    handler = (s) =>
      s.method === "POST"
        ? { body: { batch_id: "B1", status: "PROCESSING" } }
        : { body: { batch_id: "B1", status: "COMPLETED", items: [{ item_id: "a", type: "risk_score", status: "SUCCESS", result: aiBody() }] } };
    const { c, ledger } = client();
    const sub = await c.batchSubmit(
      {
        items: [
          { custom_id: "a", type: "risk_score", body: { cross_border: true } },
          { custom_id: "b", type: "dispute_analyze", body: {} },
        ],
      },
      ctx,
    );
    expect(sub.data.batch_id).toBe("B1");
    const poll = await c.batchPoll({ batch_id: "B1" }, ctx);
    expect(poll.data.items).toHaveLength(1);
    // no billing in the answer: the table price at the batch tier, 0.035 + 0.035
    expect(ledger.entries.map((e) => [e.endpoint, e.tier, e.costCny, e.priceVersion])).toEqual([
      ["ai.batch.submit", "batch", "0.070000", "2026-11-list"],
      ["ai.batch.poll", "batch", "0.000000", null],
    ]);
  });
});

// ------------------------------------------------------------------ through the real sandbox gateway

describe("against the sandbox", () => {
  let sandbox: Sandbox;
  let db: TestDb;

  beforeAll(async () => {
    sandbox = await startSandbox({
      appId: "2021000000000002",
      appPublicKey: app.publicKey,
      alipayPrivateKey: alipay.privateKey,
      latencyMs: [0, 0],
      rateLimitPerMinute: 10_000,
      batchCompletionMs: 0,
    });
    db = await createTestDb();
  });
  afterAll(async () => {
    await sandbox.close();
    await db.dispose();
  });
  beforeEach(() => {
    sandbox.reset();
  });

  function sbx(over: Partial<AlipayClientConfig> = {}) {
    return client({ baseUrl: sandbox.url, appId: sandbox.appId, ...over });
  }
  const refundCount = (outTradeNo: string) => sandbox.state().trades.find((t) => t.out_trade_no === outTradeNo)?.refund_fee;

  it("scores risk, records the sandbox's billing and model version in the Prisma ledger", async () => {
    const ledger = prismaLedger(db.prisma);
    const { c } = sbx({ ledger });
    const r = await c.riskScore({ out_trade_no: "T100", amount: 19_900, cross_border: true, locale: "zh-CN" }, ctx);
    expect(r.data.recommendation).toMatch(/PASS|REVIEW|REJECT/);
    expect(r.traceId).toMatch(/^[0-9a-f]{32}$/);
    const rows = await db.prisma.apiCall.findMany({ where: { requestId: r.requestId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ endpoint: "ai.risk.score", outcome: "SUCCESS", attempt: 1, httpStatus: 200, traceId: r.traceId });
    expect(rows[0]!.costCny.toFixed(6)).toBe("0.050000");
    expect(rows[0]!.modelVersion).toBe(r.data.model_version);
  });

  it("a dropped AI answer is retried with the same conversation_id and billed once", async () => {
    sandbox.setFaults([{ kind: "drop", path: "/v3/alipay/ai/risk/score", count: 1 }]);
    const { c, ledger } = sbx();
    const r = await c.riskScore({ amount: 5000 }, ctx);
    expect(r.attempts).toBe(2);
    expect(ledger.entries.map((e) => [e.outcome, e.costCny])).toEqual([
      ["NETWORK_ERROR", "0.000000"],
      ["SUCCESS", "0.000000"], // the sandbox replays the decided conversation for free
    ]);
    expect(sandbox.state().billing.chargedCalls).toBe(1);
  });

  it("rides out a 429 storm, a 5xx and a slow answer", async () => {
    sandbox.setFaults([
      { kind: "rate_limit", count: 2, retryAfterSeconds: 0 },
      { kind: "server_error", count: 1 },
      { kind: "slow", count: 1, delayMs: 600 },
    ]);
    const { c, ledger } = sbx({ timeoutMs: 300, backoffMaxMs: 5, maxAttempts: 5 });
    await c.disputeAnalyze({ complain_reason: "not received", content: "still waiting", trade_amount: 8800 }, ctx);
    expect(ledger.entries.map((e) => e.outcome)).toEqual(["RATE_LIMITED", "RATE_LIMITED", "SERVER_ERROR", "TIMEOUT", "SUCCESS"]);
  });

  it("maps bad and missing signatures, HTTP 200 error codes and proxy pages to typed errors", async () => {
    const { c, ledger } = sbx({ maxAttempts: 2 });
    sandbox.setFaults([{ kind: "bad_signature", count: 1 }]);
    await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(SignatureInvalidError);
    sandbox.setFaults([{ kind: "missing_signature", count: 1 }]);
    await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(SignatureInvalidError);
    sandbox.setFaults([{ kind: "error_200", code: "invalid-parameter", count: 1 }]);
    await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(BusinessError);
    sandbox.setFaults([{ kind: "non_json" }]);
    await expect(c.riskScore({}, ctx)).rejects.toBeInstanceOf(ServerError);
    expect(ledger.entries.map((e) => e.outcome)).toEqual([
      "INVALID_SIGNATURE",
      "INVALID_SIGNATURE",
      "BUSINESS_ERROR",
      "SERVER_ERROR",
      "SERVER_ERROR",
    ]);
  });

  it("refunds once when the response is dropped after the money moved", async () => {
    sandbox.createTrade({ out_trade_no: "T200", total_amount: "100.00", allow_partial_refund: true });
    sandbox.setFaults([{ kind: "drop", path: "/v3/alipay/trade/refund", count: 1 }]);
    const { c, ledger } = sbx();
    const r = await c.refund({ out_trade_no: "T200", refund_amount: 2500, refund_reason: "damaged", out_request_no: "R200" }, ctx);
    expect(r.data).toMatchObject({ confirmedBy: "query", refund_amount: 2500 });
    expect(refundCount("T200")).toBe("25.00");
    expect(ledger.entries.map((e) => [e.endpoint, e.outcome, e.feeCny])).toEqual([
      ["trade.refund", "NETWORK_ERROR", "0.000000"],
      ["trade.refund.query", "SUCCESS", "0.150000"],
    ]);
  });

  it("queries, then resends identical parameters, after ACQ.SYSTEM_ERROR before the refund", async () => {
    sandbox.createTrade({ out_trade_no: "T201", total_amount: "100.00", allow_partial_refund: true });
    sandbox.setFaults([{ kind: "error_200", path: "/v3/alipay/trade/refund", count: 1 }]);
    const { c, ledger } = sbx();
    const r = await c.refund({ out_trade_no: "T201", refund_amount: 1000, refund_reason: "late", out_request_no: "R201" }, ctx);
    expect(r.data).toMatchObject({ confirmedBy: "response", fund_change: "Y", refund_fee: 1000 });
    expect(refundCount("T201")).toBe("10.00");
    expect(ledger.entries.map((e) => [e.endpoint, e.outcome, e.subCode ?? e.code])).toEqual([
      ["trade.refund", "UNKNOWN_OUTCOME", "ACQ.SYSTEM_ERROR"],
      ["trade.refund.query", "SUCCESS", null],
      ["trade.refund", "SUCCESS", null],
    ]);
  });

  it("a slow refund past the timeout is found by the query, not sent twice", async () => {
    sandbox.createTrade({ out_trade_no: "T202", total_amount: "50.00", allow_partial_refund: true });
    sandbox.setFaults([{ kind: "slow", path: "/v3/alipay/trade/refund", count: 1, delayMs: 500 }]);
    const { c } = sbx({ otherTimeoutMs: 200 });
    const r = await c.refund({ out_trade_no: "T202", refund_amount: 5000, out_request_no: "R202" }, ctx);
    expect(r.data.confirmedBy).toBe("query");
    expect(refundCount("T202")).toBe("50.00");
  });

  it("surfaces over-refunds and discordant repeats as business errors, repeats as fund_change N", async () => {
    sandbox.createTrade({ out_trade_no: "T203", total_amount: "10.00", allow_partial_refund: true });
    const { c, ledger } = sbx();
    await c.refund({ out_trade_no: "T203", refund_amount: 600, out_request_no: "A" }, ctx);
    const again = await c.refund({ out_trade_no: "T203", refund_amount: 600, out_request_no: "A" }, ctx);
    expect(again.data.fund_change).toBe("N");
    const over = await c.refund({ out_trade_no: "T203", refund_amount: 600, out_request_no: "B" }, ctx).catch((e: unknown) => e);
    expect(over).toBeInstanceOf(BusinessError);
    expect((over as BusinessError).code).toBe("ACQ.REASON_TRADE_REFUND_FEE_ERR");
    const discordant = await c.refund({ out_trade_no: "T203", refund_amount: 100, out_request_no: "A" }, ctx).catch((e: unknown) => e);
    expect((discordant as BusinessError).code).toBe("ACQ.DISCORDANT_REPEAT_REQUEST");
    expect(ledger.entries.map((e) => e.feeCny)).toEqual(["0.036000", "0.000000", "0.000000", "0.000000"]);
  });

  it("lists, reads and answers complaints", async () => {
    const created = sandbox.createComplaint({ trade_amount: "88.00", complain_reason: "not delivered" });
    const { c } = sbx();
    const list = await c.complaintBatchQuery({ status: "MERCHANT_PROCESSING" }, ctx);
    expect(list.data.trade_complain_infos.map((x) => x.complain_event_id)).toContain(created.complain_event_id);
    const one = await c.complaintGet({ complain_event_id: created.complain_event_id }, ctx);
    expect(one.data.trade_amount).toBe(8800);
    await c.complaintFeedback(
      { complain_event_id: created.complain_event_id, feedback_code: "03", feedback_content: "shipped, tracking SF123", operator: "ops" },
      ctx,
    );
    const after = await c.complaintGet({ complain_event_id: created.complain_event_id }, ctx);
    expect(after.data.status).toBe("MERCHANT_FEEDBACKED");
    const missing = await c.complaintGet({ complain_event_id: "nope" }, ctx).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(BusinessError);
  });

  it("submits a batch at 30% off and polls its results", async () => {
    const { c, ledger } = sbx();
    const sub = await c.batchSubmit(
      {
        items: [
          { custom_id: "r1", type: "risk_score", body: { amount: 1000 } },
          { custom_id: "d1", type: "dispute_analyze", body: { complain_reason: "x" } },
        ],
      },
      ctx,
    );
    const poll = await c.batchPoll({ batch_id: sub.data.batch_id }, ctx);
    expect(poll.data.status).toBe("COMPLETED");
    expect(poll.data.items.map((i) => [i.item_id, i.status])).toEqual([
      ["r1", "SUCCESS"],
      ["d1", "SUCCESS"],
    ]);
    expect(ledger.entries.map((e) => [e.endpoint, e.tier, e.costCny])).toEqual([
      ["ai.batch.submit", "batch", "0.049000"], // (0.02 + 0.05) * 0.7
      ["ai.batch.poll", "batch", "0.000000"],
    ]);
  });
});
