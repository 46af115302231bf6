import { describe, expect, it } from "vitest";
import { markerLines, percent, psiAxisTop, thresholdMark, type DriftRow } from "./charts";
import { buildInsights, overrules, type Aggregates } from "./series";

describe("insights chart preparation", () => {
  it("puts a threshold on the nearest bin edge", () => {
    expect(thresholdMark(0.3)).toEqual({ x: "0.30", position: "start" });
    expect(thresholdMark(0.71)).toEqual({ x: "0.70", position: "start" });
    expect(thresholdMark(0.74)).toEqual({ x: "0.75", position: "start" });
    expect(thresholdMark(0)).toEqual({ x: "0.00", position: "start" });
    expect(thresholdMark(1)).toEqual({ x: "0.95", position: "end" });
  });

  it("keeps the PSI bands visible and rounds a large PSI up", () => {
    const row = (v: number | null): DriftRow => ({ day: "2026-11-01", score: v, confidence: null, mix: 0.01 });
    expect(psiAxisTop([row(0.05)])).toBe(0.5);
    expect(psiAxisTop([row(1.62), row(null)])).toBe(1.75);
  });

  it("merges markers of the same day and kind", () => {
    expect(
      markerLines([
        { day: "2026-11-01", kind: "threshold", label: "v2" },
        { day: "2026-11-01", kind: "threshold", label: "v3" },
        { day: "2026-11-01", kind: "model", label: "m2" },
      ]),
    ).toEqual([
      { day: "2026-11-01", kind: "threshold", label: "v2, v3" },
      { day: "2026-11-01", kind: "model", label: "m2" },
    ]);
    expect(percent(0.1234)).toBe("12.3%");
    expect(percent(null)).toBe("—");
  });
});

const day = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 86_400_000).toISOString().slice(0, 10);

