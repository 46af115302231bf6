import { createHash } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client";
import type { CaseStatus, Prisma } from "../generated/prisma/client";
import { hashPassword } from "../auth/passwords";
import { encryptReasoning, type ReasoningKey } from "../crypto/reasoning";
import { DEFAULT_THRESHOLDS, routeCase, type AiView } from "../policy/route";
import { DEMO_MERCHANTS, DEMO_PASSWORD, DEMO_USERS } from "./accounts";
import { rng, type Rng } from "./rng";

const DAY = 86_400_000;

const DRIFT_DAYS = 14;
export const MODEL_BEFORE = "risk-2026.09";
export const MODEL_AFTER = "risk-2026.11";

const CATALOG: Record<string, { categories: string[]; price: [number, number] }> = {
  "m-teahouse": { categories: ["tea", "teaware", "gift_box"], price: [3_800, 68_000] },
  "m-gadgets": { categories: ["electronics", "accessories", "digital_goods"], price: [2_900, 129_900] },
};

const REASONS = {
  "zh-CN": ["商品与描述不符", "未收到货", "包装破损，商品受损", "重复扣款", "不想要了，七天无理由退货", "收到的是假货", "配件缺失", "物流太慢，已在别处购买"],
  en: ["Item not as described", "Parcel never arrived", "Box crushed, product damaged", "Charged twice", "Changed my mind within 7 days", "Received a counterfeit", "Parts missing", "Shipping too slow, bought elsewhere"],
};

function money(r: Rng, [min, max]: [number, number]) {
  // Log-uniform: many small orders; about 5% above the 200 CNY human-in-the-loop limit.
  const [lo, hi] = r.chance(0.05) ? [20_100, max] : [min, 19_900];
  const v = Math.exp(Math.log(lo) + r.next() * (Math.log(hi) - Math.log(lo)));
  return Math.round(v / 10) * 10;
}

const clamp = (v: number, lo = 0.001, hi = 0.999) => Math.min(hi, Math.max(lo, v));
const yuan6 = (micro: number) => (micro / 1e6).toFixed(6); // micro-yuan are integers: exact below 2^53

function aiFor(r: Rng, drifted: boolean): { view: AiView; model: string } {
  if (r.chance(0.012)) return { view: { ok: false }, model: drifted ? MODEL_AFTER : MODEL_BEFORE };
  const bucket = r.next();
  let score = bucket < 0.86 ? r.normal(0.1, 0.05) : bucket < 0.9 ? 0.3 + r.next() * 0.4 : r.normal(0.82, 0.07);
  if (drifted) score += 0.06 + r.next() * 0.04;
  score = clamp(score);
  const confidence = clamp(score > 0.3 && score < 0.7 ? r.normal(0.72, 0.08) : r.normal(0.9, 0.05), 0.4, 0.99);
  const recommendation = score < 0.3 ? "PASS" : score >= 0.7 ? "REJECT" : "REVIEW";
  return {
    view: { ok: true, riskScore: Number(score.toFixed(4)), confidence: Number(confidence.toFixed(4)), recommendation },
    model: drifted ? MODEL_AFTER : MODEL_BEFORE,
  };
}

export interface SeedSummary {
  merchants: number;
  users: number;
  cases: number;
  /** Refunds an agent approved, and dispute replies an agent sent, that Alipay refused (the failed lane). */
  failed: number;
  reviewShare: number;
  open: number;
}

