/** Pure routing: (case, AI decision, threshold policy) → route and reasons. Deterministic rules win. */

export type RouteName = "AUTO_APPROVE" | "REVIEW" | "AUTO_REJECT";

export type Reason =
  | "AI_RECOMMENDS_REVIEW"
  | "AI_DISAGREES_WITH_SCORE"
  | "LOW_CONFIDENCE"
  | "GREY_BAND"
  | "ABOVE_AMOUNT_LIMIT"
  | "AI_UNAVAILABLE"
  | "EXCEEDS_REFUNDABLE"
  | "DISPUTE_NEEDS_PERSON"
  | "LOW_RISK"
  | "HIGH_RISK";

export interface Limits {
  /** Scores are probabilities, not money: plain numbers are exact enough at 3 decimals. */
  autoApproveBelow: number;
  autoRejectAtOrAbove: number;
  confidenceFloor: number;
  hitlLimitFen: number;
}

export interface Thresholds extends Limits {
  version: number;
  /** At or above autoRejectAtOrAbove: reject automatically, or send to a person. */
  highRiskAction: "AUTO_REJECT" | "REVIEW";
  /** When the AI failed, timed out or did not verify. */
  aiUnavailable: "REVIEW" | "AUTO_REJECT";
  /** Per merchant category, replacing any of the limits. */
  overrides: Record<string, Partial<Limits>>;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  version: 1,
  autoApproveBelow: 0.3,
  autoRejectAtOrAbove: 0.7,
  confidenceFloor: 0.75,
  hitlLimitFen: 20_000,
  highRiskAction: "AUTO_REJECT",
  aiUnavailable: "REVIEW",
  overrides: {},
};

/** The limits that apply to one category. */
export function limitsFor(th: Thresholds, category: string | undefined): Limits {
  const o = (category && th.overrides[category]) || {};
  return {
    autoApproveBelow: o.autoApproveBelow ?? th.autoApproveBelow,
    autoRejectAtOrAbove: o.autoRejectAtOrAbove ?? th.autoRejectAtOrAbove,
    confidenceFloor: o.confidenceFloor ?? th.confidenceFloor,
    hitlLimitFen: o.hitlLimitFen ?? th.hitlLimitFen,
  };
}

export type AiView =
  | { ok: true; riskScore: number; confidence: number; recommendation: "PASS" | "REVIEW" | "REJECT" }
  | { ok: false };

export interface CaseView {
  kind: "REFUND" | "DISPUTE";
  requestedAmountFen: number;
  paidAmountFen: number;
  refundedAmountFen: number;
  merchantCategory?: string;
}

export interface Routing {
  route: RouteName;
  reasons: Reason[];
}

export function routeCase(c: CaseView, ai: AiView, policy: Thresholds): Routing {
  const th = limitsFor(policy, c.merchantCategory);
  const review: Reason[] = [];
  if (c.kind === "DISPUTE") review.push("DISPUTE_NEEDS_PERSON");
  if (c.requestedAmountFen > c.paidAmountFen - c.refundedAmountFen) review.push("EXCEEDS_REFUNDABLE");
  if (c.requestedAmountFen > th.hitlLimitFen) review.push("ABOVE_AMOUNT_LIMIT");
  if (!ai.ok) {
    // Rejecting without the AI is the merchant's choice; anything a person must see still goes to one.
    if (policy.aiUnavailable === "AUTO_REJECT" && review.length === 0) return { route: "AUTO_REJECT", reasons: ["AI_UNAVAILABLE"] };
    return { route: "REVIEW", reasons: [...review, "AI_UNAVAILABLE"] };
  }

  if (ai.recommendation === "REVIEW") review.push("AI_RECOMMENDS_REVIEW");
  if (!(ai.confidence >= th.confidenceFloor)) review.push("LOW_CONFIDENCE");
  const low = ai.riskScore < th.autoApproveBelow;
  const high = ai.riskScore >= th.autoRejectAtOrAbove;
  if (!low && !high) review.push("GREY_BAND");
  if ((low && ai.recommendation === "REJECT") || (high && ai.recommendation === "PASS")) review.push("AI_DISAGREES_WITH_SCORE");
  if (!Number.isFinite(ai.riskScore) || ai.riskScore < 0 || ai.riskScore > 1) review.push("AI_UNAVAILABLE");

  if (high && policy.highRiskAction === "REVIEW") review.push("HIGH_RISK");
  if (review.length > 0) return { route: "REVIEW", reasons: review };
  return low ? { route: "AUTO_APPROVE", reasons: ["LOW_RISK"] } : { route: "AUTO_REJECT", reasons: ["HIGH_RISK"] };
}
