import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS, limitsFor, routeCase, type AiView, type CaseView, type Thresholds } from "./route";

const refund = (amount: number, paid = 100_000): CaseView => ({ kind: "REFUND", requestedAmountFen: amount, paidAmountFen: paid, refundedAmountFen: 0 });
const ai = (riskScore: number, confidence = 0.9, recommendation: "PASS" | "REVIEW" | "REJECT" = "PASS"): AiView => ({ ok: true, riskScore, confidence, recommendation });

describe("routeCase", () => {
  it("auto-approves a small, low-risk, confident refund", () => {
    expect(routeCase(refund(5_000), ai(0.1), DEFAULT_THRESHOLDS)).toEqual({ route: "AUTO_APPROVE", reasons: ["LOW_RISK"] });
  });
  it("auto-rejects a confident high-risk call", () => {
    expect(routeCase(refund(5_000), ai(0.85, 0.9, "REJECT"), DEFAULT_THRESHOLDS)).toEqual({ route: "AUTO_REJECT", reasons: ["HIGH_RISK"] });
  });
  it("reviews the grey band, low confidence, the amount limit and AI failure, naming each reason", () => {
    expect(routeCase(refund(5_000), ai(0.5, 0.9, "REVIEW"), DEFAULT_THRESHOLDS).reasons).toEqual(["AI_RECOMMENDS_REVIEW", "GREY_BAND"]);
    expect(routeCase(refund(5_000), ai(0.1, 0.6), DEFAULT_THRESHOLDS).reasons).toEqual(["LOW_CONFIDENCE"]);
    expect(routeCase(refund(20_001), ai(0.1), DEFAULT_THRESHOLDS).reasons).toEqual(["ABOVE_AMOUNT_LIMIT"]);
    expect(routeCase(refund(5_000), { ok: false }, DEFAULT_THRESHOLDS)).toEqual({ route: "REVIEW", reasons: ["AI_UNAVAILABLE"] });
  });
  it("keeps the limit inclusive: exactly 200 CNY may be automatic", () => {
    expect(routeCase(refund(20_000), ai(0.1), DEFAULT_THRESHOLDS).route).toBe("AUTO_APPROVE");
  });
  it("never auto-approves more than is refundable", () => {
    expect(routeCase({ ...refund(6_000, 10_000), refundedAmountFen: 5_000 }, ai(0.05), DEFAULT_THRESHOLDS)).toEqual({
      route: "REVIEW",
      reasons: ["EXCEEDS_REFUNDABLE"],
    });
  });
  it("sends every dispute to a person", () => {
    expect(routeCase({ ...refund(100), kind: "DISPUTE" }, ai(0.05), DEFAULT_THRESHOLDS).route).toBe("REVIEW");
  });
  it("applies a category's override and the merchant's choices for high risk and AI outages", () => {
    const th = { ...DEFAULT_THRESHOLDS, overrides: { teaware: { hitlLimitFen: 5_000 } } };
    expect(routeCase({ ...refund(6_000), merchantCategory: "teaware" }, ai(0.1), th).reasons).toEqual(["ABOVE_AMOUNT_LIMIT"]);
    expect(routeCase({ ...refund(6_000), merchantCategory: "tea" }, ai(0.1), th).route).toBe("AUTO_APPROVE");
    expect(routeCase(refund(100), ai(0.9, 0.9, "REJECT"), { ...th, highRiskAction: "REVIEW" }).reasons).toEqual(["HIGH_RISK"]);
    expect(routeCase(refund(100), { ok: false }, { ...th, aiUnavailable: "AUTO_REJECT" })).toEqual({ route: "AUTO_REJECT", reasons: ["AI_UNAVAILABLE"] });
    expect(routeCase(refund(30_000), { ok: false }, { ...th, aiUnavailable: "AUTO_REJECT" }).route).toBe("REVIEW");
  });

  it("reviews when the AI's words and score disagree", () => {
    expect(routeCase(refund(100), ai(0.1, 0.95, "REJECT"), DEFAULT_THRESHOLDS).reasons).toContain("AI_DISAGREES_WITH_SCORE");
  });

  // Property: whatever the AI says, nothing is automatic above the limit or under the floor.
  it("never decides automatically above the amount limit or under the confidence floor (10,000 random inputs)", () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const recs = ["PASS", "REVIEW", "REJECT"] as const;
    for (let i = 0; i < 10_000; i++) {
      const th: Thresholds = {
        ...DEFAULT_THRESHOLDS,
        aiUnavailable: rnd() < 0.5 ? "REVIEW" : "AUTO_REJECT",
        highRiskAction: rnd() < 0.5 ? "REVIEW" : "AUTO_REJECT",
        overrides: rnd() < 0.5 ? { tea: { hitlLimitFen: Math.floor(rnd() * 100_000), confidenceFloor: rnd() } } : {},
        version: 1,
        autoApproveBelow: Math.round(rnd() * 500) / 1000,
        autoRejectAtOrAbove: 0.5 + Math.round(rnd() * 500) / 1000,
        confidenceFloor: Math.round(rnd() * 1000) / 1000,
        hitlLimitFen: Math.floor(rnd() * 100_000),
      };
      const paid = 1 + Math.floor(rnd() * 200_000);
      const c: CaseView = { kind: rnd() < 0.8 ? "REFUND" : "DISPUTE", merchantCategory: rnd() < 0.5 ? "tea" : "teaware", paidAmountFen: paid, requestedAmountFen: Math.floor(rnd() * 250_000), refundedAmountFen: Math.floor(rnd() * paid) };
      const view: AiView = rnd() < 0.1 ? { ok: false } : { ok: true, riskScore: rnd() * 1.2 - 0.1, confidence: rnd(), recommendation: recs[Math.floor(rnd() * 3)]! };
      const { route } = routeCase(c, view, th);
      if (route === "REVIEW") continue;
      const limits = limitsFor(th, c.merchantCategory);
      expect(c.requestedAmountFen).toBeLessThanOrEqual(limits.hitlLimitFen);
      expect(c.requestedAmountFen).toBeLessThanOrEqual(c.paidAmountFen - c.refundedAmountFen);
      expect(c.kind).toBe("REFUND");
      if (route === "AUTO_APPROVE") {
        expect(view.ok && view.confidence >= limits.confidenceFloor).toBe(true);
        expect(view.ok && view.riskScore < limits.autoApproveBelow && view.recommendation !== "REJECT").toBe(true);
      } else {
        expect(!view.ok ? th.aiUnavailable : th.highRiskAction).toBe("AUTO_REJECT");
        if (view.ok) expect(view.confidence).toBeGreaterThanOrEqual(limits.confidenceFloor);
      }
    }
  });
});