/** Deterministic demo data: two merchants, their users, and 60 days of cases. Skips if seeded. */
export async function seedDemo(
  prisma: PrismaClient,
  { reasoningKey, now = new Date(), casesPerMerchant = 3_000 }: { reasoningKey: ReasoningKey; now?: Date; casesPerMerchant?: number },
): Promise<SeedSummary | null> {
  if ((await prisma.merchant.count()) > 0) return null;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await prisma.merchant.createMany({ data: DEMO_MERCHANTS.map((m) => ({ ...m })) });
  const userIds = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const created = await prisma.user.create({
      data: { email: u.email, name: u.name, passwordHash, memberships: { create: u.memberships.map((m) => ({ merchantId: m.merchantId, role: m.role })) } },
    });
    userIds.set(u.email, created.id);
  }

  let total = 0;
  let reviewed = 0;
  let open = 0;
  let failed = 0;
  for (const [mi, merchant] of DEMO_MERCHANTS.entries()) {
    const r = rng(20261122 + mi);
    const catalog = CATALOG[merchant.id]!;
    const slug = merchant.id.replace("m-", "");
    const agentId = userIds.get(`agent@${slug}.demo`)!;
    const adminId = userIds.get(`admin@${slug}.demo`)!;
    await prisma.thresholdPolicy.create({
      data: {
        merchantId: merchant.id,
        version: 1,
        autoApproveBelow: DEFAULT_THRESHOLDS.autoApproveBelow.toFixed(3),
        autoRejectAtOrAbove: DEFAULT_THRESHOLDS.autoRejectAtOrAbove.toFixed(3),
        confidenceFloor: DEFAULT_THRESHOLDS.confidenceFloor.toFixed(3),
        hitlLimitFen: DEFAULT_THRESHOLDS.hitlLimitFen,
        note: "Defaults",
        createdById: adminId,
        createdAt: new Date(now.getTime() - 61 * DAY),
        activatedAt: new Date(now.getTime() - 61 * DAY),
      },
    });

    const cases: Prisma.CaseCreateManyInput[] = [];
    const decisions: Prisma.AiDecisionCreateManyInput[] = [];
    const calls: Prisma.ApiCallCreateManyInput[] = [];
    const audits: Prisma.AuditEventCreateManyInput[] = [];
    let openRefunds = 0;
    let openDisputes = 0;

    for (let i = 0; i < casesPerMerchant; i++) {
      const ageMs = Math.floor(r.next() ** 1.15 * 60 * DAY);
      const createdAt = new Date(now.getTime() - ageMs);
      const drifted = ageMs < DRIFT_DAYS * DAY;
      const kind = r.chance(0.06) ? "DISPUTE" : "REFUND";
      const locale = r.chance(0.75) ? "zh-CN" : "en";
      const crossBorder = r.chance(0.1);
      const paid = money(r, catalog.price);
      const requested = r.chance(0.78) ? paid : Math.max(100, Math.round((paid * r.int(20, 90)) / 1000) * 10);
      const id = `c_${slug}_${String(i).padStart(5, "0")}`;
      const outTradeNo = `${slug.slice(0, 3).toUpperCase()}${createdAt.toISOString().slice(0, 10).replace(/-/g, "")}${String(i).padStart(5, "0")}`;
      const { view, model } = aiFor(r, drifted);
      const category = r.pick(catalog.categories);
      const routing = routeCase({ kind, requestedAmountFen: requested, paidAmountFen: paid, refundedAmountFen: 0, merchantCategory: category }, view, DEFAULT_THRESHOLDS);
      const assessedAt = new Date(createdAt.getTime() + r.int(800, 4_000));
      const reasonText = r.pick(REASONS[locale]);
      if (routing.route === "REVIEW") reviewed++;

      let status: CaseStatus;
      let refunded = 0;
      let decidedAt: Date | null = null;
      let decidedById: string | null = null;
      let decisionCode: string | null = null;
      const isOpen = routing.route === "REVIEW" && ageMs < (kind === "DISPUTE" ? 4 : 2) * DAY;
      if (isOpen) {
        status = "REVIEW";
        open++;
      } else if (kind === "DISPUTE") {
        status = "FEEDBACK_SUBMITTED";
        decidedAt = new Date(assessedAt.getTime() + r.int(1, 40) * 3_600_000);
        decidedById = agentId;
        decisionCode = "FEEDBACK";
      } else if (routing.route === "AUTO_APPROVE") {
        status = "REFUNDED";
        refunded = requested;
        decidedAt = assessedAt;
      } else if (routing.route === "AUTO_REJECT") {
        status = "REJECTED";
        decidedAt = assessedAt;
        decisionCode = "HIGH_RISK";
        if (view.ok && view.riskScore < 0.8 && r.chance(0.08)) {
          // The buyer complained and an agent found the rejection wrong.
          status = "REFUNDED";
          refunded = requested;
          decidedById = agentId;
          decidedAt = new Date(assessedAt.getTime() + r.int(2, 48) * 3_600_000);
          decisionCode = "APPROVE_VALID_CLAIM";
        }
      } else {
        decidedAt = new Date(assessedAt.getTime() + r.int(5, 600) * 60_000);
        decidedById = agentId;
        const roll = r.next();
        if (roll < 0.55) {
          status = "REFUNDED";
          refunded = requested;
          decisionCode = "APPROVE_VALID_CLAIM";
        } else if (roll < 0.7) {
          status = "REFUNDED";
          refunded = Math.max(100, Math.round(requested / 20) * 10);
          decisionCode = "PARTIAL_GOODWILL";
        } else {
          status = "REJECTED";
          decisionCode = "REJECT_NO_EVIDENCE";
        }
      }

      cases.push({
        id,
        merchantId: merchant.id,
        kind,
        status,
        outTradeNo,
        tradeNo: `2026${createHash("sha1").update(outTradeNo).digest("hex").slice(0, 20)}`,
        outRequestNo: `RF-${id}`,
        paidAmountFen: paid,
        requestedAmountFen: requested,
        refundedAmountFen: refunded,
        reasonText,
        customerId: `2088${String(r.int(10_000_000, 99_999_999))}${String(r.int(1000, 9999))}`,
        deviceFingerprint: r.chance(0.9) ? createHash("md5").update(`${slug}${r.int(1, 2000)}`).digest("hex").slice(0, 16) : null,
        merchantCategory: category,
        handlingMs: decidedById ? r.int(45_000, 9 * 60_000) : null,
        crossBorder,
        locale,
        complainEventId: kind === "DISPUTE" ? `CE${outTradeNo}` : null,
        disputeDeadline: kind === "DISPUTE" ? new Date(createdAt.getTime() + 7 * DAY) : null,
        route: routing.route,
        routeReasons: routing.reasons,
        decidedAt,
        decidedById,
        decisionCode,
        createdAt,
        updatedAt: decidedAt ?? assessedAt,
      });

      const endpoint = kind === "DISPUTE" ? "ai.dispute.analyze" : "ai.refund.assess";
      decisions.push({
        merchantId: merchant.id,
        caseId: id,
        endpoint,
        conversationId: `conv-${id}`,
        riskScore: view.ok ? view.riskScore.toFixed(4) : null,
        confidence: view.ok ? view.confidence.toFixed(4) : null,
        recommendation: view.ok ? view.recommendation : null,
        explanation: view.ok
          ? locale === "zh-CN"
            ? `风险评分 ${view.riskScore.toFixed(2)}：${view.riskScore < 0.3 ? "买家历史良好，理由与订单一致。" : view.riskScore < 0.7 ? "理由与物流记录部分不符，建议人工核实。" : "设备与多笔近期退款关联，存在欺诈风险。"}`
            : `Risk ${view.riskScore.toFixed(2)}: ${view.riskScore < 0.3 ? "good buyer history; reason matches the order." : view.riskScore < 0.7 ? "reason partly contradicts tracking; verify." : "device linked to several recent refunds."}`
          : null,
        reasoningLogEnc: view.ok
          ? encryptReasoning(`PROMPT: assess refund ${outTradeNo} amount=${requested} reason="${reasonText}"\nMODEL(${model}): score=${view.riskScore} confidence=${view.confidence}`, reasoningKey)
          : null,
        modelVersion: view.ok ? model : null,
        suggestedRefundFen: view.ok && kind === "REFUND" ? (view.riskScore < 0.3 ? requested : Math.round(requested / 20) * 10) : null,
        sentiment: view.ok ? r.pick(["neutral", "frustrated", "angry", "polite"]) : null,
        anomalies: view.ok && view.riskScore > 0.5 ? r.pick([["device_reuse"], ["reason_mismatch"], ["refund_velocity", "new_account"]]) : [],
        proposedFeedbackCode: kind === "DISPUTE" && view.ok ? r.pick(["02", "03", "04", "06"]) : null,
        draftFeedback: kind === "DISPUTE" && view.ok ? (locale === "zh-CN" ? "您好，已核实订单，我们将为您处理。" : "We have checked the order and will resolve it.") : null,
        policyVersion: 1,
        route: routing.route,
        reasons: routing.reasons,
        failure: view.ok ? null : "TIMEOUT",
        createdAt: assessedAt,
      });

      const call = (endpointName: string, micro: number, at: Date, extra: Partial<Prisma.ApiCallCreateManyInput> = {}) =>
        calls.push({
          merchantId: merchant.id,
          caseId: id,
          endpoint: endpointName,
          requestId: createHash("md5").update(`${id}${endpointName}${calls.length}`).digest("hex"),
          traceId: `0b${createHash("md5").update(`t${id}${calls.length}`).digest("hex").slice(0, 28)}`,
          modelVersion: endpointName.startsWith("ai.") ? model : null,
          httpStatus: 200,
          latencyMs: r.int(180, 520),
          attempt: 1,
          outcome: "SUCCESS",
          costCny: yuan6(micro),
          priceVersion: "2026-11-list",
          createdAt: at,
          ...extra,
        });
      if (r.chance(0.02)) call(kind === "DISPUTE" ? "ai.dispute.analyze" : "ai.risk.score", 0, createdAt, { httpStatus: 429, code: "app-call-limited", outcome: "RATE_LIMITED" });
      if (!view.ok) {
        call(endpoint, 0, assessedAt, { httpStatus: null, outcome: "TIMEOUT", latencyMs: 800 });
      } else if (kind === "DISPUTE") {
        call("ai.dispute.analyze", 50_000, assessedAt);
      } else {
        call("ai.risk.score", crossBorder ? 50_000 : 20_000, assessedAt);
        call("ai.refund.assess", 30_000 * Math.ceil(r.int(400, 2_600) / 1_000), assessedAt);
      }
      if (refunded > 0 && decidedAt) {
        call("trade.refund", 0, decidedAt, { modelVersion: null, feeCny: yuan6(refunded * 60) }); // 0.6% of fen → micro-yuan: fen·10⁴·0.006
      }

      if (routing.route === "AUTO_APPROVE" && view.ok && view.riskScore > 0.18 && r.chance(0.12) && ageMs > 3 * DAY) {
        // Fraud that got through: the trade comes back as a complaint days later.
        const disputedAt = new Date(createdAt.getTime() + r.int(1, 3) * DAY);
        cases.push({
          id: `${id}_d`,
          merchantId: merchant.id,
          kind: "DISPUTE",
          status: "CLOSED",
          outTradeNo,
          outRequestNo: `DP-${id}`,
          paidAmountFen: paid,
          requestedAmountFen: requested,
          reasonText: locale === "zh-CN" ? "未授权的交易" : "I did not make this purchase",
          customerId: `2088${String(r.int(10_000_000, 99_999_999))}0000`,
          merchantCategory: category,
          locale,
          complainEventId: `CE${outTradeNo}L`,
          disputeDeadline: new Date(disputedAt.getTime() + 3 * DAY),
          route: "REVIEW",
          routeReasons: ["DISPUTE_NEEDS_PERSON"],
          createdAt: disputedAt,
          updatedAt: disputedAt,
        });
        audits.push({ merchantId: merchant.id, action: "dispute.received", targetType: "case", targetId: `${id}_d`, after: { complainEventId: `CE${outTradeNo}L` }, createdAt: disputedAt });
      }
      if (isOpen && kind === "REFUND" && openRefunds++ % 25 === 3) {
        // An agent approved it and Alipay refused the refund: it waits in the failed lane for a retry.
        // One open refund in 25, counted rather than drawn from r, so the rest of the demo stays the same.
        const approvedAt = new Date(assessedAt.getTime() + 20 * 60_000);
        Object.assign(cases.at(-1)!, {
          status: "FAILED",
          approvedAmountFen: requested,
          decidedAt: approvedAt,
          decidedById: agentId,
          decisionCode: "APPROVE_VALID_CLAIM",
          handlingMs: 150_000,
          lastError: "ACQ.SELLER_BALANCE_NOT_ENOUGH: seller balance is not enough",
          updatedAt: approvedAt,
        } satisfies Partial<Prisma.CaseCreateManyInput>);
        open--;
        failed++;
        audits.push({ merchantId: merchant.id, actorId: agentId, action: "case.approved", targetType: "case", targetId: id, before: { status: "REVIEW" }, after: { status: "APPROVED", decisionCode: "APPROVE_VALID_CLAIM" }, createdAt: approvedAt });
        audits.push({ merchantId: merchant.id, action: "refund.failed", targetType: "case", targetId: id, before: { status: "EXECUTING" }, after: { status: "FAILED", code: "ACQ.SELLER_BALANCE_NOT_ENOUGH" }, createdAt: new Date(approvedAt.getTime() + 1_500) });
      }
      if (isOpen && kind === "DISPUTE" && openDisputes++ % 5 === 1) {
        // An agent replied and Alipay refused the reply: it waits in the failed lane to be reopened.
        const repliedAt = new Date(assessedAt.getTime() + 45 * 60_000);
        const content = locale === "zh-CN" ? `您好，请加我微信 ${slug}-shop 处理退款。` : `Hello, add me on WeChat at ${slug}-shop and we will sort out the refund.`;
        Object.assign(cases.at(-1)!, {
          status: "FAILED",
          decidedAt: repliedAt,
          decidedById: agentId,
          decisionCode: "FEEDBACK_02",
          feedbackCode: "02",
          feedbackContent: content,
          lastError: "INVALID_PARAMETER: feedback_content must not ask the customer to leave Alipay",
          updatedAt: repliedAt,
        } satisfies Partial<Prisma.CaseCreateManyInput>);
        open--;
        failed++;
        audits.push({ merchantId: merchant.id, actorId: agentId, action: "dispute.feedback_queued", targetType: "case", targetId: id, before: { status: "REVIEW" }, after: { feedbackCode: "02", content }, createdAt: repliedAt });
        audits.push({ merchantId: merchant.id, action: "dispute.feedback_failed", targetType: "case", targetId: id, after: { code: "INVALID_PARAMETER" }, createdAt: new Date(repliedAt.getTime() + 1_500) });
      }
      audits.push({ merchantId: merchant.id, action: "case.created", targetType: "case", targetId: id, after: { requestedAmountFen: requested, kind }, createdAt });
      audits.push({ merchantId: merchant.id, action: "case.routed", targetType: "case", targetId: id, after: { route: routing.route, reasons: routing.reasons, policyVersion: 1 }, createdAt: assessedAt });
      if (decidedById && decidedAt) {
        audits.push({ merchantId: merchant.id, actorId: decidedById, action: kind === "DISPUTE" ? "dispute.feedback_submitted" : `case.${status === "REJECTED" ? "rejected" : "approved"}`, targetType: "case", targetId: id, before: { status: "REVIEW" }, after: { status, decisionCode, refundedAmountFen: refunded }, createdAt: decidedAt });
      }
      if (refunded > 0 && decidedAt) {
        audits.push({ merchantId: merchant.id, action: "refund.executed", targetType: "case", targetId: id, after: { refundedAmountFen: refunded, fundChange: "Y" }, createdAt: new Date(decidedAt.getTime() + 1_500) });
      }
    }

    audits.sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime());
    for (let i = 0; i < cases.length; i += 1_000) await prisma.case.createMany({ data: cases.slice(i, i + 1_000) });
    for (let i = 0; i < decisions.length; i += 1_000) await prisma.aiDecision.createMany({ data: decisions.slice(i, i + 1_000) });
    for (let i = 0; i < calls.length; i += 2_000) await prisma.apiCall.createMany({ data: calls.slice(i, i + 2_000) });
    for (let i = 0; i < audits.length; i += 2_000) await prisma.auditEvent.createMany({ data: audits.slice(i, i + 2_000) });
    total += cases.length;
  }
  return { merchants: DEMO_MERCHANTS.length, users: DEMO_USERS.length, cases: total, reviewShare: reviewed / total, open, failed };
}
