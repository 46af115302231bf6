import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DRIFT_MODEL_VERSION, MODEL_VERSION } from "./model";
import type { Sandbox } from "./server";
import { call, startTestSandbox } from "./test-helpers";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ seed: "ai-test" });
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.reset();
  sandbox.setDrift(false);
});

type Obj = Record<string, unknown>;
const post = async (p: string, b: Obj, requestId?: string) => (await call(sandbox, "POST", p, b, { requestId })).json as Obj;
const RISK = "/v3/alipay/ai/risk/score";

function context(i: number): Obj {
  return {
    out_trade_no: `T${i}`,
    user_id: `U${i % 17}`,
    merchant_id: "M1",
    amount: `${(i * 37) % 3000}.${String(i % 100).padStart(2, "0")}`,
    currency: "CNY",
    device_fingerprint: i % 4 === 0 ? undefined : `fp-${i}`,
    merchant_category: i % 5 === 0 ? "gaming" : "apparel",
    cross_border: i % 9 === 0,
  };
}

describe("AI endpoints", () => {
  it("risk/score: deterministic, well-formed, thresholds respected", async () => {
    const a = await post(RISK, context(3));
    const b = await post(RISK, context(3));
    expect(b).toEqual(a);
    expect(a).toMatchObject({ model_version: MODEL_VERSION, billing: { fee: "0.02", currency: "CNY", tier: "standard" } });
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const r = await post(RISK, context(i));
      const score = r.risk_score as number;
      const conf = r.confidence_score as number;
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThan(1);
      expect(conf).toBeGreaterThan(0);
      expect(conf).toBeLessThan(1);
      expect(Math.round(score * 10_000) / 10_000).toBe(score);
      if (score < 0.27) expect(r.recommendation).toBe("PASS");
      if (score > 0.33 && score < 0.67) expect(r.recommendation).toBe("REVIEW");
      if (score > 0.73) expect(r.recommendation).toBe("REJECT");
      expect(r.reasoning_log).toContain("[user]");
      expect(r.reasoning_log).toContain("[assistant]");
      seen.add(r.recommendation as string);
    }
    expect(seen.size).toBeGreaterThanOrEqual(2);
  });

  it("explains in zh-CN by default and in en on request; cross-border costs 0.05", async () => {
    const zh = await post(RISK, context(9));
    const en = await post(RISK, { ...context(9), locale: "en" });
    expect(zh.explanation).toMatch(/[\u4e00-\u9fff]/);
    expect(en.explanation).toMatch(/^[\x20-\x7e]+$/);
    expect(zh.billing).toEqual({ fee: "0.05", currency: "CNY", tier: "standard" });
  });

  it("the same conversation_id is decided and billed once", async () => {
    const first = await post(RISK, { ...context(1), conversation_id: "conv-1" });
    const retry = await post(RISK, { ...context(1), conversation_id: "conv-1" });
    const { billing: b1, ...rest1 } = first;
    const { billing: b2, idempotent_replay, ...rest2 } = retry;
    expect(rest2).toEqual(rest1);
    expect(idempotent_replay).toBe(true);
    expect(b1).toMatchObject({ fee: "0.02" });
    expect(b2).toMatchObject({ fee: "0.00" });
    expect(sandbox.state().billing).toMatchObject({ totalFee: "0.02", chargedCalls: 1, replayedCalls: 1 });
  });

  it("refund/assess returns a suggested amount, sentiment and anomalies, billed per started 1,000 chars", async () => {
    const r = await post("/v3/alipay/ai/refund/assess", {
      ...context(2),
      locale: "en",
      refund_amount: "120.00",
      refund_reason: "Terrible quality, the worst purchase ever",
      order: { total_amount: "100.00" },
      history: { previous_refunds: 4 },
    });
    expect(r.sentiment).toBe("NEGATIVE");
    expect(r.anomalies).toEqual(expect.arrayContaining([expect.stringMatching(/order total/), expect.stringMatching(/frequent/)]));
    expect(r.suggested_refund_amount).toMatch(/^\d+\.\d{2}$/);
    expect(Number(r.suggested_refund_amount)).toBeLessThanOrEqual(100);
    expect(r.billing).toMatchObject({ fee: "0.03" });
    const long = await post("/v3/alipay/ai/refund/assess", { ...context(2), refund_reason: "很".repeat(1500) });
    expect(long.billing).toMatchObject({ fee: "0.06" });
  });

  it("dispute/analyze proposes a feedback code, a draft, and an evidence checklist", async () => {
    const r = await post("/v3/alipay/ai/dispute/analyze", { complain_event_id: "CE1", complain_reason: "商品未收到", content: "一直没收到货", trade_amount: "66.00" });
    expect(r).toMatchObject({ proposed_feedback_code: "03", billing: { fee: "0.05" } });
    expect((r.draft_feedback_content as string).length).toBeLessThanOrEqual(200);
    expect((r.evidence_checklist as string[]).length).toBeGreaterThan(0);
  });

  it("rejects malformed amounts with 400 invalid-parameter and does not bill", async () => {
    const r = await call(sandbox, "POST", RISK, { amount: 12.5 });
    expect([r.status, (r.json as Obj).code]).toEqual([400, "invalid-parameter"]);
    expect(sandbox.state().billing.chargedCalls).toBe(0);
  });

  it("drift changes model_version and shifts scores up", async () => {
    const before: number[] = [];
    for (let i = 0; i < 30; i++) before.push((await post(RISK, context(i))).risk_score as number);
    sandbox.setDrift(true);
    const after: number[] = [];
    let version = "";
    for (let i = 0; i < 30; i++) {
      const r = await post(RISK, context(i));
      after.push(r.risk_score as number);
      version = r.model_version as string;
    }
    expect(version).toBe(DRIFT_MODEL_VERSION);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(after) - mean(before)).toBeGreaterThan(0.1);
    expect(after.every((s, i) => s >= (before[i] ?? 1))).toBe(true);
  });
});

