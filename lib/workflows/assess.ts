import { isAlipayError, ThrottledError } from "../alipay/errors";
import type { DisputeAnalyzeResponse, RefundAssessResponse, RiskScoreResponse } from "../alipay/schemas";
import { recordAudit } from "../audit/record";
import { encryptReasoning } from "../crypto/reasoning";
import type { CaseStatus } from "../generated/prisma/enums";
import { routeCase, type AiView } from "../policy/route";
import { currentThresholds } from "../policy/store";
import type { StepResult, WorkflowDeps } from "./deps";

const STATUS_FOR_ROUTE = { AUTO_APPROVE: "APPROVED", REVIEW: "REVIEW", AUTO_REJECT: "REJECTED" } as const satisfies Record<string, CaseStatus>;

const reasoningText = (log: unknown) => (typeof log === "string" ? log : JSON.stringify(log));

/**
 * Asks the AI about a new case, routes it with the policy in force, and stores the decision.
 * conversation_id is derived from the case, so a retried job is never decided or billed twice.
 */
export async function assessCase({ prisma, client, reasoningKey }: WorkflowDeps, merchantId: string, caseId: string): Promise<StepResult> {
  const c = await prisma.case.findFirst({ where: { id: caseId, merchantId } });
  if (!c || (c.status !== "NEW" && c.status !== "ASSESSING")) return "skipped";
  const ctx = { merchantId, caseId };
  const common = {
    out_trade_no: c.outTradeNo,
    merchant_id: merchantId,
    user_id: c.customerId,
    ...(c.deviceFingerprint && { device_fingerprint: c.deviceFingerprint }),
    merchant_category: c.merchantCategory,
    amount: c.requestedAmountFen,
    currency: c.currency,
    cross_border: c.crossBorder,
    locale: c.locale === "en" ? ("en" as const) : ("zh-CN" as const),
  };

  let ai: AiView = { ok: false };
  let endpoint = c.kind === "REFUND" ? "ai.refund.assess" : "ai.dispute.analyze";
  let failure: string | null = null;
  let detail: Partial<RefundAssessResponse & DisputeAnalyzeResponse> = {};
  let reasoning: string | null = null;
  try {
    if (c.kind === "REFUND") {
      const risk: RiskScoreResponse = (await client.riskScore({ ...common, conversation_id: `${c.id}:risk` }, ctx)).data;
      const assess = (
        await client.refundAssess(
          { ...common, refund_reason: c.reasonText, refund_amount: c.requestedAmountFen, order: { paid_amount_fen: c.paidAmountFen }, conversation_id: `${c.id}:assess` },
          ctx,
        )
      ).data;
      // Two opinions: act on the more cautious one.
      ai = {
        ok: true,
        riskScore: Math.max(risk.risk_score, assess.risk_score),
        confidence: Math.min(risk.confidence_score, assess.confidence_score),
        recommendation: assess.recommendation === "PASS" && risk.recommendation !== "PASS" ? risk.recommendation : assess.recommendation,
      };
      detail = assess;
      reasoning = `${reasoningText(risk.reasoning_log)}\n---\n${reasoningText(assess.reasoning_log)}`;
    } else {
      const d = (await client.disputeAnalyze({ ...common, complain_event_id: c.complainEventId ?? undefined, complain_reason: c.reasonText, conversation_id: `${c.id}:dispute` }, ctx)).data;
      ai = { ok: true, riskScore: d.risk_score, confidence: d.confidence_score, recommendation: d.recommendation };
      detail = d;
      reasoning = reasoningText(d.reasoning_log);
    }
  } catch (err) {
    // Throttled by our own rate limit: nothing was asked, so nothing is decided; the job comes back.
    if (!isAlipayError(err) || err instanceof ThrottledError) throw err;
    failure = err.name;
    endpoint = c.kind === "REFUND" ? "ai.refund.assess" : "ai.dispute.analyze";
  }

  return prisma.$transaction(async (tx) => {
    const policy = await currentThresholds(tx, merchantId);
    const routing = routeCase(
      { kind: c.kind, requestedAmountFen: c.requestedAmountFen, paidAmountFen: c.paidAmountFen, refundedAmountFen: c.refundedAmountFen, merchantCategory: c.merchantCategory },
      ai,
      policy,
    );
    const status = STATUS_FOR_ROUTE[routing.route];
    const moved = await tx.case.updateMany({
      where: { id: c.id, merchantId, status: { in: ["NEW", "ASSESSING"] } },
      data: {
        status,
        route: routing.route,
        routeReasons: routing.reasons,
        version: { increment: 1 },
        ...(routing.route === "AUTO_APPROVE" && { approvedAmountFen: c.requestedAmountFen, decidedAt: new Date() }),
        ...(routing.route === "AUTO_REJECT" && { decidedAt: new Date(), decisionCode: "HIGH_RISK" }),
      },
    });
    if (moved.count === 0) return "skipped" as const;
    await tx.aiDecision.create({
      data: {
        merchantId,
        caseId: c.id,
        endpoint,
        conversationId: `${c.id}:${c.kind === "REFUND" ? "assess" : "dispute"}`,
        riskScore: ai.ok ? ai.riskScore.toFixed(4) : null,
        confidence: ai.ok ? ai.confidence.toFixed(4) : null,
        recommendation: ai.ok ? ai.recommendation : null,
        explanation: detail.explanation ?? null,
        reasoningLogEnc: reasoning ? encryptReasoning(reasoning, reasoningKey) : null,
        modelVersion: detail.model_version ?? null,
        suggestedRefundFen: typeof detail.suggested_refund_amount === "number" ? detail.suggested_refund_amount : null,
        sentiment: detail.sentiment ?? null,
        anomalies: (detail.anomalies ?? []).map((a) => (typeof a === "string" ? a : JSON.stringify(a))),
        proposedFeedbackCode: detail.proposed_feedback_code ?? null,
        draftFeedback: detail.draft_feedback_content ?? null,
        policyVersion: policy.version,
        route: routing.route,
        reasons: routing.reasons,
        failure,
      },
    });
    if (routing.route === "AUTO_APPROVE") {
      await tx.job.create({ data: { merchantId, kind: "execute_refund", caseId: c.id } });
    }
    await recordAudit(tx, {
      merchantId,
      actorId: null,
      action: "case.routed",
      targetType: "case",
      targetId: c.id,
      before: { status: c.status },
      after: { status, route: routing.route, reasons: routing.reasons, policyVersion: policy.version, ...(failure && { failure }) },
    });
    return "done" as const;
  });
}