describe("buildInsights", () => {
  const empty: Aggregates = { bins: [], mix: [], outcomes: [], fraud: [], thresholdChanges: [] };

  it("is empty without data and gives no PSI for days without decisions", () => {
    const v = buildInsights(day(60), 14, empty);
    expect(v.drift).toHaveLength(90);
    expect(v.drift.every((d) => d.score.psi === null)).toBe(true);
    expect(v.totals).toEqual({ window: 0, reference: 0, windowUnscored: 0 });
    expect(v.conditions).toEqual([]);
  });

  it("computes each day's PSI against the 30 days before it, marks the model change and alerts once per run", () => {
    const bins: Aggregates["bins"] = [];
    const mix: Aggregates["mix"] = [];
    for (let i = 0; i < 60; i++) {
      const shifted = i >= 50;
      // 100 decisions a day: before, bins 2–3; from day 50, bins 5–6.
      for (const [bin, count] of (shifted ? [[5, 50], [6, 50]] : [[2, 50], [3, 50]]) as [number, number][]) bins.push({ day: day(i), metric: 0, bin, count });
      bins.push({ day: day(i), metric: 1, bin: 18, count: 100 });
      mix.push({ day: day(i), modelVersion: shifted ? "m2" : "m1", recommendation: "PASS", count: 100 });
    }
    const v = buildInsights(day(59), 7, { ...empty, bins, mix, thresholdChanges: [{ day: day(40), version: "2" }] });
    const at = (i: number) => v.drift.find((d) => d.day === day(i))!;
    expect(at(40).score.psi).toBe(0);
    expect(at(40).score.ks).toBe(0);
    // Frozen reference groups [bins ≤ 2 | bins ≥ 3] hold 50/50; the day is 0/100: ε stands in for the empty group.
    expect(at(50).score.psi!).toBeCloseTo((1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2), 12);
    expect(at(50).score.ks).toBe(1);
    expect(at(50).confidence.psi).toBe(0);
    expect(at(0).score.psi).toBeNull(); // nothing before it to compare with
    expect(v.markers).toEqual([
      { day: day(40), kind: "threshold", label: "v2" },
      { day: day(50), kind: "model", label: "m2" },
    ]);
    expect(v.conditions).toEqual([{ kind: "PSI_SCORE", day: day(50), value: at(52).score.psi }]);
    // Window = days 53..59 (all shifted), reference = the 30 days before (days 23..52, 3 of them shifted).
    expect(v.histograms.score.find((b) => b.bin === 5)!.window).toBe(0.5);
    expect(v.histograms.score.find((b) => b.bin === 2)!.reference).toBeCloseTo(27 / 60, 12);
    expect(v.totals).toEqual({ window: 700, reference: 3000, windowUnscored: 0 });
  });

  it("flags a REVIEW share jump while confirmed fraud stays flat, and not when fraud rises with it", () => {
    const mix: Aggregates["mix"] = [];
    const fraud: Aggregates["fraud"] = [];
    for (let i = 0; i < 60; i++) {
      const review = i >= 55 ? 30 : 5;
      mix.push({ day: day(i), modelVersion: "m1", recommendation: "PASS", count: 100 - review });
      mix.push({ day: day(i), modelVersion: "m1", recommendation: "REVIEW", count: review });
      fraud.push({ day: day(i), cases: 100, fraud: 2 });
    }
    const conditions = buildInsights(day(59), 7, { ...empty, mix, fraud }).conditions;
    expect(conditions.some((c) => c.kind === "PSI_MIX")).toBe(true);
    const jump = conditions.filter((c) => c.kind === "REVIEW_SHARE_JUMP");
    expect(jump).toHaveLength(1);
    expect(jump[0]).toMatchObject({ kind: "REVIEW_SHARE_JUMP" });
    expect(jump[0]!.day >= day(55)).toBe(true);
    const withFraud = fraud.map((f, i) => (i >= 55 ? { ...f, fraud: 20 } : f));
    expect(buildInsights(day(59), 7, { ...empty, mix, fraud: withFraud }).conditions.filter((c) => c.kind === "REVIEW_SHARE_JUMP")).toEqual([]);
  });

  it("counts overrules against PASS / REJECT, false positives and disputed approvals", () => {
    const o = overrules([
      { modelVersion: "m1", recommendation: "PASS", route: "REVIEW", decisionCode: "REJECT_NO_EVIDENCE", agentId: "u1", outcome: "REJECTED", disputed: false, count: 3 },
      { modelVersion: "m1", recommendation: "PASS", route: "REVIEW", decisionCode: "APPROVE_VALID_CLAIM", agentId: "u1", outcome: "APPROVED", disputed: true, count: 7 },
      { modelVersion: "m2", recommendation: "REJECT", route: "AUTO_REJECT", decisionCode: "APPROVE_VALID_CLAIM", agentId: "u2", outcome: "APPROVED", disputed: false, count: 2 },
      { modelVersion: "m2", recommendation: "REVIEW", route: "REVIEW", decisionCode: "APPROVE_VALID_CLAIM", agentId: "u2", outcome: "APPROVED", disputed: false, count: 5 },
      { modelVersion: "m2", recommendation: "REJECT", route: "AUTO_REJECT", decisionCode: "HIGH_RISK", agentId: "", outcome: "REJECTED", disputed: false, count: 8 },
      { modelVersion: "m1", recommendation: "PASS", route: "AUTO_APPROVE", decisionCode: "", agentId: "", outcome: "APPROVED", disputed: false, count: 30 },
      { modelVersion: "m1", recommendation: "REVIEW", route: "REVIEW", decisionCode: "", agentId: "", outcome: "OPEN", disputed: false, count: 4 },
    ]);
    expect(o.total).toEqual({ key: "all", decided: 12, overruled: 5, rate: 5 / 12 });
    expect(o.byModel).toEqual([
      { key: "m1", decided: 10, overruled: 3, rate: 0.3 },
      { key: "m2", decided: 2, overruled: 2, rate: 1 },
    ]);
    expect(o.byAgent.map((a) => a.key)).toEqual(["u1", "u2"]);
    expect(o.byLane.find((l) => l.key === "AUTO_REJECT")).toEqual({ key: "AUTO_REJECT", decided: 2, overruled: 2, rate: 1 });
    // REVIEW/REJECT decided: 2 + 5 + 8 = 15, approved 7.
    expect(o.falsePositives).toEqual({ approved: 7, decided: 15, share: 7 / 15 });
    expect(o.disputedApprovals).toEqual({ disputed: 7, approved: 44, share: 7 / 44 });
    expect(overrules([]).total.rate).toBeNull();
  });
});