describe("batch", () => {
  it("runs up to 100 items at 30% below list, and a resubmit with the same request id is the same batch", async () => {
    const items = [
      { item_id: "a", type: "risk_score", request: context(1) },
      { item_id: "b", type: "dispute_analyze", request: { complain_reason: "质量问题" } },
      { item_id: "c", type: "risk/score", request: { ...context(1), conversation_id: "bc-1" } },
      { item_id: "d", type: "nope", request: {} },
    ];
    const submitted = await post("/v3/alipay/ai/batch", { items }, "req-batch-1");
    expect(submitted).toMatchObject({ item_count: 4, billing: { fee: "0.063", tier: "batch" } });
    const again = await post("/v3/alipay/ai/batch", { items }, "req-batch-1");
    expect(again.batch_id).toBe(submitted.batch_id);

    const got = (await call(sandbox, "GET", `/v3/alipay/ai/batch/${String(submitted.batch_id)}`)).json as Obj;
    expect(got).toMatchObject({ status: "COMPLETED", completed_count: 4 });
    const results = got.items as Array<Obj>;
    expect(results.map((i) => i.status)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS", "FAILED"]);
    expect(results[0]?.result).toMatchObject({ billing: { fee: "0.014", tier: "batch" } });
    expect(results[1]?.result).toMatchObject({ billing: { fee: "0.035" }, proposed_feedback_code: "05" });
    expect(sandbox.state().billing).toMatchObject({ totalFee: "0.063", chargedCalls: 3 });

    const tooMany = await call(sandbox, "POST", "/v3/alipay/ai/batch", { items: Array.from({ length: 101 }, () => items[0]) });
    expect(tooMany.status).toBe(400);
    expect((await call(sandbox, "GET", "/v3/alipay/ai/batch/unknown")).status).toBe(404);
  });

  it("stays PROCESSING until the completion time", async () => {
    const s = await startTestSandbox({ batchCompletionMs: 60_000 });
    try {
      const submitted = (await call(s, "POST", "/v3/alipay/ai/batch", { items: [{ type: "risk_score", request: {} }] })).json as Obj;
      const got = (await call(s, "GET", `/v3/alipay/ai/batch/${String(submitted.batch_id)}`)).json as Obj;
      expect(got).toMatchObject({ status: "PROCESSING", items: [] });
    } finally {
      await s.close();
    }
  });
});
