import { describe, expect, it } from "vitest";
import { useWorkflowHarness } from "../testing/use-workflow-harness";
import { makeCase } from "../testing/workflow";
import { assessCase } from "./assess";
import { executeRefund } from "./execute";

describe("assessment and execution through the signed client and the sandbox", () => {
  const env = useWorkflowHarness();

  it("assesses a refund, stores the decision with an encrypted reasoning log, and bills each call once", async () => {
    const c = await makeCase(env.t, env.h, { paidAmountFen: 5_000 });
    expect(await assessCase(env.h.deps, c.merchantId, c.id)).toBe("done");
    const after = await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id }, include: { decisions: true } });
    expect(["APPROVED", "REVIEW", "REJECTED"]).toContain(after.status);
    expect(after.decisions).toHaveLength(1);
    const d = after.decisions[0]!;
    expect(d.modelVersion).toBeTruthy();
    expect(d.reasoningLogEnc).toMatch(/^v1\./);
    expect(d.reasons.length).toBeGreaterThan(0);
    const calls = await env.t.prisma.apiCall.findMany({ where: { caseId: c.id } });
    expect(calls.map((x) => x.endpoint).sort()).toEqual(["ai.refund.assess", "ai.risk.score"]);
    expect(calls.every((x) => x.outcome === "SUCCESS" && Number(x.costCny) > 0)).toBe(true);
    const audit = await env.t.prisma.auditEvent.findMany({ where: { targetId: c.id } });
    expect(audit.map((a) => a.action)).toEqual(["case.routed"]);

    // A retried job: nothing decided or billed twice.
    expect(await assessCase(env.h.deps, c.merchantId, c.id)).toBe("skipped");
    expect(await env.t.prisma.aiDecision.count({ where: { caseId: c.id } })).toBe(1);
  });

  it("sends a large refund to a person whatever the AI says", async () => {
    const c = await makeCase(env.t, env.h, { paidAmountFen: 50_000 });
    await assessCase(env.h.deps, c.merchantId, c.id);
    const after = await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("REVIEW");
    expect(after.routeReasons).toContain("ABOVE_AMOUNT_LIMIT");
  });

  it("routes to review when the response does not verify, and the ledger says why", async () => {
    env.h.sandbox.setFaults([{ kind: "bad_signature", path: "/v3/alipay/ai/risk/score" }]);
    try {
      const c = await makeCase(env.t, env.h, { paidAmountFen: 1_000 });
      await assessCase(env.h.deps, c.merchantId, c.id);
      const after = await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id }, include: { decisions: true } });
      expect(after.status).toBe("REVIEW");
      expect(after.routeReasons).toContain("AI_UNAVAILABLE");
      expect(after.decisions[0]!.riskScore).toBeNull();
      expect(after.decisions[0]!.failure).toBeTruthy();
      const calls = await env.t.prisma.apiCall.findMany({ where: { caseId: c.id } });
      expect(calls.some((x) => x.outcome === "INVALID_SIGNATURE")).toBe(true);
    } finally {
      env.h.sandbox.clearFaults();
    }
  });

  it("executes an approved refund once, even when 20 workers try at the same time", async () => {
    const c = await makeCase(env.t, env.h, { status: "APPROVED", paidAmountFen: 8_800, approvedAmountFen: 8_800 });
    await Promise.all(Array.from({ length: 20 }, () => executeRefund(env.h.deps, c.merchantId, c.id).catch(() => "error")));
    const after = await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("REFUNDED");
    expect(after.refundedAmountFen).toBe(8_800);
    const trade = env.h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!;
    expect(trade.refunds).toHaveLength(1);
    expect(trade.refund_fee).toBe("88.00");
    expect(await env.t.prisma.auditEvent.count({ where: { targetId: c.id, action: "refund.executed" } })).toBe(1);
  });

  it("confirms a refund whose response was lost by querying, and never refunds twice", async () => {
    const c = await makeCase(env.t, env.h, { status: "APPROVED", paidAmountFen: 3_000, approvedAmountFen: 1_200 });
    env.h.sandbox.setFaults([{ kind: "drop", path: "/v3/alipay/trade/refund", phase: "after", count: 1 }]);
    try {
      expect(await executeRefund(env.h.deps, c.merchantId, c.id)).toBe("done");
    } finally {
      env.h.sandbox.clearFaults();
    }
    const after = await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("REFUNDED");
    expect(after.refundedAmountFen).toBe(1_200);
    const trade = env.h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!;
    expect(trade.refunds).toHaveLength(1);
    const endpoints = (await env.t.prisma.apiCall.findMany({ where: { caseId: c.id }, orderBy: { createdAt: "asc" } })).map((x) => x.endpoint);
    expect(endpoints).toContain("trade.refund.query");
  });

  it("marks a refund Alipay refuses as failed, with the reason, and moves no money", async () => {
    const c = await makeCase(env.t, env.h, { status: "APPROVED", paidAmountFen: 1_000, approvedAmountFen: 1_000 });
    env.h.sandbox.setFaults([{ kind: "error_200", path: "/v3/alipay/trade/refund", code: "ACQ.SELLER_BALANCE_NOT_ENOUGH", count: 1 }]);
    try {
      await executeRefund(env.h.deps, c.merchantId, c.id);
    } finally {
      env.h.sandbox.clearFaults();
    }
    const after = await env.t.prisma.case.findUniqueOrThrow({ where: { id: c.id } });
    expect(after.status).toBe("FAILED");
    expect(after.lastError).toContain("ACQ.SELLER_BALANCE_NOT_ENOUGH");
    expect(after.refundedAmountFen).toBe(0);
    expect(env.h.sandbox.state().trades.find((x) => x.out_trade_no === c.outTradeNo)!.refunds).toHaveLength(0);
  });
});
