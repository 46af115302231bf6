import { z } from "zod";
import { createRng, gaussian, hashSeed } from "./rng";
import { formatFen, parseYuan } from "./money";

/** The deterministic stand-in for the AI models: same input + seed + drift => same answer. */

const yuan = z.string().refine((s) => parseYuan(s) !== null, "must be a yuan amount with at most 2 decimals");

export const aiContextSchema = z.object({
  out_trade_no: z.string().max(64).optional(),
  merchant_id: z.string().max(64).optional(),
  user_id: z.string().max(64).optional(),
  device_fingerprint: z.string().max(256).optional(),
  merchant_category: z.string().max(64).optional(),
  amount: yuan.optional(),
  currency: z.string().max(8).optional(),
  cross_border: z.boolean().optional(),
  locale: z.string().max(16).optional(),
  prompt: z.string().max(20_000).optional(),
  conversation_id: z.string().min(1).max(128).optional(),
});

export const riskScoreSchema = aiContextSchema.extend({
  /** "PAYMENT" or "REFUND"; free text is tolerated */
  scene: z.string().max(32).optional(),
});

export const refundAssessSchema = aiContextSchema.extend({
  refund_amount: yuan.optional(),
  refund_reason: z.string().max(20_000).optional(),
  order: z.record(z.string(), z.unknown()).optional(),
  history: z.record(z.string(), z.unknown()).optional(),
});

export const disputeAnalyzeSchema = aiContextSchema.extend({
  complain_event_id: z.string().max(64).optional(),
  complain_reason: z.string().max(2_000).optional(),
  content: z.string().max(20_000).optional(),
  trade_amount: yuan.optional(),
  order: z.record(z.string(), z.unknown()).optional(),
});

export type AiContext = z.infer<typeof aiContextSchema>;
export type RiskScoreRequest = z.infer<typeof riskScoreSchema>;
export type RefundAssessRequest = z.infer<typeof refundAssessSchema>;
export type DisputeAnalyzeRequest = z.infer<typeof disputeAnalyzeSchema>;

export type Recommendation = "PASS" | "REVIEW" | "REJECT";
export type Locale = "zh-CN" | "en";

export interface ModelSettings {
  seed: string;
  drift: boolean;
  /** added to every score while drift is on */
  driftShift: number;
}

export const MODEL_VERSION = "sbx-risk-2026.11.2";
export const DRIFT_MODEL_VERSION = "sbx-risk-2026.12.0-rc1";

export interface AiDecision {
  risk_score: number;
  recommendation: Recommendation;
  confidence_score: number;
  explanation: string;
  reasoning_log: string;
  model_version: string;
}

export interface RefundAssessment extends AiDecision {
  suggested_refund_amount: string;
  sentiment: "POSITIVE" | "NEUTRAL" | "NEGATIVE";
  anomalies: string[];
}

export interface DisputeAnalysis extends AiDecision {
  proposed_feedback_code: "00" | "02" | "03" | "04" | "05" | "06";
  draft_feedback_content: string;
  evidence_checklist: string[];
}

interface Factor {
  weight: number;
  en: string;
  zh: string;
}

const HIGH_RISK_CATEGORIES = ["digital_goods", "gaming", "gift_card", "crypto", "virtual", "5816", "7995", "6051"];
const ALARM_WORDS = /fraud|stolen|chargeback|hack|scam|urgent|欺诈|盗刷|被盗|诈骗|加急|投诉/i;
const CALM_WORDS = /thank|please|谢谢|麻烦|您好/i;
const ANGRY_WORDS = /terrible|angry|worst|never again|scam|垃圾|骗子|愤怒|太差/i;

