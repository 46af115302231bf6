import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { AlipaySdk } from "alipay-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateRsaKeyPair } from "@/lib/alipay/keys";
import { verifyParams } from "@/lib/alipay/sign";
import { loadSandboxConfig } from "./config";
import type { ComplaintNotification, Sandbox } from "./server";
import { call, startTestSandbox, testKeys, TEST_APP_ID } from "./test-helpers";

let sandbox: Sandbox;
const notified: ComplaintNotification[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({ notify: (n) => void notified.push(n) });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.reset());

const body = (r: { json: unknown }) => r.json as Record<string, unknown>;

describe("request authentication", () => {
  it("accepts a well-signed request, signs the response and sets a trace id", async () => {
    const r = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", { out_trade_no: "T1", amount: "10.00" });
    expect(r.status).toBe(200);
    expect(r.verified).toBe(true);
    expect(r.headers.get("alipay-trace-id")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("rejects a bad signature with 401 invalid-signature (and still signs the error)", async () => {
    const r = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", {}, { privateKey: generateRsaKeyPair().privateKey });
    expect(r.status).toBe(401);
    expect(body(r).code).toBe("invalid-signature");
    expect(r.verified).toBe(true);
  });

  it("rejects a missing authorization, an unknown app, and a stale timestamp", async () => {
    const none = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", {}, { headers: { "content-type": "application/json" } });
    expect([none.status, body(none).code]).toEqual([401, "invalid-signature"]);
    const otherApp = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", {}, { appId: "2021999" });
    expect(otherApp.status).toBe(401);
    const stale = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", {}, { timestamp: Date.now() - 6 * 60_000 });
    expect([stale.status, body(stale).code]).toEqual([401, "invalid-signature"]);
    expect(String(body(stale).message)).toMatch(/timestamp/);
  });

  it("rejects a replayed nonce", async () => {
    const first = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", { out_trade_no: "R" });
    expect(first.status).toBe(200);
    const replay = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", { out_trade_no: "R" }, { headers: first.sentHeaders });
    expect([replay.status, body(replay).code]).toEqual([401, "invalid-signature"]);
    expect(String(body(replay).message)).toMatch(/nonce/);
  });

  it("answers unknown paths with a signed 404", async () => {
    const r = await call(sandbox, "POST", "/v3/alipay/nope", {});
    expect(r.status).toBe(404);
    expect(r.verified).toBe(true);
  });
});

describe("the official alipay-sdk against the sandbox", () => {
  const sdk = () => new AlipaySdk({ appId: TEST_APP_ID, privateKey: testKeys().app.privateKey, alipayPublicKey: testKeys().alipay.publicKey, endpoint: sandbox.url });

  it("curl() succeeds and verifies responses for AI, refund and complaint endpoints", async () => {
    const risk = await sdk().curl("POST", "/v3/alipay/ai/risk/score", { body: { out_trade_no: "SDK-1", amount: "88.00", locale: "en" } });
    expect(risk.responseHttpStatus).toBe(200);
    expect(risk.data).toMatchObject({ model_version: expect.any(String), billing: { fee: "0.02", currency: "CNY", tier: "standard" } });
    expect(risk.traceId).toMatch(/^[0-9a-f]{32}$/);

    sandbox.createTrade({ out_trade_no: "SDK-T", total_amount: "50.00" });
    const refund = await sdk().curl("POST", "/v3/alipay/trade/refund", { body: { out_trade_no: "SDK-T", refund_amount: "20.00", out_request_no: "r1" } });
    expect(refund.data).toMatchObject({ fund_change: "Y", refund_fee: "20.00" });

    const c = sandbox.createComplaint({ out_trade_no: "SDK-T" });
    const detail = await sdk().curl("GET", `/v3/alipay/merchant/tradecomplain/${c.complain_event_id}`);
    expect(detail.data).toMatchObject({ complain_event_id: c.complain_event_id, merchant_order_no: "SDK-T", trade_amount: "50.00" });
  });

  it("curl() surfaces the sandbox's business errors with their code", async () => {
    await expect(sdk().curl("POST", "/v3/alipay/trade/refund", { body: { out_trade_no: "missing", refund_amount: "1.00" } })).rejects.toMatchObject({
      code: "ACQ.TRADE_NOT_EXIST",
      responseHttpStatus: 400,
    });
  });
});

describe("refund bookkeeping", () => {
  const refund = (b: Record<string, unknown>) => call(sandbox, "POST", "/v3/alipay/trade/refund", b);

  it("refunds once per out_request_no; a repeat is N; cumulative refund_fee", async () => {
    sandbox.createTrade({ out_trade_no: "T100", total_amount: "100.00" });
    const a = await refund({ out_trade_no: "T100", refund_amount: "30.00", out_request_no: "rq-1", refund_reason: "size" });
    expect(body(a)).toMatchObject({ fund_change: "Y", refund_fee: "30.00", out_trade_no: "T100" });
    const again = await refund({ out_trade_no: "T100", refund_amount: "30.00", out_request_no: "rq-1", refund_reason: "size" });
    expect(body(again)).toMatchObject({ fund_change: "N", refund_fee: "30.00", gmt_refund_pay: body(a).gmt_refund_pay });
    const b = await refund({ out_trade_no: "T100", refund_amount: "70.00", out_request_no: "rq-2", refund_reason: "rest" });
    expect(body(b)).toMatchObject({ fund_change: "Y", refund_fee: "100.00" });
    expect(sandbox.state().trades[0]).toMatchObject({ refund_fee: "100.00", status: "TRADE_CLOSED" });
  });

  it("answers DISCORDANT_REPEAT_REQUEST, over-refund, unknown trade, closed trade", async () => {
    sandbox.createTrade({ out_trade_no: "T50", total_amount: "50.00" });
    await refund({ out_trade_no: "T50", refund_amount: "10.00", out_request_no: "x" });
    const discordant = await refund({ out_trade_no: "T50", refund_amount: "11.00", out_request_no: "x" });
    expect([discordant.status, body(discordant).code]).toEqual([400, "ACQ.DISCORDANT_REPEAT_REQUEST"]);
    const over = await refund({ out_trade_no: "T50", refund_amount: "40.01", out_request_no: "y" });
    expect(body(over).code).toBe("ACQ.REASON_TRADE_REFUND_FEE_ERR");
    const unknown = await refund({ out_trade_no: "nope", refund_amount: "1.00" });
    expect(body(unknown).code).toBe("ACQ.TRADE_NOT_EXIST");
    const bad = await refund({ out_trade_no: "T50", refund_amount: "1.5.0" });
    expect([bad.status, body(bad).code]).toEqual([400, "invalid-parameter"]);
    await refund({ out_trade_no: "T50", refund_amount: "40.00", out_request_no: "z" });
    const closed = await refund({ out_trade_no: "T50", refund_amount: "0.01", out_request_no: "w" });
    expect(body(closed).code).toBe("ACQ.TRADE_STATUS_ERROR");
  });

  it("answers partial-refund and balance refusals", async () => {
    sandbox.createTrade({ out_trade_no: "FULL", total_amount: "9.00", allow_partial_refund: false });
    expect(body(await refund({ out_trade_no: "FULL", refund_amount: "1.00" })).code).toBe("ACQ.NOT_ALLOW_PARTIAL_REFUND");
    sandbox.setSellerBalance("5.00");
    expect(body(await refund({ out_trade_no: "FULL", refund_amount: "9.00" })).code).toBe("ACQ.SELLER_BALANCE_NOT_ENOUGH");
  });

  it("refund query reports REFUND_SUCCESS only for refunds that happened", async () => {
    const t = sandbox.createTrade({ out_trade_no: "Q1", total_amount: "20.00" });
    await refund({ trade_no: t.trade_no, refund_amount: "5.00", out_request_no: "q-1" });
    const found = await call(sandbox, "POST", "/v3/alipay/trade/fastpay/refund/query", { out_trade_no: "Q1", out_request_no: "q-1" });
    expect(body(found)).toMatchObject({ refund_status: "REFUND_SUCCESS", refund_amount: "5.00", total_amount: "20.00" });
    const missing = await call(sandbox, "POST", "/v3/alipay/trade/fastpay/refund/query", { out_trade_no: "Q1", out_request_no: "q-2" });
    expect(missing.status).toBe(200);
    expect(body(missing).refund_status).toBeUndefined();
  });
});

describe("trade complaints", () => {
  it("lists, shows, accepts feedback, and notifies with a verifiable signed message", async () => {
    notified.length = 0;
    sandbox.createTrade({ out_trade_no: "C-T", total_amount: "66.00" });
    const c = sandbox.createComplaint({ out_trade_no: "C-T", complain_reason: "未收到货" });
    sandbox.createComplaint({ status: "FINISHED" });
    const page = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/batchquery", { page_num: 1, page_size: 20, status: "MERCHANT_PROCESSING" });
    expect(body(page)).toMatchObject({ total_size: 1, trade_complain_infos: [{ complain_event_id: c.complain_event_id, trade_amount: "66.00" }] });
    const tooBig = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/batchquery", { page_size: 21 });
    expect(tooBig.status).toBe(400);

    const fb = { complain_event_id: c.complain_event_id, feedback_code: "03", feedback_content: "已发货，单号 SF123", operator: "ops1" };
    const ok = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/feedback", fb);
    expect(body(ok)).toMatchObject({ status: "MERCHANT_FEEDBACKED" });
    const repeat = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/feedback", fb);
    expect(repeat.status).toBe(200);
    const longOperator = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/feedback", { ...fb, operator: "toolong1" });
    expect(longOperator.status).toBe(400);
    for (const offPlatform of ["您好，请加我微信 tea-shop 处理退款。", "Add me on WeChat at tea-shop", "Call me on 13812345678"]) {
      const refused = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/feedback", { ...fb, feedback_content: offPlatform });
      expect([refused.status, body(refused).code], offPlatform).toEqual([400, "INVALID_PARAMETER"]);
    }
    expect(sandbox.state().complaints.find((x) => x.complain_event_id === c.complain_event_id)!.feedbacks).toHaveLength(1);
    const detail = await call(sandbox, "GET", `/v3/alipay/merchant/tradecomplain/${c.complain_event_id}`);
    expect(body(detail)).toMatchObject({ status: "MERCHANT_FEEDBACKED", complain_reason: "未收到货" });
    const missing = await call(sandbox, "GET", "/v3/alipay/merchant/tradecomplain/none");
    expect(missing.status).toBe(404);

    await new Promise((r) => setTimeout(r, 10));
    const forC = notified.filter((n) => n.complainEventId === c.complain_event_id);
    expect(forC.map((n) => n.status)).toEqual(["MERCHANT_PROCESSING", "MERCHANT_FEEDBACKED"]);
    const params = forC[0]?.params ?? {};
    expect(params.msg_method).toBe("alipay.merchant.tradecomplain.changed");
    expect(verifyParams(params, testKeys().alipay.publicKey)).toBe(true);
    const sdk = new AlipaySdk({ appId: TEST_APP_ID, privateKey: testKeys().app.privateKey, alipayPublicKey: testKeys().alipay.publicKey });
    expect(sdk.checkNotifySign({ ...params })).toBe(true);
  });
});

describe("an app acting for merchants (app_auth_token)", () => {
  const sdk = () => new AlipaySdk({ appId: TEST_APP_ID, privateKey: testKeys().app.privateKey, alipayPublicKey: testKeys().alipay.publicKey, endpoint: sandbox.url });

  it("shows each merchant its own trades and complaints only, and the app its own", async () => {
    notified.length = 0;
    const token = sandbox.authorize("2021000000000777");
    expect(sandbox.authorize("2021000000000777", token)).toBe(token);
    sandbox.createTrade({ out_trade_no: "OWN-T", total_amount: "10.00" });
    sandbox.createTrade({ out_trade_no: "AUTH-T", total_amount: "20.00", auth_app_id: "2021000000000777" });
    const own = sandbox.createComplaint({ out_trade_no: "OWN-T" });
    const theirs = sandbox.createComplaint({ out_trade_no: "AUTH-T", auth_app_id: "2021000000000777" });
    expect(theirs.trade_amount).toBe("20.00");

    const list = async (appAuthToken?: string) =>
      ((await sdk().curl("POST", "/v3/alipay/merchant/tradecomplain/batchquery", { body: { page_num: 1, page_size: 20 }, appAuthToken })).data as { trade_complain_infos: { complain_event_id: string }[] }).trade_complain_infos.map((c) => c.complain_event_id);
    expect(await list()).toEqual([own.complain_event_id]);
    expect(await list(token)).toEqual([theirs.complain_event_id]);

    // Another merchant's complaint and trade do not exist for the caller, whichever way round.
    await expect(sdk().curl("GET", `/v3/alipay/merchant/tradecomplain/${theirs.complain_event_id}`)).rejects.toMatchObject({ code: "COMPLAIN_EVENT_NOT_EXIST" });
    await expect(sdk().curl("GET", `/v3/alipay/merchant/tradecomplain/${own.complain_event_id}`, { appAuthToken: token })).rejects.toMatchObject({ code: "COMPLAIN_EVENT_NOT_EXIST" });
    const fb = { complain_event_id: own.complain_event_id, feedback_code: "04", feedback_content: "已处理" };
    await expect(sdk().curl("POST", "/v3/alipay/merchant/tradecomplain/feedback", { body: fb, appAuthToken: token })).rejects.toMatchObject({ code: "COMPLAIN_EVENT_NOT_EXIST" });
    await expect(sdk().curl("POST", "/v3/alipay/trade/refund", { body: { out_trade_no: "OWN-T", refund_amount: "1.00", out_request_no: "x" }, appAuthToken: token })).rejects.toMatchObject({ code: "ACQ.TRADE_NOT_EXIST" });
    await expect(sdk().curl("POST", "/v3/alipay/trade/refund", { body: { out_trade_no: "AUTH-T", refund_amount: "1.00", out_request_no: "x" } })).rejects.toMatchObject({ code: "ACQ.TRADE_NOT_EXIST" });
    expect(sandbox.state().trades.flatMap((t) => t.refunds)).toEqual([]);

    const refund = await sdk().curl("POST", "/v3/alipay/trade/refund", { body: { out_trade_no: "AUTH-T", refund_amount: "1.00", out_request_no: "x" }, appAuthToken: token });
    expect(refund.data).toMatchObject({ fund_change: "Y", refund_fee: "1.00" });
    const replied = await sdk().curl("POST", "/v3/alipay/merchant/tradecomplain/feedback", { body: { ...fb, complain_event_id: theirs.complain_event_id }, appAuthToken: token });
    expect(replied.data).toMatchObject({ status: "MERCHANT_FEEDBACKED" });

    // The merchant's complaints are announced with its app id, so the receiver knows whose they are.
    await new Promise((r) => setTimeout(r, 10));
    const params = (id: string) => notified.find((n) => n.complainEventId === id)!.params;
    expect(params(theirs.complain_event_id)).toMatchObject({ app_id: TEST_APP_ID, auth_app_id: "2021000000000777" });
    expect(verifyParams(params(theirs.complain_event_id), testKeys().alipay.publicKey)).toBe(true);
    expect(params(own.complain_event_id).auth_app_id).toBeUndefined();
  });

  it("refuses a token it never issued, and a token issued for another merchant's app", async () => {
    const forged = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/batchquery", { page_num: 1 }, { appAuthToken: "2021000000000777ffffffff" });
    expect([forged.status, body(forged).code]).toEqual([401, "invalid-auth-token"]);
    const token = sandbox.authorize("2021000000000888");
    expect(() => sandbox.authorize("2021000000000999", token)).toThrow(/already issued/);
    // the token is signed: another merchant's token swapped in on the way no longer verifies
    const other = sandbox.authorize("2021000000000999");
    const swapped = await call(sandbox, "POST", "/v3/alipay/merchant/tradecomplain/batchquery", { page_num: 1 }, { appAuthToken: token, sendToken: other });
    expect([swapped.status, body(swapped).code]).toEqual([401, "invalid-signature"]);
  });

  it("issues authorizations at start and over the control API, refusing bad or conflicting ones with a clear 400", async () => {
    const s = await startTestSandbox({ authorizations: { "2021000000000444demo-token": "2021000000000444" } });
    try {
      const listed = await call(s, "POST", "/v3/alipay/merchant/tradecomplain/batchquery", { page_num: 1 }, { appAuthToken: "2021000000000444demo-token" });
      expect([listed.status, body(listed).total_size]).toEqual([200, 0]);
      const post = (b: unknown) => fetch(`${s.url}/__sandbox/authorizations`, { method: "POST", body: JSON.stringify(b) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
      const issued = await post({ auth_app_id: "2021000000000445" });
      expect(issued).toMatchObject({ status: 200, json: { auth_app_id: "2021000000000445", app_auth_token: expect.stringMatching(/^2021000000000445[0-9a-f]{32}$/) } });
      expect((await post({ auth_app_id: "2021000000000446", app_auth_token: "2021000000000444demo-token" })).json).toMatchObject({ code: "invalid-parameter", message: expect.stringContaining("already issued") });
      expect((await post({ app_auth_token: "x" })).status).toBe(400);
      expect((await post({ auth_app_id: "2021000000000447", app_auth_token: "short" })).status).toBe(400);
    } finally {
      await s.close();
    }
  });
});

describe("rate limit", () => {
  it("answers 429 app-call-limited with Retry-After past the per-app limit", async () => {
    sandbox.setRateLimit(3);
    try {
      for (let i = 0; i < 3; i++) expect((await call(sandbox, "POST", "/v3/alipay/ai/risk/score", {})).status).toBe(200);
      const limited = await call(sandbox, "POST", "/v3/alipay/ai/risk/score", {});
      expect(limited.status).toBe(429);
      expect(body(limited).code).toBe("app-call-limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(limited.verified).toBe(true);
    } finally {
      sandbox.setRateLimit(100);
    }
  });

  it("uses a sliding window", async () => {
    const s = await startTestSandbox({ rateLimitPerMinute: 2, rateLimitWindowMs: 300 });
    try {
      expect((await call(s, "POST", "/v3/alipay/ai/risk/score", {})).status).toBe(200);
      expect((await call(s, "POST", "/v3/alipay/ai/risk/score", {})).status).toBe(200);
      expect((await call(s, "POST", "/v3/alipay/ai/risk/score", {})).status).toBe(429);
      await new Promise((r) => setTimeout(r, 320));
      expect((await call(s, "POST", "/v3/alipay/ai/risk/score", {})).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe("control API and persistence", () => {
  it("creates trades and complaints, sets faults and drift, reports state over HTTP", async () => {
    const post = (p: string, b: unknown) => fetch(`${sandbox.url}${p}`, { method: "POST", body: JSON.stringify(b) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    expect((await post("/__sandbox/trades", { out_trade_no: "H1", total_amount: "12.00" })).json).toMatchObject({ out_trade_no: "H1", total_amount: "12.00" });
    expect((await post("/__sandbox/trades", { out_trade_no: "H1", total_amount: "12.00" })).status).toBe(200);
    expect((await post("/__sandbox/trades", { out_trade_no: "H1", total_amount: "13.00" })).status).toBe(400);
    const c = (await post("/__sandbox/complaints", { out_trade_no: "H1" })).json;
    expect((await post(`/__sandbox/complaints/${String(c.complain_event_id)}/status`, { status: "CLOSED" })).json).toMatchObject({ status: "CLOSED" });
    expect((await post("/__sandbox/faults", [{ kind: "server_error", count: 1 }])).json).toMatchObject({ faults: [{ kind: "server_error", fired: 0 }] });
    expect((await post("/__sandbox/faults", { kind: "bogus" })).status).toBe(400);
    expect((await post("/__sandbox/drift", { enabled: true })).json).toEqual({ drift: true });
    const state = (await fetch(`${sandbox.url}/__sandbox/state`).then((r) => r.json())) as Record<string, unknown>;
    expect(state).toMatchObject({ drift: true, trades: [{ out_trade_no: "H1" }], faults: [{ kind: "server_error" }] });
    sandbox.setDrift(false);
  });

  it("keeps trades and refunds across restarts with stateFile", async () => {
    const stateFile = path.join(mkdtempSync(path.join(os.tmpdir(), "sbx-")), "state.json");
    const first = await startTestSandbox({ stateFile });
    first.createTrade({ out_trade_no: "P1", total_amount: "10.00" });
    await call(first, "POST", "/v3/alipay/trade/refund", { out_trade_no: "P1", refund_amount: "4.00", out_request_no: "p" });
    await first.close();
    const second = await startTestSandbox({ stateFile });
    try {
      expect(second.state().trades).toMatchObject([{ out_trade_no: "P1", refund_fee: "4.00" }]);
      const repeat = await call(second, "POST", "/v3/alipay/trade/refund", { out_trade_no: "P1", refund_amount: "4.00", out_request_no: "p" });
      expect(body(repeat)).toMatchObject({ fund_change: "N" });
    } finally {
      await second.close();
    }
  });
});

describe("config", () => {
  it("creates demo keys under DATA_DIR/sandbox when no SANDBOX_* keys are set, and reuses them", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sbx-data-"));
    const a = loadSandboxConfig({ DATA_DIR: dir });
    expect(a.demo?.created).toBe(true);
    expect(a.demo?.appPrivateKeyPath).toBe(path.join(dir, "sandbox", "app-private-key.pem"));
    const b = loadSandboxConfig({ DATA_DIR: dir });
    expect(b.demo?.created).toBe(false);
    expect(b.appPublicKey).toBe(a.appPublicKey);
  });

  it("takes app id and keys from SANDBOX_* (PEM text or path) and refuses a partial set", () => {
    const keys = testKeys();
    const c = loadSandboxConfig({ SANDBOX_APP_ID: "2021x", SANDBOX_APP_PUBLIC_KEY: keys.app.publicKey, SANDBOX_ALIPAY_PRIVATE_KEY: keys.alipay.privateKey });
    expect(c).toMatchObject({ appId: "2021x", demo: null });
    expect(() => loadSandboxConfig({ SANDBOX_APP_ID: "2021x" })).toThrow(/all of/);
  });
});