export function resolveLocale(locale: string | undefined): Locale {
  return locale && !locale.toLowerCase().startsWith("zh") ? "en" : "zh-CN";
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;
const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

function contextFactors(ctx: AiContext): Factor[] {
  const factors: Factor[] = [];
  const fen = ctx.amount ? (parseYuan(ctx.amount) ?? 0) : 0;
  if (fen >= 500_000) factors.push({ weight: 0.22, en: "very large amount", zh: "金额很大" });
  else if (fen >= 50_000) factors.push({ weight: 0.1, en: "large amount", zh: "金额较大" });
  if (ctx.cross_border) factors.push({ weight: 0.12, en: "cross-border payment", zh: "跨境交易" });
  const category = ctx.merchant_category?.toLowerCase() ?? "";
  if (HIGH_RISK_CATEGORIES.some((c) => category.includes(c))) {
    factors.push({ weight: 0.14, en: "high-risk merchant category", zh: "高风险商户类目" });
  }
  if (!ctx.device_fingerprint) factors.push({ weight: 0.07, en: "no device fingerprint", zh: "缺少设备指纹" });
  if (ctx.prompt && ALARM_WORDS.test(ctx.prompt)) factors.push({ weight: 0.18, en: "alarming wording", zh: "描述中含有风险词" });
  return factors;
}

interface Scored {
  score: number;
  recommendation: Recommendation;
  confidence: number;
  rng: () => number;
}

/** Base score from features plus content-seeded noise; near a threshold the side is a coin flip. */
function score(kind: string, ctx: AiContext, extra: Factor[], settings: ModelSettings): Scored & { factors: Factor[] } {
  const rng = createRng(
    hashSeed(settings.seed, kind, ctx.out_trade_no, ctx.user_id, ctx.merchant_id, ctx.device_fingerprint, ctx.amount, ctx.currency, ctx.cross_border, ctx.merchant_category, ctx.prompt),
  );
  const factors = [...contextFactors(ctx), ...extra];
  let s = 0.02 + rng() * 0.28 + factors.reduce((sum, f) => sum + f.weight, 0) + gaussian(rng) * 0.06;
  if (settings.drift) s += settings.driftShift;
  s = round4(clamp(s, 0.0001, 0.9999));

  const band = 0.03;
  const flip = rng() < 0.5;
  let recommendation: Recommendation;
  if (s < 0.3 - band) recommendation = "PASS";
  else if (s < 0.3 + band) recommendation = flip ? "PASS" : "REVIEW";
  else if (s < 0.7 - band) recommendation = "REVIEW";
  else if (s < 0.7 + band) recommendation = flip ? "REVIEW" : "REJECT";
  else recommendation = "REJECT";

  // confident far from a threshold, unsure near one
  const distance = Math.min(Math.abs(s - 0.3), Math.abs(s - 0.7));
  const confidence = round4(clamp(0.6 + Math.min(1, distance / 0.12) * 0.38 + gaussian(rng) * 0.03, 0.3, 0.99));
  return { score: s, recommendation, confidence, rng, factors };
}

function explain(locale: Locale, recommendation: Recommendation, factors: Factor[]): string {
  const top = [...factors].sort((a, b) => b.weight - a.weight).slice(0, 3);
  if (locale === "en") {
    const verdict = { PASS: "Low risk", REVIEW: "Needs a human review", REJECT: "High risk" }[recommendation];
    return top.length ? `${verdict}: ${top.map((f) => f.en).join(", ")}.` : `${verdict}: no notable risk signals.`;
  }
  const verdict = { PASS: "风险较低", REVIEW: "建议人工复核", REJECT: "风险较高" }[recommendation];
  return top.length ? `${verdict}：${top.map((f) => f.zh).join("、")}。` : `${verdict}：未发现明显风险信号。`;
}

function reasoningLog(kind: string, version: string, request: object, output: object): string {
  // the exact prompt and completion, as a real model call would log them
  return [
    `[model] ${version}`,
    `[system] You are Alipay's ${kind} assistant. Answer with JSON: risk_score, recommendation, confidence_score, explanation.`,
    `[user] ${JSON.stringify(request)}`,
    `[assistant] ${JSON.stringify(output)}`,
  ].join("\n");
}

function decision(kind: string, request: AiContext, s: Scored & { factors: Factor[] }, settings: ModelSettings, extraOutput: object = {}): AiDecision {
  const locale = resolveLocale(request.locale);
  const version = settings.drift ? DRIFT_MODEL_VERSION : MODEL_VERSION;
  const explanation = explain(locale, s.recommendation, s.factors);
  const output = { risk_score: s.score, recommendation: s.recommendation, confidence_score: s.confidence, explanation, ...extraOutput };
  return {
    risk_score: s.score,
    recommendation: s.recommendation,
    confidence_score: s.confidence,
    explanation,
    reasoning_log: reasoningLog(kind, version, request, output),
    model_version: version,
  };
}

export function scoreRisk(req: RiskScoreRequest, settings: ModelSettings): AiDecision {
  const extra: Factor[] = req.scene?.toUpperCase() === "REFUND" ? [{ weight: 0.04, en: "refund scene", zh: "退款场景" }] : [];
  return decision("risk scoring", req, score("risk", req, extra, settings), settings);
}

function num(record: Record<string, unknown> | undefined, key: string): number {
  const v = record?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : 0;
}

export function assessRefund(req: RefundAssessRequest, settings: ModelSettings): RefundAssessment {
  const requested = parseYuan(req.refund_amount ?? req.amount ?? "0") ?? 0;
  const orderTotal = typeof req.order?.total_amount === "string" ? parseYuan(req.order.total_amount) : null;
  const anomalies: string[] = [];
  const extra: Factor[] = [];
  const en = resolveLocale(req.locale) === "en";
  if (orderTotal !== null && requested > orderTotal) {
    anomalies.push(en ? "requested more than the order total" : "申请金额超过订单金额");
    extra.push({ weight: 0.25, en: "amount above the order total", zh: "申请金额超过订单金额" });
  }
  const previousRefunds = num(req.history, "previous_refunds") + num(req.history, "refund_count");
  if (previousRefunds >= 3) {
    anomalies.push(en ? `frequent refunder (${previousRefunds} before)` : `频繁退款（此前 ${previousRefunds} 次）`);
    extra.push({ weight: 0.15, en: "frequent refunds", zh: "退款频繁" });
  }
  const reason = `${req.refund_reason ?? ""} ${req.prompt ?? ""}`;
  if (reason.trim().length < 4) {
    anomalies.push(en ? "no meaningful reason given" : "未给出有效理由");
    extra.push({ weight: 0.05, en: "no reason given", zh: "缺少理由" });
  }
  const sentiment: RefundAssessment["sentiment"] = ANGRY_WORDS.test(reason) ? "NEGATIVE" : CALM_WORDS.test(reason) ? "POSITIVE" : "NEUTRAL";
  const s = score("refund", { ...req, prompt: reason }, extra, settings);
  const cap = orderTotal !== null ? Math.min(requested, orderTotal) : requested;
  const suggested = s.recommendation === "REJECT" ? 0 : s.recommendation === "REVIEW" ? Math.floor((cap * (50 + Math.floor(s.rng() * 50))) / 100) : cap;
  const extraOut = { suggested_refund_amount: formatFen(suggested), sentiment, anomalies };
  return { ...decision("refund assessment", req, s, settings, extraOut), ...extraOut };
}

export function analyzeDispute(req: DisputeAnalyzeRequest, settings: ModelSettings): DisputeAnalysis {
  const text = `${req.complain_reason ?? ""} ${req.content ?? ""} ${req.prompt ?? ""}`;
  const en = resolveLocale(req.locale) === "en";
  let code: DisputeAnalysis["proposed_feedback_code"] = "04";
  if (/未收到|没收到|not received|never arrived|物流|shipping|delivery/i.test(text)) code = "03";
  else if (/质量|坏|broken|defect|quality|售后|after-sales/i.test(text)) code = "05";
  else if (/退款|refund|重复扣款|charged twice/i.test(text)) code = "02";
  else if (/不是本人|unauthori[sz]ed|not me|盗刷|stolen/i.test(text)) code = "06";
  const extra: Factor[] = code === "06" ? [{ weight: 0.2, en: "possible unauthorised payment", zh: "疑似非本人支付" }] : [];
  const s = score("dispute", { ...req, amount: req.amount ?? req.trade_amount, prompt: text }, extra, settings);
  const drafts: Record<DisputeAnalysis["proposed_feedback_code"], [string, string]> = {
    "00": ["We have refunded you from the guarantee deposit.", "已通过保证金为您退款。"],
    "02": ["We have refunded the payment; it should arrive within 3 business days.", "我们已为您办理退款，预计 3 个工作日内到账。"],
    "03": ["Your order has shipped; the tracking number is attached.", "您的订单已发货，物流单号见附件。"],
    "04": ["We have contacted you to resolve this; please check your messages.", "我们已联系您处理此问题，请留意消息。"],
    "05": ["After-sales service has been completed for your order.", "您的订单售后服务已处理完成。"],
    "06": ["Our records show this payment was made by the account holder.", "经核实，该笔交易为账户本人操作。"],
  };
  const checklists: Record<DisputeAnalysis["proposed_feedback_code"], [string[], string[]]> = {
    "00": [["refund voucher"], ["退款凭证"]],
    "02": [["refund voucher", "chat history"], ["退款凭证", "沟通记录"]],
    "03": [["tracking number", "proof of delivery", "shipping label photo"], ["物流单号", "签收证明", "面单照片"]],
    "04": [["chat history", "order details"], ["沟通记录", "订单详情"]],
    "05": [["after-sales ticket", "repair or replacement record"], ["售后工单", "维修或换货记录"]],
    "06": [["login and device record", "delivery address match", "previous orders"], ["登录及设备记录", "收货地址核对", "历史订单"]],
  };
  const draft = drafts[code][en ? 0 : 1];
  const evidence = checklists[code][en ? 0 : 1];
  const extraOut = { proposed_feedback_code: code, draft_feedback_content: draft, evidence_checklist: evidence };
  return { ...decision("dispute analysis", req, s, settings, extraOut), ...extraOut };
}
